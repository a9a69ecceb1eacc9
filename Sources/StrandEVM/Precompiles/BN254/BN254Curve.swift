import StrandPrimitives

/// A point of y² = x³ + b over `F`, in Jacobian coordinates (x = X/Z², y = Y/Z³);
/// Z = 0 is the point at infinity.
struct JacobianPoint<F: CurveField> {
    var x: F, y: F, z: F

    static var infinity: JacobianPoint { JacobianPoint(x: .one, y: .one, z: .zero) }

    init(x: F, y: F, z: F) { self.x = x; self.y = y; self.z = z }
    init(_ affine: (x: F, y: F)?) {
        if let affine { self.init(x: affine.x, y: affine.y, z: .one) } else { self = .infinity }
    }

    var isInfinity: Bool { z.isZero }

    /// nil for the point at infinity.
    var affine: (x: F, y: F)? {
        guard !isInfinity else { return nil }
        let zInverse = z.inverse, zInverse2 = zInverse.squared
        return (x * zInverse2, y * zInverse2 * zInverse)
    }

    /// dbl-2009-l (a = 0).
    var doubled: JacobianPoint {
        guard !isInfinity else { return self }
        let a = x.squared, b = y.squared, c = b.squared
        let d = ((x + b).squared - a - c).doubled
        let e = a.doubled + a, f = e.squared
        let x3 = f - d.doubled
        let y3 = e * (d - x3) - c.doubled.doubled.doubled
        return JacobianPoint(x: x3, y: y3, z: (y * z).doubled)
    }

    /// add-2007-bl.
    static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
        if p.isInfinity { return q }
        if q.isInfinity { return p }
        let z1z1 = p.z.squared, z2z2 = q.z.squared
        let u1 = p.x * z2z2, u2 = q.x * z1z1
        let s1 = p.y * q.z * z2z2, s2 = q.y * p.z * z1z1
        if u1 == u2 { return s1 == s2 ? p.doubled : .infinity }
        let h = u2 - u1, i = h.doubled.squared, j = h * i
        let r = (s2 - s1).doubled, v = u1 * i
        let x3 = r.squared - j - v.doubled
        let y3 = r * (v - x3) - (s1 * j).doubled
        let z3 = ((p.z + q.z).squared - z1z1 - z2z2) * h
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// Double-and-add from the most significant bit.
    func multiplied(by scalar: UInt256) -> JacobianPoint {
        var result = JacobianPoint.infinity
        for bit in scalar.bitsMostSignificantFirst {
            result = result.doubled
            if bit { result = result + self }
        }
        return result
    }
}

/// The BN254 (alt_bn128) curve of EIP-196/197.
enum BN254Curve {
    static let order = UInt256(
        w0: 0x43E1_F593_F000_0001, w1: 0x2833_E848_79B9_7091, w2: 0xB850_45B6_8181_585D, w3: 0x3064_4E72_E131_A029)
    static let b = Fp(UInt256(3))
    /// ξ = 9 + i; the twist is y² = x³ + 3/ξ.
    static let xi = Fp2(real: Fp(UInt256(9)), imaginary: .one)
    static let twistB = Fp2(real: b, imaginary: .zero) * xi.inverse

    static func isOnCurve(_ point: (x: Fp, y: Fp)) -> Bool {
        point.y.squared == point.x.squared * point.x + b
    }

    static func isOnTwist(_ point: (x: Fp2, y: Fp2)) -> Bool {
        point.y.squared == point.x.squared * point.x + twistB
    }
}
