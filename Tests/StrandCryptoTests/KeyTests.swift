import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import Testing

@Suite struct KeyTests {
    /// `BasicTests/keyaddrtest.json`: each key's address.
    ///
    /// The file's `sig_of_emptystring` entries are not checked: they recover to none of the
    /// keys over keccak(""), sha3-256(""), sha256("") or the zero hash, so the message they
    /// sign is not the one the name suggests.
    @Test func keyAddressVectors() throws {
        let cases = try #require(try TestVectors.json("BasicTests/keyaddrtest.json") as? [[String: Any]])
        #expect(cases.count == 2)
        for vector in cases {
            let key = try PrivateKey(hex: try #require(vector["key"] as? String))
            let address = try Address(hex: try #require(vector["addr"] as? String))
            #expect(key.address == address)
            #expect(key.publicKey.address == address)
        }
    }

    @Test func signaturesAreDeterministicAndLowS() throws {
        let key = PrivateKey.random()
        for i in 0..<50 {
            let message = Keccak256.hash([UInt8(i)])
            let signature = key.sign(messageHash: message)
            #expect(signature == key.sign(messageHash: message))
            #expect(signature.s <= RecoverableSignature.halfCurveOrder)
            #expect(try signature.recoverSigner(messageHash: message) == key.address)
        }
    }

    @Test func rejectsOutOfRangeAndHighS() throws {
        let key = PrivateKey.random()
        let message = Keccak256.hash([1, 2, 3])
        let good = key.sign(messageHash: message)
        // (r, n − s) with the other parity is the same signature in high-s form: valid ECDSA, refused by EIP-2.
        var high = good
        high.s = RecoverableSignature.curveOrder &- good.s
        high.recoveryID ^= 1
        #expect(throws: SignatureError.highS) { try high.recoverSigner(messageHash: message) }
        #expect(try high.recoverSigner(messageHash: message, requireLowS: false) == key.address)

        var zeroR = good
        zeroR.r = .zero
        #expect(throws: SignatureError.rOutOfRange) { try zeroR.recoverSigner(messageHash: message) }
        var bigS = good
        bigS.s = RecoverableSignature.curveOrder
        #expect(throws: SignatureError.sOutOfRange) { try bigS.recoverSigner(messageHash: message, requireLowS: false) }
        var badID = good
        badID.recoveryID = 2
        #expect(throws: SignatureError.invalidRecoveryID(2)) { try badID.recoverSigner(messageHash: message) }
        #expect(throws: SignatureError.invalidPrivateKey) { try PrivateKey([UInt8](repeating: 0, count: 32)) }
        #expect(throws: SignatureError.invalidPrivateKey) { try PrivateKey(RecoverableSignature.curveOrder.bigEndianBytes) }
    }
}

@Suite struct SignatureVerifierTests {
    @Test(arguments: [1, 2, 4])
    func recoversInInputOrderWithPerItemErrors(threads: Int) throws {
        let verifier = SignatureVerifier(threads: threads)
        let keys = (0..<8).map { _ in PrivateKey.random() }
        var requests: [RecoveryRequest] = []
        var expected: [Result<Address, SignatureError>] = []
        for i in 0..<300 {
            let key = keys[i % keys.count]
            let message = Keccak256.hash([UInt8(i & 0xff), UInt8(i >> 8)])
            var signature = key.sign(messageHash: message)
            if i % 37 == 5 {
                signature.r = .zero
                expected.append(.failure(.rOutOfRange))
            } else {
                expected.append(.success(key.address))
            }
            requests.append(RecoveryRequest(messageHash: message, signature: signature))
        }
        let results = verifier.recoverSigners(requests)
        #expect(results.count == expected.count)
        for (result, want) in zip(results, expected) {
            switch (result, want) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(a == b)
            default: Issue.record("got \(result), expected \(want)")
            }
        }
    }

    /// A verifier that remembers signers answers a repeated request without recovering it, and
    /// only an identical one: another signature over the same digest, or the same high-S
    /// signature under the low-S rule, is recovered (and refused) as if never seen.
    @Test func rememberedSignersAnswerOnlyTheSameRequest() throws {
        let verifier = SignatureVerifier(threads: 2, rememberedSigners: 64)
        let key = PrivateKey.random()
        let requests = (0..<20).map { i in
            let message = Keccak256.hash([UInt8(i)])
            return RecoveryRequest(messageHash: message, signature: key.sign(messageHash: message))
        }
        #expect(verifier.recoverSigners(requests).allSatisfy { (try? $0.get()) == key.address })
        #expect(verifier.signaturesRecovered == 20)
        #expect(verifier.recoverSigners(requests).allSatisfy { (try? $0.get()) == key.address })
        #expect(verifier.signaturesRecovered == 20)

        var forged = requests[3]
        forged.signature.r = .zero
        var flipped = requests[4]
        flipped.signature.s = RecoverableSignature.curveOrder &- flipped.signature.s
        flipped.signature.recoveryID ^= 1
        let results = verifier.recoverSigners([forged, flipped])
        #expect(throws: SignatureError.rOutOfRange) { try results[0].get() }
        #expect(throws: SignatureError.self) { try results[1].get() }
        #expect(verifier.signaturesRecovered == 22)
        // Past its capacity the oldest are forgotten and recovered again.
        let more = (20..<120).map { i in
            let message = Keccak256.hash([UInt8(i)])
            return RecoveryRequest(messageHash: message, signature: key.sign(messageHash: message))
        }
        _ = verifier.recoverSigners(more)
        _ = verifier.recoverSigners(Array(requests.prefix(2)))
        #expect(verifier.signaturesRecovered == 124)
    }

    /// One thread takes a whole batch as one range, yet remembers every few signers as it goes:
    /// a proposal and the gossip of the same transactions, recovered at the same moment on two
    /// threads, must not both recover everything.
    @Test func aLongBatchIsRememberedAsItGoes() {
        let verifier = SignatureVerifier(threads: 1, rememberedSigners: 1_000)
        let key = PrivateKey.random()
        var requests = (0..<40).map { i in
            let message = Keccak256.hash([UInt8(i)])
            return RecoveryRequest(messageHash: message, signature: key.sign(messageHash: message))
        }
        requests.append(requests[0])
        #expect(verifier.recoverSigners(requests).allSatisfy { (try? $0.get()) == key.address })
        #expect(verifier.signaturesRecovered == 40)
    }
}
