import StrandPrimitives
import Synchronization

/// The SM2 keys of a 国密 chain's recent senders, prepared once (`SM2.PreparedKey`: the point
/// checked, its multiples and Z computed) with their address, so that a sender's next
/// transactions skip that work. Bounded: a full stripe is emptied and refills with the keys in use.
final class SM2KeyCache: Sendable {
    struct Entry: Sendable {
        let key: SM2.PreparedKey
        let address: Address
    }

    private final class Stripe: Sendable {
        let entries = Mutex<[NodeID: Entry]>([:])
    }

    /// Stripes, so that the verifier's threads seldom wait for one another.
    private let stripes = (0..<16).map { _ in Stripe() }
    private let stripeCapacity: Int

    init(capacity: Int = 8192) {
        stripeCapacity = max(1, capacity / 16)
    }

    /// `node`'s prepared key and address; nil for a key that is not a point of the curve.
    func entry(for node: NodeID) -> Entry? {
        let stripe = stripes[Int(node.bytes[63] & 15)]
        if let hit = stripe.entries.withLock({ $0[node] }) { return hit }
        guard let key = SM2.PreparedKey(publicKey: node.bytes) else { return nil }
        let entry = Entry(key: key, address: CryptoSuite.sm.address(of: node))
        stripe.entries.withLock { entries in
            if entries.count >= stripeCapacity { entries.removeAll(keepingCapacity: true) }
            entries[node] = entry
        }
        return entry
    }
}

extension SignatureVerifier {
    /// The address of an SM2 transaction signature's signer, verified against the key it carries
    /// through the cache of prepared keys; the same answers as `CryptoSuite.sm.signerAddress`.
    func sm2Signer(of digest: Hash, signature: RecoverableSignature) -> Result<Address, SignatureError> {
        guard let node = signature.signerKey else { return .failure(.wrongSuite(expected: CryptoSuite.sm.rawValue)) }
        guard signature.recoveryID == 0, let entry = sm2Keys.entry(for: node),
              entry.key.verify(message: digest.bytes, signature: signature.r.bigEndianBytes + signature.s.bigEndianBytes) else {
            return .failure(.verificationFailed)
        }
        return .success(entry.address)
    }
}
