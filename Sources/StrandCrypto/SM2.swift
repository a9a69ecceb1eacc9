import CStrandSM2
import StrandPrimitives

/// SM2 signatures (GB/T 32918.2) on the recommended curve, for 国密 chains: Strand's own C
/// implementation (`CStrandSM2`), checked against OpenSSL's in both directions. Keys and
/// signatures are raw bytes: a public key is x ‖ y (64 bytes), a signature r ‖ s (64 bytes).
///
/// What is signed is e = SM3(Z ‖ M), where Z hashes the signer's ID and public key; FISCO and its
/// SDKs use the ID `1234567812345678`.
public enum SM2 {
    public static let defaultID = Array("1234567812345678".utf8)

    // a, b, G of the recommended curve, as Z hashes them.
    private static let curveParameters = try! Hex.decode(
        "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
            + "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
            + "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
            + "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0")

    /// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), ENTL the ID's length in bits (two bytes).
    public static func z(publicKey: [UInt8], id: [UInt8] = defaultID) -> Hash {
        precondition(publicKey.count == 64 && id.count < 8192, "an SM2 public key is 64 bytes; an ID under 8 KiB")
        let bits = id.count * 8
        return SM3.hash([UInt8(bits >> 8), UInt8(bits & 0xFF)] + id + curveParameters + publicKey)
    }

    /// e = SM3(Z ‖ M): what is signed for `message`.
    public static func digest(of message: [UInt8], publicKey: [UInt8], id: [UInt8] = defaultID) -> Hash {
        SM3.hash(z(publicKey: publicKey, id: id).bytes + message)
    }

    /// Whether `signature` (r ‖ s) signs `digest` (e) under `publicKey` (x ‖ y); false for any
    /// malformed input.
    public static func verify(digest: Hash, signature: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 64 else { return false }
        let bytes = digest.bytes
        return signature.withUnsafeBufferPointer { sig in
            strand_sm2_verify(bytes, sig.baseAddress!, sig.baseAddress! + 32, publicKey) == 1
        }
    }

    /// Verifies a signature of `message` by the holder of `publicKey` under `id`.
    public static func verify(message: [UInt8], signature: [UInt8], publicKey: [UInt8], id: [UInt8] = defaultID) -> Bool {
        guard publicKey.count == 64 else { return false }
        return verify(digest: digest(of: message, publicKey: publicKey, id: id), signature: signature, publicKey: publicKey)
    }

    /// The public key (x ‖ y) of a 32-byte private key, or nil if it is outside [1, n - 2].
    public static func publicKey(of privateKey: [UInt8]) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        var key = [UInt8](repeating: 0, count: 64)
        return strand_sm2_public_key(&key, privateKey) == 1 ? key : nil
    }

    /// Signs `digest` (e) with a fresh secret nonce from `generator`; nil if the private key is
    /// outside [1, n - 2].
    public static func sign(digest: Hash, privateKey: [UInt8], using generator: inout some RandomNumberGenerator) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        let e = digest.bytes
        var r = [UInt8](repeating: 0, count: 32), s = [UInt8](repeating: 0, count: 32)
        // A nonce is refused about once in 2^128 draws; a key outside the range, every time.
        for _ in 0..<64 {
            let k = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next().bigEndian) { Array($0) } }
            if strand_sm2_sign(&r, &s, e, privateKey, k) == 1 { return r + s }
        }
        return nil
    }

    /// Signs `digest` with a nonce from the system's cryptographic generator.
    public static func sign(digest: Hash, privateKey: [UInt8]) -> [UInt8]? {
        var generator = SystemRandomNumberGenerator()
        return sign(digest: digest, privateKey: privateKey, using: &generator)
    }

    /// Signs `message` under `id` (computing Z and e); `publicKey` is the signer's own, which it
    /// keeps beside its private key (derived here when not given).
    public static func sign(message: [UInt8], privateKey: [UInt8], publicKey: [UInt8]? = nil, id: [UInt8] = defaultID) -> [UInt8]? {
        guard let publicKey = publicKey ?? Self.publicKey(of: privateKey) else { return nil }
        return sign(digest: digest(of: message, publicKey: publicKey, id: id), privateKey: privateKey)
    }
}

extension SM2 {
    /// A public key prepared for many verifications, as a node keeps its hot senders': the point
    /// checked once, its multiples precomputed, Z computed once for its ID.
    public final class PreparedKey: @unchecked Sendable {
        // Immutable after init; the C reads it from any thread.
        private let prepared: OpaquePointer
        public let publicKey: [UInt8]
        public let z: Hash

        /// Nil for a key that is not 64 bytes or not on the curve.
        public init?(publicKey: [UInt8], id: [UInt8] = SM2.defaultID) {
            guard publicKey.count == 64, let prepared = strand_sm2_key_new(publicKey) else { return nil }
            self.prepared = prepared
            self.publicKey = publicKey
            z = SM2.z(publicKey: publicKey, id: id)
        }

        deinit { strand_sm2_key_free(prepared) }

        /// Whether `signature` (r ‖ s) signs `digest` (e) under this key.
        public func verify(digest: Hash, signature: [UInt8]) -> Bool {
            guard signature.count == 64 else { return false }
            let bytes = digest.bytes
            return signature.withUnsafeBufferPointer { sig in
                strand_sm2_verify_prepared(bytes, sig.baseAddress!, sig.baseAddress! + 32, prepared) == 1
            }
        }

        /// Whether `signature` signs `message` under this key and the ID it was prepared with.
        public func verify(message: [UInt8], signature: [UInt8]) -> Bool {
            verify(digest: SM3.hash(z.bytes + message), signature: signature)
        }

        /// Whether (r, s) signs the 32-byte `message` (a transaction's signing hash): `verify(message:signature:)`
        /// without a heap allocation, for the verifier's batches.
        public func verify(hashMessage message: Hash, r: UInt256, s: UInt256) -> Bool {
            withUnsafeTemporaryAllocation(byteCount: 128, alignment: 8) { buffer in
                let base = buffer.baseAddress!
                z.withUnsafeBytes { (base).copyMemory(from: $0.baseAddress!, byteCount: 32) }
                message.withUnsafeBytes { (base + 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
                let e = SM3.hash(UnsafeRawBufferPointer(rebasing: buffer[0..<64]))
                e.withUnsafeBytes { (base).copyMemory(from: $0.baseAddress!, byteCount: 32) }
                r.storeBigEndian(to: base + 64)
                s.storeBigEndian(to: base + 96)
                let bytes = base.assumingMemoryBound(to: UInt8.self)
                return strand_sm2_verify_prepared(bytes, bytes + 64, bytes + 96, prepared) == 1
            }
        }
    }
}
