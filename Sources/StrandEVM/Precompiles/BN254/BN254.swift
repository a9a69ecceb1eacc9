import COpenSSL
import StrandPrimitives

/// 0x06–0x08: alt_bn128 addition, scalar multiplication and the pairing check (EIP-196/197).
enum BN254 {
    typealias G1 = (x: Fp, y: Fp)
    typealias G2 = (x: Fp2, y: Fp2)

    /// A G1 point from 64 bytes; (0, 0) is infinity (nil inside .some).
    private static func readG1(_ bytes: [UInt8], at offset: Int) -> Result<G1?, EVMError> {
        guard let x = Fp(bigEndian: bytes[offset..<offset + 32]), let y = Fp(bigEndian: bytes[offset + 32..<offset + 64]) else {
            return .failure(.precompileFailure("alt_bn128: coordinate not below the field modulus"))
        }
        if x.isZero && y.isZero { return .success(nil) }
        guard BN254Curve.isOnCurve((x, y)) else { return .failure(.precompileFailure("alt_bn128: point not on curve")) }
        return .success((x, y))
    }

    private static func write(_ point: JacobianPoint<Fp>) -> [UInt8] {
        guard let affine = point.affine else { return [UInt8](repeating: 0, count: 64) }
        return affine.x.value.bigEndianBytes + affine.y.value.bigEndianBytes
    }

    static func add(_ input: [UInt8]) -> Result<[UInt8], EVMError> {
        let bytes = input.paddedSlice(0, 128)
        return readG1(bytes, at: 0).flatMap { a in
            readG1(bytes, at: 64).map { b in write(JacobianPoint(a) + JacobianPoint(b)) }
        }
    }

    static func multiply(_ input: [UInt8]) -> Result<[UInt8], EVMError> {
        let bytes = input.paddedSlice(0, 96)
        let scalar = UInt256(bigEndian: bytes[64..<96])!
        return readG1(bytes, at: 0).map { write(JacobianPoint($0).multiplied(by: scalar)) }
    }

    /// 1 if the product of e(Pᵢ, Qᵢ) is 1, else 0 (32 bytes).
    static func pairing(_ input: [UInt8]) -> Result<[UInt8], EVMError> {
        guard input.count % 192 == 0 else { return .failure(.precompileFailure("alt_bn128 pairing: input not a multiple of 192 bytes")) }
        var f = Fp12.one
        for offset in stride(from: 0, to: input.count, by: 192) {
            let p: G1?
            switch readG1(input, at: offset) {
            case let .success(point): p = point
            case let .failure(error): return .failure(error)
            }
            // G2 coordinates come imaginary part first.
            func fp(_ at: Int) -> Fp? { Fp(bigEndian: input[offset + at..<offset + at + 32]) }
            guard let xi = fp(64), let xr = fp(96), let yi = fp(128), let yr = fp(160) else {
                return .failure(.precompileFailure("alt_bn128 pairing: coordinate not below the field modulus"))
            }
            let q = (x: Fp2(real: xr, imaginary: xi), y: Fp2(real: yr, imaginary: yi))
            let qIsInfinity = q.x.isZero && q.y.isZero
            if !qIsInfinity {
                guard BN254Curve.isOnTwist(q) else { return .failure(.precompileFailure("alt_bn128 pairing: G2 point not on twist")) }
                guard JacobianPoint(q).multiplied(by: BN254Curve.order).isInfinity else {
                    return .failure(.precompileFailure("alt_bn128 pairing: G2 point not in the subgroup"))
                }
            }
            guard let p, !qIsInfinity else { continue }
            f = f * millerLoop(q, p)
        }
        let result = finalExponentiation(f) == .one
        return .success([UInt8](repeating: 0, count: 31) + [result ? 1 : 0])
    }

    // MARK: Optimal ate pairing

    /// 6u + 2 for BN254's u; its top bit is the loop's starting point R = Q.
    private static let ateLoopCount = UInt256(w0: 0x9D79_7039_BE76_3BA8, w1: 0x1, w2: 0, w3: 0)

    private static func millerLoop(_ q: G2, _ p: G1) -> Fp12 {
        var r = q
        var f = Fp12.one
        let bits = ateLoopCount.bitsMostSignificantFirst.dropFirst()
        for bit in bits {
            f = f * f * line(r, r, p)
            r = affineDouble(r)
            if bit {
                f = f * line(r, q, p)
                r = affineAdd(r, q)
            }
        }
        let q1 = frobenius(q)
        var q2 = frobenius(q1)
        q2.y = q2.y.negated
        f = f * line(r, q1, p)
        r = affineAdd(r, q1)
        return f * line(r, q2, p)
    }

    /// The line through a and b (tangent when equal) on the twist, evaluated at p after
    /// untwisting (x, y) ↦ (x·w², y·w³): a slope m on the twist is m·w on the curve.
    private static func line(_ a: G2, _ b: G2, _ p: G1) -> Fp12 {
        let slope: Fp2
        if a.x != b.x {
            slope = (b.y - a.y) * (b.x - a.x).inverse
        } else if a.y == b.y {
            let x2 = a.x.squared
            slope = (x2.doubled + x2) * a.y.doubled.inverse
        } else {
            // Vertical: x_P − x_A·w².
            var vertical = Fp12(a.x, shift: 2) * Fp.one.negated
            vertical.coefficients[0] = vertical.coefficients[0] + p.x
            return vertical
        }
        // m·w·(x_P − x_A·w²) − (y_P − y_A·w³) = (m·x_P)·w + (y_A − m·x_A)·w³ − y_P
        var value = Fp12(slope * p.x, shift: 1) + Fp12(a.y - slope * a.x, shift: 3)
        value.coefficients[0] = value.coefficients[0] - p.y
        return value
    }

    private static func affineDouble(_ a: G2) -> G2 {
        let x2 = a.x.squared
        let m = (x2.doubled + x2) * a.y.doubled.inverse
        let x3 = m.squared - a.x.doubled
        return (x3, m * (a.x - x3) - a.y)
    }

    private static func affineAdd(_ a: G2, _ b: G2) -> G2 {
        if a.x == b.x { return affineDouble(a) }
        let m = (b.y - a.y) * (b.x - a.x).inverse
        let x3 = m.squared - a.x - b.x
        return (x3, m * (a.x - x3) - a.y)
    }

    /// The p-power Frobenius on the twist: (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)).
    private static let frobeniusX = BN254Curve.xi.power((Fp.modulus &- .one) / UInt256(3))
    private static let frobeniusY = BN254Curve.xi.power((Fp.modulus &- .one) / UInt256(2))

    private static func frobenius(_ q: G2) -> G2 {
        (q.x.conjugate * frobeniusX, q.y.conjugate * frobeniusY)
    }

    /// f^((p¹² − 1)/n) = ((f^(p⁶ − 1))^(p² + 1))^((p⁴ − p² + 1)/n).
    private static func finalExponentiation(_ f: Fp12) -> Fp12 {
        let easy = f.frobenius(6) * f.inverse
        let g = easy.frobenius(2) * easy
        return g.power(bits: hardExponentBits)
    }

    /// (p⁴ − p² + 1)/n, computed once with libcrypto's big numbers.
    private static let hardExponentBits: [Bool] = {
        let context = BN_CTX_new()!
        defer { BN_CTX_free(context) }
        let p = BN_bin2bn(Fp.modulus.bigEndianBytes, 32, nil)!, n = BN_bin2bn(BN254Curve.order.bigEndianBytes, 32, nil)!
        let p2 = BN_new()!, p4 = BN_new()!, e = BN_new()!, q = BN_new()!
        defer { [p, n, p2, p4, e, q].forEach { BN_free($0) } }
        BN_sqr(p2, p, context)
        BN_sqr(p4, p2, context)
        BN_sub(e, p4, p2)
        BN_add_word(e, 1)
        BN_div(q, nil, e, n, context)
        let bits = Int(BN_num_bits(q))
        return (0..<bits).reversed().map { BN_is_bit_set(q, Int32($0)) == 1 }
    }()
}
