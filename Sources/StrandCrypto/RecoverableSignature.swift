import CSecp256k1
import StrandPrimitives

/// A transaction's or vote's signature: ECDSA on secp256k1 with the recovery id that picks the
/// signer's key, or SM2 (`CryptoSuite.sm`), which recovers no key, so a transaction's SM2
/// signature carries its signer's (`signerKey`), as FISCO's 国密 transactions do.
public struct RecoverableSignature: Hashable, Sendable {
    public var r: UInt256
    public var s: UInt256
    /// 0 or 1: the parity of the ephemeral point's y coordinate; 0 for SM2.
    public var recoveryID: UInt8
    /// The SM2 public key a 国密 transaction carries; nil for secp256k1 and for seals and votes,
    /// whose signer is named by its validator index.
    public var signerKey: NodeID?

    /// The order n of the secp256k1 group.
    public static let curveOrder = UInt256(
        w0: 0xBFD2_5E8C_D036_4141, w1: 0xBAAE_DCE6_AF48_A03B, w2: 0xFFFF_FFFF_FFFF_FFFE, w3: 0xFFFF_FFFF_FFFF_FFFF)
    /// n / 2: EIP-2 requires s ≤ this.
    public static let halfCurveOrder = UInt256(
        w0: 0xDFE9_2F46_681B_20A0, w1: 0x5D57_6E73_57A4_501D, w2: 0xFFFF_FFFF_FFFF_FFFF, w3: 0x7FFF_FFFF_FFFF_FFFF)

    public init(r: UInt256, s: UInt256, recoveryID: UInt8) {
        self.r = r
        self.s = s
        self.recoveryID = recoveryID
    }

    /// An SM2 signature r ‖ s that carries its signer's public key.
    public init(sm2 r: UInt256, s: UInt256, signerKey: NodeID) {
        self.init(r: r, s: s, recoveryID: 0)
        self.signerKey = signerKey
    }

    /// The suite that made a transaction's signature: SM2's when it carries its key.
    public var suite: CryptoSuite { signerKey == nil ? .secp256k1 : .sm }

    /// Checks the ranges of r and s and, when `requireLowS`, the EIP-2 rule.
    /// An SM2 signature's ranges are SM2's order, which its verification checks.
    public func validate(requireLowS: Bool = true) throws(SignatureError) {
        if signerKey != nil {
            guard !r.isZero else { throw .rOutOfRange }
            guard !s.isZero else { throw .sOutOfRange }
            return
        }
        guard !r.isZero, r < Self.curveOrder else { throw .rOutOfRange }
        guard !s.isZero, s < Self.curveOrder else { throw .sOutOfRange }
        guard recoveryID <= 1 else { throw .invalidRecoveryID(UInt64(recoveryID)) }
        if requireLowS && s > Self.halfCurveOrder { throw .highS }
    }

    /// The public key that made this signature over `messageHash`.
    ///
    /// - Throws: the range errors of `validate`, or `recoveryFailed`.
    public func recoverPublicKey(messageHash: Hash, requireLowS: Bool = true) throws(SignatureError) -> PublicKey {
        PublicKey(try recover(messageHash: messageHash, requireLowS: requireLowS), context: Secp256k1Context.current)
    }

    /// The address of the key that made this signature over `messageHash`.
    ///
    /// The hot path of sender recovery: no heap allocation, one context lookup.
    public func recoverSigner(messageHash: Hash, requireLowS: Bool = true) throws(SignatureError) -> Address {
        var key = try recover(messageHash: messageHash, requireLowS: requireLowS)
        let context = Secp256k1Context.current
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65) { serialized in
            var length = 65
            _ = secp256k1_ec_pubkey_serialize(
                context, serialized.baseAddress!, &length, &key, UInt32(SECP256K1_EC_UNCOMPRESSED))
            let coordinates = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(serialized)[1..<65])
            return Address(lastBytesOf: Keccak256.hash(coordinates))
        }
    }

    private func recover(messageHash: Hash, requireLowS: Bool) throws(SignatureError) -> secp256k1_pubkey {
        try validate(requireLowS: requireLowS)
        let context = Secp256k1Context.current
        var signature = secp256k1_ecdsa_recoverable_signature()
        let parsed = withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { compact in
            r.storeBigEndian(to: compact.baseAddress!)
            s.storeBigEndian(to: compact.baseAddress! + 32)
            return secp256k1_ecdsa_recoverable_signature_parse_compact(
                context, &signature, compact.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(recoveryID))
        }
        guard parsed == 1 else { throw .recoveryFailed }
        var key = secp256k1_pubkey()
        let recovered = messageHash.withUnsafeBytes { message in
            secp256k1_ecdsa_recover(context, &key, &signature, message.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard recovered == 1 else { throw .recoveryFailed }
        return key
    }
}
