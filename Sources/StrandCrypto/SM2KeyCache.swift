import StrandPrimitives
import Synchronization

/// The SM2 keys of a 国密 chain's recent senders, prepared once (`SM2.PreparedKey`: the point
/// checked, its multiples and Z computed) with their address, so that a sender's next
/// transactions skip that work. Only keys that signed validly are kept, so that signatures that
/// fail cannot push hot senders out. Bounded: a full stripe is emptied and refills with the keys in use.
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

    private func stripe(_ node: NodeID) -> Stripe { stripes[Int(node.bytes[63] & 15)] }

    /// `node`'s prepared key and address if it is kept.
    func cached(_ node: NodeID) -> Entry? {
        stripe(node).entries.withLock { $0[node] }
    }

    /// Keeps `entry` for `node`: call it once the key has verified a signature.
    func keep(_ entry: Entry, for node: NodeID) {
        stripe(node).entries.withLock { entries in
            if entries.count >= stripeCapacity { entries.removeAll(keepingCapacity: true) }
            entries[node] = entry
        }
    }
}

extension SignatureVerifier {
    /// The address of an SM2 transaction signature's signer, verified against the key it carries
    /// through the cache of prepared keys; the same answers as `CryptoSuite.sm.signerAddress`.
    func sm2Signer(of digest: Hash, signature: RecoverableSignature) -> Result<Address, SignatureError> {
        guard let node = signature.signerKey else { return .failure(.wrongSuite(expected: CryptoSuite.sm.rawValue)) }
        let cached = sm2Keys.cached(node)
        guard signature.recoveryID == 0,
              let entry = cached ?? SM2.PreparedKey(publicKey: node.bytes).map({ SM2KeyCache.Entry(key: $0, address: CryptoSuite.sm.address(of: node)) }),
              entry.key.verify(hashMessage: digest, r: signature.r, s: signature.s) else {
            return .failure(.verificationFailed)
        }
        if cached == nil { sm2Keys.keep(entry, for: node) }
        return .success(entry.address)
    }
}
