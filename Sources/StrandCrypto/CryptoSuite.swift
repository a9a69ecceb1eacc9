import StrandPrimitives

/// The chain's hash function and signature scheme, fixed by its genesis (`ChainConfig`).
///
/// An enum, so that every use is a switch the optimizer folds, never an existential call on
/// a hot path. Only secp256k1 with Keccak-256 exists; a 国密 suite (SM2 + SM3) is a second
/// case. SM2 signatures do not recover their key, so its signatures will carry the signer's
/// public key: `signer(of:signature:)` then verifies against that key and returns it, and its
/// callers do not change (ARCHITECTURE.md, "Crypto suite").
public enum CryptoSuite: String, Sendable, CaseIterable, CustomStringConvertible {
    /// ECDSA on secp256k1 with public-key recovery, Keccak-256 hashes: Ethereum's and FISCO's default.
    case secp256k1 = "secp256k1"

    public var description: String { rawValue }

    /// The suite's hash of `bytes`.
    @inlinable
    public func hash(_ bytes: [UInt8]) -> Hash {
        switch self {
        case .secp256k1: Keccak256.hash(bytes)
        }
    }

    /// Signs a 32-byte digest.
    public func sign(_ digest: Hash, with key: PrivateKey) -> RecoverableSignature {
        switch self {
        case .secp256k1: key.sign(messageHash: digest)
        }
    }

    /// The node whose key made `signature` over `digest`.
    public func signer(of digest: Hash, signature: RecoverableSignature) throws(SignatureError) -> NodeID {
        switch self {
        case .secp256k1: NodeID(try signature.recoverPublicKey(messageHash: digest))
        }
    }

    /// The account address of whoever made `signature` over `digest`: sender recovery, the
    /// hot path (no allocation for secp256k1).
    @inlinable
    public func signerAddress(of digest: Hash, signature: RecoverableSignature, requireLowS: Bool = true) throws(SignatureError) -> Address {
        switch self {
        case .secp256k1: try signature.recoverSigner(messageHash: digest, requireLowS: requireLowS)
        }
    }

    /// The account address of a node's key (Ethereum's rule: the last 20 bytes of the key's hash).
    public func address(of node: NodeID) -> Address {
        Address(lastBytesOf: hash(node.bytes))
    }

    /// The node ID of a private key.
    public func nodeID(of key: PrivateKey) -> NodeID {
        switch self {
        case .secp256k1: NodeID(key.publicKey)
        }
    }
}
