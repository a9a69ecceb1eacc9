import CSecp256k1
import StrandPrimitives

/// A secp256k1 private key.
public struct PrivateKey: Sendable {
    /// The 32-byte big-endian scalar.
    public let bytes: [UInt8]

    /// The key with these 32 bytes; throws unless they are a valid scalar (1 ..< n).
    public init(_ bytes: some Collection<UInt8>) throws(SignatureError) {
        let bytes = Array(bytes)
        guard bytes.count == 32, secp256k1_ec_seckey_verify(Secp256k1Context.current, bytes) == 1 else {
            throw .invalidPrivateKey
        }
        self.bytes = bytes
    }

    /// Parses 64 hex digits, with or without `0x`.
    public init(hex: some StringProtocol) throws {
        try self.init(Hex.decode(hex))
    }

    /// A new key from the operating system's cryptographic random source.
    public static func random() -> PrivateKey {
        while true {
            if let key = try? PrivateKey(SystemRandomNumberGenerator.bytes(32)) { return key }
        }
    }

    public var publicKey: PublicKey {
        let context = Secp256k1Context.current
        var key = secp256k1_pubkey()
        let ok = secp256k1_ec_pubkey_create(context, &key, bytes)
        precondition(ok == 1, "a verified private key always has a public key")
        return PublicKey(key, context: context)
    }

    public var address: Address { publicKey.address }

    /// Signs a 32-byte message hash with an RFC 6979 deterministic nonce; s is always low (EIP-2).
    public func sign(messageHash: Hash) -> RecoverableSignature {
        let context = Secp256k1Context.current
        var signature = secp256k1_ecdsa_recoverable_signature()
        let ok = messageHash.withUnsafeBytes { message in
            secp256k1_ecdsa_sign_recoverable(
                context, &signature, message.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes, nil, nil)
        }
        precondition(ok == 1, "signing with a verified key cannot fail")
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recoveryID, &signature)
        return compact.withUnsafeBytes { buffer in
            RecoverableSignature(
                r: UInt256(loadingBigEndianFrom: buffer.baseAddress!),
                s: UInt256(loadingBigEndianFrom: buffer.baseAddress! + 32),
                recoveryID: UInt8(recoveryID))
        }
    }
}
