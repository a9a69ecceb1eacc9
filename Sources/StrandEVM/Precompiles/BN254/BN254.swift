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

    /// The Miller loop with R in Jacobian coordinates: no inversion. A line value may be
    /// scaled by any nonzero element of 𝔽p² (the final exponentiation sends those to 1), so
    /// each line is multiplied through by its slope's denominator.
    private static func millerLoop(_ q: G2, _ p: G1) -> Fp12 {
        var r = JacobianPoint<Fp2>(q)
        var f = Fp12.one
        for bit in ateLoopCount.bitsMostSignificantFirst.dropFirst() {
            f = f.squared * tangent(at: r, p)
            r = r.doubled
            if bit {
                f = f * chord(through: r, q, p)
                r = r + JacobianPoint(q)
            }
        }
        let q1 = frobenius(q)
        var q2 = frobenius(q1)
        q2.y = q2.y.negated
        f = f * chord(through: r, q1, p)
        r = r + JacobianPoint(q1)
        return f * chord(through: r, q2, p)
    }

    /// The tangent at R = (X, Y, Z) evaluated at P after untwisting ((x, y) ↦ (x·w², y·w³),
    /// so a slope m on the twist is m·w on the curve): m·x_P·w + (y − m·x)·w³ − y_P with
    /// m = 3X²/(2YZ), times 2YZ³: 3X²Z²·x_P·w + (2Y² − 3X³)·w³ − 2YZ³·y_P.
    private static func tangent(at r: JacobianPoint<Fp2>, _ p: G1) -> Fp12 {
        let x2 = r.x.squared, z2 = r.z.squared
        let threeX2 = x2.doubled + x2
        let a = threeX2 * z2 * p.x
        let b = r.y.squared.doubled - threeX2 * r.x
        let c = (r.y * r.z * z2).doubled * p.y.negated
        return Fp12(c, shift: 0) + Fp12(a, shift: 1) + Fp12(b, shift: 3)
    }

    /// The line through R and the affine Q at P: slope N/D with N = y_Q·Z³ − Y and
    /// D = Z·(x_Q·Z² − X), times D: N·x_P·w + (y_Q·D − N·x_Q)·w³ − D·y_P. When R = −Q it is
    /// the vertical x_P − x_R·w², times Z².
    private static func chord(through r: JacobianPoint<Fp2>, _ q: G2, _ p: G1) -> Fp12 {
        let z2 = r.z.squared
        let n = q.y * z2 * r.z - r.y
        let d = r.z * (q.x * z2 - r.x)
        if d.isZero {
            if n.isZero { return tangent(at: r, p) }
            return Fp12(z2 * p.x, shift: 0) + Fp12(r.x.negated, shift: 2)
        }
        return Fp12(d * p.y.negated, shift: 0) + Fp12(n * p.x, shift: 1) + Fp12(q.y * d - n * q.x, shift: 3)
    }

    /// The p-power Frobenius on the twist: (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)).
    private static let frobeniusX = BN254Curve.xi.power((Fp.modulus &- .one) / UInt256(3))
    private static let frobeniusY = BN254Curve.xi.power((Fp.modulus &- .one) / UInt256(2))

    private static func frobenius(_ q: G2) -> G2 {
        (q.x.conjugate * frobeniusX, q.y.conjugate * frobeniusY)
    }

    /// f^((p¹² − 1)/n) = ((f^(p⁶ − 1))^(p² + 1))^((p⁴ − p² + 1)/n).
    ///
    /// The hard part's exponent, written in base p as d₀ + d₁p + d₂p² + d₃p³, is applied as
    /// one simultaneous exponentiation of g, g^p, g^p², g^p³ (Frobenius maps are cheap): 254
    /// squarings instead of 762.
    private static func finalExponentiation(_ f: Fp12) -> Fp12 {
        let easy = f.frobenius(6) * f.inverse
        let g = easy.frobenius(2) * easy
        var bases = [g]
        for _ in 1..<4 { bases.append(bases.last!.frobenius) }
        var table = [Fp12](repeating: .one, count: 16)
        for mask in 1..<16 {
            let lowest = mask.trailingZeroBitCount
            table[mask] = table[mask & (mask - 1)] * bases[lowest]
        }
        var result = Fp12.one
        for position in 0..<hardExponentDigits[0].count {
            result = result.squared
            var mask = 0
            for digit in 0..<4 where hardExponentDigits[digit][position] { mask |= 1 << digit }
            if mask != 0 { result = result * table[mask] }
        }
        return result
    }

    /// The base-p digits of (p⁴ − p² + 1)/n, as bit lists of one length, most significant
    /// first; computed once with libcrypto's big numbers.
    private static let hardExponentDigits: [[Bool]] = {
        let context = BN_CTX_new()!
        defer { BN_CTX_free(context) }
        let p = BN_bin2bn(Fp.modulus.bigEndianBytes, 32, nil)!, n = BN_bin2bn(BN254Curve.order.bigEndianBytes, 32, nil)!
        let p2 = BN_new()!, p4 = BN_new()!, e = BN_new()!, digit = BN_new()!
        defer { [p, n, p2, p4, e, digit].forEach { BN_free($0) } }
        BN_sqr(p2, p, context)
        BN_sqr(p4, p2, context)
        BN_sub(e, p4, p2)
        BN_add_word(e, 1)
        BN_div(e, nil, e, n, context)
        let width = Int(BN_num_bits(p))
        var digits: [[Bool]] = []
        for _ in 0..<4 {
            BN_div(e, digit, e, p, context)
            digits.append((0..<width).reversed().map { BN_is_bit_set(digit, Int32($0)) == 1 })
        }
        precondition(BN_is_zero(e) == 1, "(p⁴ − p² + 1)/n has at most four base-p digits")
        return digits
    }()
}
