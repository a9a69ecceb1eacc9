import COpenSSL
import StrandCrypto
import StrandPrimitives

/// SHA-256 and RIPEMD-160 from the system's libcrypto.
enum Digests {
    static func sha256(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { _ = SHA256(i.baseAddress, i.count, $0.baseAddress) } }
        return out
    }

    /// RIPEMD-160, left-padded to a 32-byte word.
    static func ripemd160(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { _ = RIPEMD160(i.baseAddress, i.count, $0.baseAddress! + 12) }
        }
        return out
    }
}

/// 0x01: the address that signed a hash, or empty output for any bad signature.
enum ECRecover {
    static func run(_ input: [UInt8]) -> [UInt8] {
        let padded = input.paddedSlice(0, 128)
        let v = UInt256(bigEndian: padded[32..<64])!
        let r = UInt256(bigEndian: padded[64..<96])!
        let s = UInt256(bigEndian: padded[96..<128])!
        guard v == UInt256(27) || v == UInt256(28) else { return [] }
        let signature = RecoverableSignature(r: r, s: s, recoveryID: UInt8(v.w0 - 27))
        guard let hash = Hash(padded[0..<32]),
              let signer = try? signature.recoverSigner(messageHash: hash, requireLowS: false) else { return [] }
        return [UInt8](repeating: 0, count: 12) + signer.bytes
    }
}
