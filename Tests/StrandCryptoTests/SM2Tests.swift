import CStrandReference
import Dispatch
import Foundation
import StrandCrypto
import StrandPrimitives
import Synchronization
import Testing

/// SM2 against its standard's example and, in both directions, against OpenSSL's: each verifies
/// the other's signatures, and both refuse the same malformed ones.
@Suite struct SM2Tests {
    /// Returns the words of a fixed nonce, as `SM2.sign` draws them.
    struct FixedNonce: RandomNumberGenerator {
        var words: [UInt64]
        mutating func next() -> UInt64 { words.removeFirst() }
    }

    // GB/T 32918's example on the recommended curve (GM/T 0003.5): ID 1234567812345678, "message digest".
    static let privateKey = try! Hex.decode("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
    static let publicKey = try! Hex.decode("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
                                           + "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13")
    static let nonce: [UInt64] = [0x59276E27D506861A, 0x16680F3AD9C02DCC, 0xEF3CC1FA3CDBE4CE, 0x6D54B80DEAC1BC21]
    static let expected = try! Hex.decode("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                                          + "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")
    static let order = try! Hex.decode("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123")
    static let prime = try! Hex.decode("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF")

    @Test func theStandardsExample() throws {
        #expect(SM2.publicKey(of: Self.privateKey) == Self.publicKey)
        let message = Array("message digest".utf8)
        let digest = SM2.digest(of: message, publicKey: Self.publicKey)
        #expect(digest.description == "0xf0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640")
        var generator = FixedNonce(words: Self.nonce)
        #expect(SM2.sign(digest: digest, privateKey: Self.privateKey, using: &generator) == Self.expected)
        #expect(SM2.verify(message: message, signature: Self.expected, publicKey: Self.publicKey))
        #expect(SM2.PreparedKey(publicKey: Self.publicKey)?.verify(message: message, signature: Self.expected) == true)
        #expect(!SM2.verify(message: Array("message digesT".utf8), signature: Self.expected, publicKey: Self.publicKey))
        #expect(!SM2.verify(message: message, signature: Self.expected, publicKey: Self.publicKey, id: Array("ALICE123@YAHOO.COM".utf8)))
    }

    @Test func privateKeysOutsideTheRangeAreRefused() {
        let zero = [UInt8](repeating: 0, count: 32)
        var nMinusOne = Self.order
        nMinusOne[31] -= 1
        var nMinusTwo = Self.order
        nMinusTwo[31] -= 2
        #expect(SM2.publicKey(of: zero) == nil && SM2.publicKey(of: nMinusOne) == nil && SM2.publicKey(of: Self.order) == nil)
        #expect(SM2.publicKey(of: nMinusTwo) != nil)
        #expect(SM2.publicKey(of: [1]) == nil)
    }

    @Test func batchesAgreeWithOneByOne() {
        var generator = SplitMix(seed: 77)
        let requests = (0..<200).map { i -> SM2VerificationRequest in
            let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let key = SM2.publicKey(of: secret)!
            let digest = Keccak256.hash([UInt8(i & 0xff), UInt8(i >> 8)])
            var signature = SM2.sign(digest: digest, privateKey: secret, using: &generator)!
            if i % 3 == 0 { signature[5] ^= 0x10 }                       // a third of them broken
            return SM2VerificationRequest(digest: digest, signature: signature, publicKey: key)
        }
        let batch = SignatureVerifier(threads: 4).verifySM2(requests)
        #expect(batch == requests.map { SM2.verify(digest: $0.digest, signature: $0.signature, publicKey: $0.publicKey) })
        #expect(batch.filter { $0 }.count == 133)
    }

    /// Cases checked by the differential test; CI runs 100,000 (`STRAND_SM2_CASES` to change).
    static let cases = Int(ProcessInfo.processInfo.environment["STRAND_SM2_CASES"] ?? "") ?? 100_000

    @Test func differentialAgainstOpenSSL() throws {
        let failures = Mutex<[String]>([])
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var generator = SplitMix(seed: UInt64(worker) &* 0x9E3779B97F4A7C15 &+ 1)
            for index in stride(from: worker, to: Self.cases, by: workers) {
                if let failure = Self.check(index, &generator) {
                    failures.withLock { $0.append(failure) }
                    return
                }
            }
        }
        let found = failures.withLock { $0 }
        #expect(found.isEmpty, "\(found.prefix(5))")
    }

    /// One case: a random key, message and ID; each side signs, both verify both; then one
    /// malformed variant (tampered message, r, s, key; r or s at 0 or n; a key off the curve).
    static func check(_ index: Int, _ generator: inout SplitMix) -> String? {
        var privateKey = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if index % 1000 == 0 { privateKey = Array(repeating: 0, count: 31) + [UInt8(1 + index % 200)] }    // tiny keys
        guard let publicKey = SM2.publicKey(of: privateKey) else { return nil }                          // ≈ 2^-32: out of range
        let message = (0..<(index % 97)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let id = index % 5 == 0 ? Array("ALICE123@YAHOO.COM".utf8) : SM2.defaultID
        guard let reference = strand_reference_sm2_key(publicKey, privateKey) else { return "case \(index): OpenSSL refused a valid key" }
        defer { strand_reference_sm2_key_free(reference) }
        func openSSLVerifies(_ signature: [UInt8], _ message: [UInt8], key: UnsafeMutableRawPointer = reference) -> Bool {
            strand_reference_sm2_verify(key, message, message.count, signature, Array(signature[32...]), id, id.count) == 1
        }
        // Strand signs, OpenSSL verifies; OpenSSL signs, Strand verifies.
        let ours = SM2.sign(digest: SM2.digest(of: message, publicKey: publicKey, id: id), privateKey: privateKey, using: &generator)!
        guard openSSLVerifies(ours, message) else { return "case \(index): OpenSSL refused Strand's signature" }
        var r = [UInt8](repeating: 0, count: 32), s = [UInt8](repeating: 0, count: 32)
        guard strand_reference_sm2_sign(reference, message, message.count, &r, &s, id, id.count) == 1 else { return "case \(index): OpenSSL did not sign" }
        let theirs = r + s
        guard SM2.verify(message: message, signature: theirs, publicKey: publicKey, id: id) else {
            return "case \(index): Strand refused OpenSSL's signature"
        }
        // A malformed variant: both must refuse it.
        var signature = theirs, tampered = message, key = publicKey
        switch index % 8 {
        case 0: tampered.append(UInt8(index & 0xFF))
        case 1: signature[Int.random(in: 0..<32, using: &generator)] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
        case 2: signature[32 + Int.random(in: 0..<32, using: &generator)] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
        case 3: signature.replaceSubrange(0..<32, with: index % 16 == 3 ? [UInt8](repeating: 0, count: 32) : order)
        case 4: signature.replaceSubrange(32..<64, with: index % 16 == 4 ? [UInt8](repeating: 0, count: 32) : order)
        case 5: key[63] ^= 1                                                                     // off the curve
        case 6: key.replaceSubrange(0..<32, with: prime)                                         // x = p
        default: signature = Array(signature[32...]) + Array(signature[..<32])                  // r and s swapped
        }
        let strandAccepts = SM2.verify(message: tampered, signature: signature, publicKey: key, id: id)
        // A prepared key answers as the plain path does, and refuses to prepare a point off the curve.
        let prepared = SM2.PreparedKey(publicKey: key, id: id)
        if prepared?.verify(message: tampered, signature: signature) ?? false != strandAccepts {
            return "case \(index): a prepared key disagrees with the plain path"
        }
        if index % 8 == 0, SM2.PreparedKey(publicKey: publicKey, id: id)?.verify(message: message, signature: theirs) != true {
            return "case \(index): a prepared key refused OpenSSL's signature"
        }
        let openSSLAccepts: Bool
        if key == publicKey {
            openSSLAccepts = openSSLVerifies(signature, tampered)
        } else if let other = strand_reference_sm2_key(key, nil) {
            defer { strand_reference_sm2_key_free(other) }
            openSSLAccepts = openSSLVerifies(signature, tampered, key: other)
        } else {
            openSSLAccepts = false                                                             // OpenSSL refuses the point itself
        }
        if strandAccepts || openSSLAccepts { return "case \(index) (variant \(index % 8)): Strand \(strandAccepts), OpenSSL \(openSSLAccepts)" }
        return nil
    }
}

/// A small, fast, seeded generator for test inputs (not for keys that matter).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
