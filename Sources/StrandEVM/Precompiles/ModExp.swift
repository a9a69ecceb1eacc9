import COpenSSL
import StrandPrimitives

/// 0x05: base^exponent mod modulus on arbitrary-length numbers (EIP-198, priced by EIP-2565),
/// computed by libcrypto's BIGNUM.
enum ModExp {
    private static func lengths(_ input: [UInt8]) -> (base: UInt256, exponent: UInt256, modulus: UInt256) {
        let header = input.paddedSlice(0, 96)
        return (UInt256(bigEndian: header[0..<32])!, UInt256(bigEndian: header[32..<64])!,
                UInt256(bigEndian: header[64..<96])!)
    }

    static func gas(_ input: [UInt8]) -> Int {
        let (baseLength, exponentLength, modulusLength) = lengths(input)
        // Lengths past 2³² cost more gas than any block holds.
        guard let b = baseLength.uint64, let e = exponentLength.uint64, let m = modulusLength.uint64,
              b <= UInt64(UInt32.max), e <= UInt64(UInt32.max), m <= UInt64(UInt32.max) else { return .max }
        let words = (max(b, m) + 7) / 8
        let complexity = words * words
        let headLength = Int(min(e, 32))
        let head = UInt256(bigEndian: input.paddedSlice(96 + Int(b), headLength))!
        var iterations: UInt64 = head.isZero ? 0 : UInt64(head.bitWidth - 1)
        if e > 32 { iterations += 8 * (e - 32) }
        let (product, overflow) = complexity.multipliedReportingOverflow(by: max(iterations, 1))
        if overflow || product / 3 > UInt64(Int.max) { return .max }
        return max(200, Int(product / 3))
    }

    static func run(_ input: [UInt8]) -> [UInt8] {
        let (baseLength, exponentLength, modulusLength) = lengths(input)
        let b = Int(baseLength.w0), e = Int(exponentLength.w0), m = Int(modulusLength.w0)
        if m == 0 { return [] }
        let base = input.paddedSlice(96, b)
        let exponent = input.paddedSlice(96 + b, e)
        let modulus = input.paddedSlice(96 + b + e, m)
        var output = [UInt8](repeating: 0, count: m)
        guard modulus.contains(where: { $0 != 0 }) else { return output }

        let context = BN_CTX_new()!
        defer { BN_CTX_free(context) }
        let bnBase = BN_bin2bn(base, Int32(b), nil)!, bnExponent = BN_bin2bn(exponent, Int32(e), nil)!
        let bnModulus = BN_bin2bn(modulus, Int32(m), nil)!, result = BN_new()!
        defer { BN_free(bnBase); BN_free(bnExponent); BN_free(bnModulus); BN_free(result) }
        BN_mod_exp(result, bnBase, bnExponent, bnModulus, context)
        let count = Int((BN_num_bits(result) + 7) / 8)
        output.withUnsafeMutableBufferPointer { _ = BN_bn2bin(result, $0.baseAddress! + (m - count)) }
        return output
    }
}
