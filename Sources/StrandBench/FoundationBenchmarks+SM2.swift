import CStrandReference
import StrandCrypto
import StrandPrimitives

extension FoundationBenchmarks {
    /// SM2 signing and verification, one thread, against OpenSSL's SM2 (EVP with SM3 and the
    /// signer ID, keys made once) in the same run: 64 keys, distinct 32-byte messages (a
    /// transaction hash, as a 国密 chain signs), Z and e computed on every call by both sides;
    /// then with Strand's keys prepared once too (a node's hot senders), and in batches.
    func sm2() -> [BenchmarkRow] {
        var generator = SystemRandomNumberGenerator()
        let count = 256
        let keys = (0..<64).map { _ -> (secret: [UInt8], public: [UInt8]) in
            while true {
                let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if let key = SM2.publicKey(of: secret) { return (secret, key) }
            }
        }
        let references = keys.map { strand_reference_sm2_key($0.public, $0.secret)! }
        defer { references.forEach(strand_reference_sm2_key_free) }
        let id = SM2.defaultID
        let messages = (0..<count).map { i in Keccak256.hash([UInt8(i & 0xff), UInt8(i >> 8), 0x2d]).bytes }
        let signatures = (0..<count).map { i in SM2.sign(message: messages[i], privateKey: keys[i % 64].secret)! }
        let digests = (0..<count).map { i in SM2.digest(of: messages[i], publicKey: keys[i % 64].public) }

        let openSSLVerify = measure("OpenSSL SM2 verify", operationsPerCall: count, samples: 5) {
            for i in 0..<count {
                let valid = strand_reference_sm2_verify(references[i % 64], messages[i], 32, signatures[i], Array(signatures[i][32...]), id, id.count)
                precondition(valid == 1, "OpenSSL refused Strand's SM2 signature")
            }
        }
        let verify = measure("SM2 verify", operationsPerCall: count, samples: 5) {
            for i in 0..<count {
                precondition(SM2.verify(message: messages[i], signature: signatures[i], publicKey: keys[i % 64].public))
            }
        }
        let verifyDigest = measure("SM2 verify, e given", operationsPerCall: count, samples: 5) {
            for i in 0..<count { precondition(SM2.verify(digest: digests[i], signature: signatures[i], publicKey: keys[i % 64].public)) }
        }
        // Hot senders: each key prepared once (its multiples and Z kept), as OpenSSL's keys are made once.
        let prepared = keys.map { SM2.PreparedKey(publicKey: $0.public)! }
        let verifyPrepared = measure("SM2 verify, key prepared", operationsPerCall: count, samples: 5) {
            for i in 0..<count { precondition(prepared[i % 64].verify(message: messages[i], signature: signatures[i])) }
        }
        let verifier = SignatureVerifier(threads: threads)
        let requests = (0..<count).map { i in SM2VerificationRequest(digest: digests[i], signature: signatures[i], publicKey: keys[i % 64].public) }
        let batch = measure("SM2 batch verify", operationsPerCall: count, samples: 5) {
            precondition(verifier.verifySM2(requests).allSatisfy { $0 })
        }
        var r = [UInt8](repeating: 0, count: 32), s = [UInt8](repeating: 0, count: 32)
        let openSSLSign = measure("OpenSSL SM2 sign", operationsPerCall: count, samples: 5) {
            for i in 0..<count { precondition(strand_reference_sm2_sign(references[i % 64], messages[i], 32, &r, &s, id, id.count) == 1) }
        }
        let sign = measure("SM2 sign", operationsPerCall: count, samples: 5) {
            for i in 0..<count { blackHole(SM2.sign(message: messages[i], privateKey: keys[i % 64].secret, publicKey: keys[i % 64].public)) }
        }
        func ratio(_ reference: Measurement, _ strand: Measurement) -> Double {
            reference.nanosecondsPerOperation / strand.nanosecondsPerOperation
        }
        let verifyRatio = ratio(openSSLVerify, verify)
        // Batch throughput ÷ (threads × Strand's one-thread rate with e given).
        let batchRatio = batch.operationsPerSecond / (Double(threads) * verifyDigest.operationsPerSecond)
        let ideal = Measurement(name: "ideal", nanosecondsPerOperation: verifyDigest.nanosecondsPerOperation / Double(threads),
                                spread: verifyDigest.spread, samples: verifyDigest.samples)
        return [
            BenchmarkRow(name: "SM2 verify (Z, e, curve), 1 thread", strand: verify, reference: openSSLVerify,
                         ratioMeaning: "OpenSSL time ÷ Strand time", ratio: verifyRatio, target: "≥ 4", targetMet: verifyRatio >= 4),
            BenchmarkRow(name: "SM2 verify, key prepared (Z, e, curve)", strand: verifyPrepared, reference: openSSLVerify,
                         ratioMeaning: "OpenSSL time ÷ Strand time", ratio: ratio(openSSLVerify, verifyPrepared), target: nil, targetMet: nil),
            BenchmarkRow(name: "SM2 verify, e given, 1 thread", strand: verifyDigest, reference: openSSLVerify,
                         ratioMeaning: "OpenSSL time ÷ Strand time", ratio: ratio(openSSLVerify, verifyDigest), target: nil, targetMet: nil),
            BenchmarkRow(name: "SM2 batch verify, e given, \(threads) threads", strand: batch, reference: ideal,
                         ratioMeaning: "rate ÷ (\(threads) × 1-thread rate)", ratio: batchRatio, target: "≥ 0.9", targetMet: batchRatio >= 0.9),
            BenchmarkRow(name: "SM2 sign (Z, e, curve), 1 thread", strand: sign, reference: openSSLSign,
                         ratioMeaning: "OpenSSL time ÷ Strand time", ratio: ratio(openSSLSign, sign),
                         target: "≥ 20k/s", targetMet: sign.operationsPerSecond >= 20_000),
        ]
    }
}
