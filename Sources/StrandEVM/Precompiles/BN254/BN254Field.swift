import StrandPrimitives

/// The arithmetic a short-Weierstrass curve needs from its coordinate field.
protocol CurveField: Equatable {
    static var zero: Self { get }
    static var one: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    var inverse: Self { get }
    var isZero: Bool { get }
}

extension CurveField {
    var squared: Self { self * self }
    var doubled: Self { self + self }
    var negated: Self { .zero - self }

    /// Square-and-multiply from the most significant bit.
    func power(_ exponent: UInt256) -> Self {
        var result = Self.one
        for bit in exponent.bitsMostSignificantFirst {
            result = result.squared
            if bit { result = result * self }
        }
        return result
    }
}

/// An element of the BN254 base field 𝔽p, kept in Montgomery form (a·2²⁵⁶ mod p).
struct Fp: CurveField {
    static let modulus = UInt256(
        w0: 0x3C20_8C16_D87C_FD47, w1: 0x9781_6A91_6871_CA8D, w2: 0xB850_45B6_8181_585D, w3: 0x3064_4E72_E131_A029)
    /// −p⁻¹ mod 2⁶⁴, by Newton's iteration on the lowest limb.
    private static let montgomeryFactor: UInt64 = {
        var inverse: UInt64 = 1
        for _ in 0..<6 { inverse = inverse &* (2 &- modulus.w0 &* inverse) }
        return 0 &- inverse
    }()
    /// 2⁵¹² mod p, which takes a number into Montgomery form.
    private static let rSquared: UInt256 = {
        let r = (UInt256.max % modulus) &+ .one
        return r.mulMod(r, modulus: modulus)
    }()

    var montgomery: UInt256

    private init(montgomery: UInt256) { self.montgomery = montgomery }

    /// The element for a canonical number below p.
    init(_ value: UInt256) {
        montgomery = Self.multiply(value, Self.rSquared)
    }

    /// Reads a 32-byte big-endian coordinate; nil when it is not below p (EIP-196 rejects it).
    init?(bigEndian bytes: ArraySlice<UInt8>) {
        guard let value = UInt256(bigEndian: bytes), value < Self.modulus else { return nil }
        self.init(value)
    }

    /// The canonical number.
    var value: UInt256 { Self.multiply(montgomery, .one) }

    static let zero = Fp(montgomery: .zero)
    static let one = Fp(UInt256.one)

    var isZero: Bool { montgomery.isZero }

    static func + (a: Fp, b: Fp) -> Fp {
        let sum = a.montgomery &+ b.montgomery  // p < 2²⁵⁴: no overflow
        return Fp(montgomery: sum >= modulus ? sum &- modulus : sum)
    }

    static func - (a: Fp, b: Fp) -> Fp {
        Fp(montgomery: a.montgomery >= b.montgomery ? a.montgomery &- b.montgomery
            : a.montgomery &+ (modulus &- b.montgomery))
    }

    static func * (a: Fp, b: Fp) -> Fp { Fp(montgomery: multiply(a.montgomery, b.montgomery)) }

    /// The binary extended Euclidean algorithm on the Montgomery value aR gives (aR)⁻¹;
    /// one Montgomery product with R³ turns it into a⁻¹R. About twice as fast as Fermat's
    /// a^(p−2) here, and inversions are one per Miller-loop step.
    var inverse: Fp {
        guard !isZero else { return .zero }
        let p = Self.modulus
        var u = montgomery, v = p
        var x1 = UInt256.one, x2 = UInt256.zero
        func halve(_ x: inout UInt256) { x = x.w0 & 1 == 0 ? x >> 1 : (x &+ p) >> 1 }  // p < 2²⁵⁴: no overflow
        while u != .one && v != .one {
            while u.w0 & 1 == 0 { u = u >> 1; halve(&x1) }
            while v.w0 & 1 == 0 { v = v >> 1; halve(&x2) }
            if u >= v {
                u = u &- v
                x1 = x1 >= x2 ? x1 &- x2 : x1 &+ (p &- x2)
            } else {
                v = v &- u
                x2 = x2 >= x1 ? x2 &- x1 : x2 &+ (p &- x1)
            }
        }
        return Fp(montgomery: Self.multiply(u == .one ? x1 : x2, Self.rCubed))
    }

    /// 2⁷⁶⁸ mod p.
    private static let rCubed: UInt256 = multiply(rSquared, rSquared)

    /// Montgomery multiplication, coarsely integrated operand scanning: a·b·2⁻²⁵⁶ mod p.
    @inline(__always)
    private static func multiply(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let p = modulus, factor = montgomeryFactor
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0
        for i in 0..<4 {
            let bi = i == 0 ? b.w0 : i == 1 ? b.w1 : i == 2 ? b.w2 : b.w3
            // t += a · bi
            var c: UInt64
            (c, t0) = mac(t0, a.w0, bi, 0)
            (c, t1) = mac(t1, a.w1, bi, c)
            (c, t2) = mac(t2, a.w2, bi, c)
            (c, t3) = mac(t3, a.w3, bi, c)
            let (s4, o4) = t4.addingReportingOverflow(c)
            // t = (t + m·p) / 2⁶⁴, with m chosen so that the low limb vanishes.
            let m = t0 &* factor
            (c, _) = mac(t0, m, p.w0, 0)
            (c, t0) = mac(t1, m, p.w1, c)
            (c, t1) = mac(t2, m, p.w2, c)
            (c, t2) = mac(t3, m, p.w3, c)
            let (s, o) = s4.addingReportingOverflow(c)
            t3 = s
            t4 = (o4 ? 1 : 0) &+ (o ? 1 : 0)
        }
        let result = UInt256(w0: t0, w1: t1, w2: t2, w3: t3)
        return t4 != 0 || result >= p ? result &- p : result
    }

    /// t + x·y + carry as (high, low): cannot overflow 128 bits.
    @inline(__always)
    private static func mac(_ t: UInt64, _ x: UInt64, _ y: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
        let (high, low) = x.multipliedFullWidth(by: y)
        let (s1, c1) = low.addingReportingOverflow(t)
        let (s2, c2) = s1.addingReportingOverflow(carry)
        return (high &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0), s2)
    }
}

/// 𝔽p² = 𝔽p[i]/(i² + 1), the field of G2's coordinates.
struct Fp2: CurveField {
    var real: Fp
    var imaginary: Fp

    static let zero = Fp2(real: .zero, imaginary: .zero)
    static let one = Fp2(real: .one, imaginary: .zero)

    var isZero: Bool { real.isZero && imaginary.isZero }
    var conjugate: Fp2 { Fp2(real: real, imaginary: imaginary.negated) }

    static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(real: a.real + b.real, imaginary: a.imaginary + b.imaginary) }
    static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(real: a.real - b.real, imaginary: a.imaginary - b.imaginary) }

    static func * (a: Fp2, b: Fp2) -> Fp2 {
        let rr = a.real * b.real, ii = a.imaginary * b.imaginary
        let cross = (a.real + a.imaginary) * (b.real + b.imaginary)
        return Fp2(real: rr - ii, imaginary: cross - rr - ii)
    }

    static func * (a: Fp2, k: Fp) -> Fp2 { Fp2(real: a.real * k, imaginary: a.imaginary * k) }

    var inverse: Fp2 {
        let norm = (real.squared + imaginary.squared).inverse
        return Fp2(real: real * norm, imaginary: imaginary.negated * norm)
    }
}

/// 𝔽p¹² as 𝔽p[w]/(w¹² − 18w⁶ + 82), where w⁶ = ξ = 9 + i: the target group of the pairing.
///
/// A flat polynomial basis keeps the code short; Frobenius maps come from precomputed
/// powers of w, and inversion from the norm (the product of all twelve conjugates).
struct Fp12: Equatable {
    var coefficients: [Fp]

    static let one = Fp12(coefficients: [.one] + Array(repeating: .zero, count: 11))

    /// The embedding of 𝔽p²: a + b·i = (a − 9b) + b·w⁶, times w^shift.
    init(_ x: Fp2, shift: Int = 0) {
        coefficients = Array(repeating: .zero, count: 12)
        coefficients[shift] = x.real - x.imaginary * Fp(UInt256(9))
        coefficients[shift + 6] = x.imaginary
    }

    init(coefficients: [Fp]) { self.coefficients = coefficients }

    static func + (a: Fp12, b: Fp12) -> Fp12 { Fp12(coefficients: (0..<12).map { a.coefficients[$0] + b.coefficients[$0] }) }

    static func * (a: Fp12, b: Fp12) -> Fp12 {
        var product = [Fp](repeating: .zero, count: 23)
        for i in 0..<12 where !a.coefficients[i].isZero {
            for j in 0..<12 where !b.coefficients[j].isZero {
                product[i + j] = product[i + j] + a.coefficients[i] * b.coefficients[j]
            }
        }
        return reduced(product)
    }

    static func * (a: Fp12, k: Fp) -> Fp12 { Fp12(coefficients: a.coefficients.map { $0 * k }) }

    /// a²: each cross product aᵢaⱼ (i < j) once and doubled, 78 multiplications instead of 144.
    var squared: Fp12 {
        var product = [Fp](repeating: .zero, count: 23)
        for i in 0..<12 where !coefficients[i].isZero {
            product[2 * i] = product[2 * i] + coefficients[i] * coefficients[i]
            for j in (i + 1)..<12 where !coefficients[j].isZero {
                let cross = coefficients[i] * coefficients[j]
                product[i + j] = product[i + j] + cross + cross
            }
        }
        return Self.reduced(product)
    }

    /// A product of degree up to 22 reduced by w¹² = 18w⁶ − 82.
    private static func reduced(_ product: [Fp]) -> Fp12 {
        var product = product
        let eighteen = Fp(UInt256(18)), eightyTwo = Fp(UInt256(82))
        for k in stride(from: 22, through: 12, by: -1) where !product[k].isZero {
            product[k - 6] = product[k - 6] + product[k] * eighteen
            product[k - 12] = product[k - 12] - product[k] * eightyTwo
        }
        return Fp12(coefficients: Array(product[0..<12]))
    }

    /// w^(k·p) for k = 0…11: x^p = Σ cₖ·w^(k·p), as the coefficients lie in 𝔽p.
    private static let frobeniusBasis: [Fp12] = {
        var w = Fp12(coefficients: Array(repeating: .zero, count: 12))
        w.coefficients[1] = .one
        let wp = w.power(bits: Fp.modulus.bitsMostSignificantFirst)
        var basis = [Fp12.one]
        for _ in 1..<12 { basis.append(basis.last! * wp) }
        return basis
    }()

    /// x^p.
    var frobenius: Fp12 {
        var result = Fp12(coefficients: Array(repeating: .zero, count: 12))
        for k in 0..<12 where !coefficients[k].isZero {
            result = result + Self.frobeniusBasis[k] * coefficients[k]
        }
        return result
    }

    func frobenius(_ times: Int) -> Fp12 {
        var x = self
        for _ in 0..<times { x = x.frobenius }
        return x
    }

    /// x⁻¹ = (x^p · x^p² ⋯ x^p¹¹) / N(x), where the norm N(x) = x · x^p ⋯ x^p¹¹ lies in 𝔽p.
    var inverse: Fp12 {
        var conjugates = Fp12.one
        var power = self
        for _ in 1..<12 {
            power = power.frobenius
            conjugates = conjugates * power
        }
        let norm = (self * conjugates).coefficients[0]
        return conjugates * norm.inverse
    }

    func power(bits: [Bool]) -> Fp12 {
        var result = Fp12.one
        for bit in bits {
            result = result.squared
            if bit { result = result * self }
        }
        return result
    }
}

extension UInt256 {
    var bitsMostSignificantFirst: [Bool] {
        stride(from: bitWidth - 1, through: 0, by: -1).map { !(self >> $0 & .one).isZero }
    }
}
