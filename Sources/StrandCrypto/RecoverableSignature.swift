import CSecp256k1
import StrandPrimitives

/// An ECDSA signature on secp256k1 with the recovery id that picks the signer's key.
public struct RecoverableSignature: Hashable, Sendable {
    public var r: UInt256
    public var s: UInt256
    /// 0 or 1: the parity of the ephemeral point's y coordinate.
    public var recoveryID: UInt8

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

    /// Checks the ranges of r and s and, when `requireLowS`, the EIP-2 rule.
    public func validate(requireLowS: Bool = true) throws(SignatureError) {
        guard !r.isZero, r < Self.curveOrder else { throw .rOutOfRange }
        guard !s.isZero, s < Self.curveOrder else { throw .sOutOfRange }
        guard recoveryID <= 1 else { throw .invalidRecoveryID(UInt64(recoveryID)) }
        if requireLowS && s > Self.halfCurveOrder { throw .highS }
    }

    /// The public key that made this signature over `messageHash`.
    ///
    /// - Throws: the range errors of `validate`, or `recoveryFailed`.
    public func recoverPublicKey(messageHash: Hash, requireLowS: Bool = true) throws(SignatureError) -> PublicKey {
        try validate(requireLowS: requireLowS)
        let context = Secp256k1Context.current
        var compact = [UInt8](repeating: 0, count: 64)
        compact.withUnsafeMutableBytes { buffer in
            r.storeBigEndian(to: buffer.baseAddress!)
            s.storeBigEndian(to: buffer.baseAddress! + 32)
        }
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &signature, compact, Int32(recoveryID)) == 1
        else { throw .recoveryFailed }
        var key = secp256k1_pubkey()
        let recovered = messageHash.withUnsafeBytes { message in
            secp256k1_ecdsa_recover(context, &key, &signature, message.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard recovered == 1 else { throw .recoveryFailed }
        return PublicKey(key, context: context)
    }

    /// The address of the key that made this signature over `messageHash`.
    public func recoverSigner(messageHash: Hash, requireLowS: Bool = true) throws(SignatureError) -> Address {
        try recoverPublicKey(messageHash: messageHash, requireLowS: requireLowS).address
    }
}
