import StrandPrimitives

/// An SM2 signature to check: e = SM3(Z ‖ M), r ‖ s, and the signer's public key x ‖ y (which a
/// 国密 signature carries, since SM2 recovers no key).
public struct SM2VerificationRequest: Sendable {
    public var digest: Hash
    public var signature: [UInt8]
    public var publicKey: [UInt8]

    public init(digest: Hash, signature: [UInt8], publicKey: [UInt8]) {
        self.digest = digest
        self.signature = signature
        self.publicKey = publicKey
    }
}

extension SignatureVerifier {
    /// Whether each SM2 signature is valid, in input order, checked on every thread of the pool.
    public func verifySM2(_ requests: [SM2VerificationRequest]) -> [Bool] {
        requests.withUnsafeBufferPointer { requests in
            [Bool](unsafeUninitializedCapacity: requests.count) { results, initialized in
                parallelFor(requests.count, chunkSize: 8) { range in
                    for i in range {
                        let request = requests[i]
                        (results.baseAddress! + i).initialize(
                            to: SM2.verify(digest: request.digest, signature: request.signature, publicKey: request.publicKey))
                    }
                }
                initialized = requests.count
            }
        }
    }
}
