import CStrandReference
import StrandCrypto
import StrandPrimitives

extension FuzzTarget {
    /// An input for the `sm2` target: a public key (64 bytes), a signature (r ‖ s), then the message.
    static func sm2(_ input: [UInt8]) {
        guard input.count >= 128 else { return }
        let publicKey = Array(input[..<64]), signature = Array(input[64..<128]), message = Array(input[128...])
        let id = SM2.defaultID
        // Strand accepts exactly what OpenSSL accepts (a point OpenSSL will not load: refused).
        let strand = SM2.verify(message: message, signature: signature, publicKey: publicKey)
        var openSSL = false
        if let key = strand_reference_sm2_key(publicKey, nil) {
            openSSL = strand_reference_sm2_verify(key, message, message.count, signature, Array(signature[32...]), id, id.count) == 1
            strand_reference_sm2_key_free(key)
        }
        check(strand == openSSL, "SM2 verification disagrees with OpenSSL's (Strand \(strand), OpenSSL \(openSSL))")
        // A key and a nonce drawn from the input: what Strand signs, both accept.
        let privateKey = Keccak256.hash(input).bytes
        guard let ownKey = SM2.publicKey(of: privateKey) else { return }
        var nonces = InputNonces(seed: Keccak256.hash(message + privateKey))
        let digest = SM2.digest(of: message, publicKey: ownKey)
        guard let ours = SM2.sign(digest: digest, privateKey: privateKey, using: &nonces) else {
            FuzzFinding.report("SM2 refused to sign with a key in range")
        }
        check(SM2.verify(digest: digest, signature: ours, publicKey: ownKey), "Strand refused its own SM2 signature")
        guard let key = strand_reference_sm2_key(ownKey, nil) else { FuzzFinding.report("OpenSSL refused Strand's SM2 public key") }
        defer { strand_reference_sm2_key_free(key) }
        check(strand_reference_sm2_verify(key, message, message.count, ours, Array(ours[32...]), id, id.count) == 1,
              "OpenSSL refused Strand's SM2 signature")
    }

    static var sampleSM2: [[UInt8]] {
        // GB/T 32918's example: its public key, its signature of "message digest".
        let example = try! Hex.decode(
            "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
                + "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")
        return [example + Array("message digest".utf8), example + Array("message digesT".utf8)]
    }
}

/// Nonces from a hash chain over the input, so that a run is reproducible.
private struct InputNonces: RandomNumberGenerator {
    var state: Hash
    init(seed: Hash) { state = seed }
    mutating func next() -> UInt64 {
        state = Keccak256.hash(state.bytes)
        return state.bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
