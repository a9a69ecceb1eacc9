import StrandPrimitives

/// The chain's hash function and signature scheme, fixed by its genesis (`ChainConfig`).
///
/// An enum, so that every use is a switch the optimizer folds, never an existential call on
/// a hot path. SM2 signatures recover no key: a transaction's carries its signer's
/// (`RecoverableSignature.signerKey`), and "recovery" verifies against that key; seals and
/// votes name their validator, whose key is known (`isSigned(_:by:signature:)`).
public enum CryptoSuite: String, Sendable, CaseIterable, CustomStringConvertible {
    /// ECDSA on secp256k1 with public-key recovery, Keccak-256 hashes: Ethereum's and FISCO's default.
    case secp256k1 = "secp256k1"
    /// 国密: SM2 signatures (user ID `1234567812345678`, as FISCO's) and SM3 hashes.
    case sm = "sm"

    public var description: String { rawValue }

    /// The suite's hash of `bytes`.
    @inlinable
    public func hash(_ bytes: [UInt8]) -> Hash {
        switch self {
        case .secp256k1: Keccak256.hash(bytes)
        case .sm: SM3.hash(bytes)
        }
    }

    /// The suite's hash of the bytes in `buffer`.
    @inlinable
    public func hash(_ buffer: UnsafeRawBufferPointer) -> Hash {
        switch self {
        case .secp256k1: Keccak256.hash(buffer)
        case .sm: SM3.hash(buffer)
        }
    }

    /// The suite's hash of many messages (`HashEach`): Keccak-256's batched where it can be.
    public func hashEach(count: Int, into out: UnsafeMutablePointer<Hash>, message: (Int) -> UnsafeRawBufferPointer) {
        switch self {
        case .secp256k1: Keccak256.hashEach(count: count, into: out, message: message)
        case .sm: for i in 0..<count { out[i] = SM3.hash(message(i)) }
        }
    }

    /// The suite's hash of each message laid end to end in `bytes`, message i ending at
    /// `ends[i]`, into `out[i]`: how batches of encodings (transactions, signing payloads,
    /// receipts) are kept while they are hashed.
    public func hashEach(of bytes: UnsafeRawBufferPointer, ends: [Int], into out: UnsafeMutablePointer<Hash>) {
        hashEach(count: ends.count, into: out) { i in UnsafeRawBufferPointer(rebasing: bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]) }
    }

    /// Signs a 32-byte digest. An SM2 signature signs e = SM3(Z ‖ digest), as FISCO's SDKs
    /// sign a transaction's hash; a transaction's then carries the signer's key (`signerKey`),
    /// which seals and votes, naming their validator, leave out.
    ///
    /// - Precondition: `key` is valid for the suite (`validate(_:)`; every key a node loads is).
    public func sign(_ digest: Hash, with key: PrivateKey) -> RecoverableSignature {
        switch self {
        case .secp256k1:
            return key.sign(messageHash: digest)
        case .sm:
            guard let signature = SM2.sign(message: digest.bytes, privateKey: key.bytes, publicKey: nodeID(of: key).bytes) else {
                preconditionFailure("an SM2 key checked by validate(_:) always signs")
            }
            return signature.withUnsafeBytes { raw in
                RecoverableSignature(r: UInt256(loadingBigEndianFrom: raw.baseAddress!),
                                     s: UInt256(loadingBigEndianFrom: raw.baseAddress! + 32), recoveryID: 0)
            }
        }
    }

    /// Whether `signature` over `digest` is `node`'s: a seal's or a vote's check, where the
    /// validator is named and its key known.
    public func isSigned(_ digest: Hash, by node: NodeID, signature: RecoverableSignature) -> Bool {
        switch self {
        case .secp256k1:
            guard signature.signerKey == nil else { return false }
            return (try? NodeID(signature.recoverPublicKey(messageHash: digest))) == node
        case .sm:
            if let carried = signature.signerKey, carried != node { return false }
            return Self.verifySM2(digest, signature: signature, key: node)
        }
    }

    /// The node whose key made `signature` over `digest`: recovered for secp256k1, the carried
    /// key once it verifies for SM2.
    public func signer(of digest: Hash, signature: RecoverableSignature) throws(SignatureError) -> NodeID {
        switch self {
        case .secp256k1:
            guard signature.signerKey == nil else { throw .wrongSuite(expected: rawValue) }
            return NodeID(try signature.recoverPublicKey(messageHash: digest))
        case .sm:
            guard let key = signature.signerKey else { throw .wrongSuite(expected: rawValue) }
            guard Self.verifySM2(digest, signature: signature, key: key) else { throw .verificationFailed }
            return key
        }
    }

    /// The account address of whoever made `signature` over `digest`: sender recovery, the
    /// hot path (no allocation for secp256k1).
    @inlinable
    public func signerAddress(of digest: Hash, signature: RecoverableSignature, requireLowS: Bool = true) throws(SignatureError) -> Address {
        switch self {
        case .secp256k1:
            guard signature.signerKey == nil else { throw .wrongSuite(expected: rawValue) }
            return try signature.recoverSigner(messageHash: digest, requireLowS: requireLowS)
        case .sm:
            return address(of: try signer(of: digest, signature: signature))
        }
    }

    /// The account address of a node's key: the last 20 bytes of the key's hash (Ethereum's
    /// rule, and FISCO's 国密 one with SM3).
    public func address(of node: NodeID) -> Address {
        Address(lastBytesOf: hash(node.bytes))
    }

    /// The node ID of a private key.
    ///
    /// - Precondition: `key` is valid for the suite.
    public func nodeID(of key: PrivateKey) -> NodeID {
        switch self {
        case .secp256k1:
            return NodeID(key.publicKey)
        case .sm:
            guard let coordinates = SM2.publicKey(of: key.bytes) else { preconditionFailure("an SM2 key outside [1, n - 2]") }
            return try! NodeID(coordinates)
        }
    }

    /// Throws unless `key` is a private key of this suite. SM2's order is below secp256k1's,
    /// so every SM2 key is a `PrivateKey`, but not every `PrivateKey` an SM2 key.
    public func validate(_ key: PrivateKey) throws(SignatureError) {
        if self == .sm, SM2.publicKey(of: key.bytes) == nil { throw .invalidPrivateKey }
    }

    /// A new private key of this suite from the system's cryptographic random source.
    public func newPrivateKey() -> PrivateKey {
        while true {
            let key = PrivateKey.random()
            if (try? validate(key)) != nil { return key }
        }
    }

    /// The account address of a private key.
    public func address(of key: PrivateKey) -> Address {
        address(of: nodeID(of: key))
    }

    @usableFromInline
    static func verifySM2(_ digest: Hash, signature: RecoverableSignature, key: NodeID) -> Bool {
        guard signature.recoveryID == 0 else { return false }
        let rs = signature.r.bigEndianBytes + signature.s.bigEndianBytes
        return SM2.verify(message: digest.bytes, signature: rs, publicKey: key.bytes)
    }
}
