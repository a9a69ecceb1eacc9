extension UInt256 {
    /// Quotient; zero when `rhs` is zero, as the EVM's DIV.
    @inlinable
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).quotient
    }

    /// Remainder; zero when `rhs` is zero, as the EVM's MOD.
    @inlinable
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.quotientAndRemainder(dividingBy: rhs).remainder
    }

    /// Quotient and remainder; both zero when `divisor` is zero.
    ///
    /// - Complexity: Knuth's algorithm D on 64-bit digits, at most 16 digit steps.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        if divisor.isZero { return (.zero, .zero) }
        if self < divisor { return (.zero, self) }
        if (w1 | w2 | w3 | divisor.w1 | divisor.w2 | divisor.w3) == 0 {
            return (UInt256(w0 / divisor.w0), UInt256(w0 % divisor.w0))
        }
        var numerator = (w0, w1, w2, w3, UInt64(0))
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        var d = divisor
        withUnsafeMutableBytes(of: &numerator) { u in
            withUnsafeMutableBytes(of: &quotient) { q in
                withUnsafeBytes(of: &d) { v in
                    UInt256.divideInPlace(
                        u.baseAddress!.assumingMemoryBound(to: UInt64.self), count: 4,
                        by: v.baseAddress!.assumingMemoryBound(to: UInt64.self), count: divisor.limbCount,
                        quotient: q.baseAddress!.assumingMemoryBound(to: UInt64.self))
                }
            }
        }
        remainder = UInt256(w0: numerator.0, w1: numerator.1, w2: numerator.2, w3: numerator.3)
        return (quotient, remainder)
    }

    /// `(self + other) mod modulus` with the sum taken in 257 bits; zero when `modulus` is zero.
    @inlinable
    public func addMod(_ other: UInt256, modulus: UInt256) -> UInt256 {
        if modulus.isZero { return .zero }
        let (sum, carry) = addingReportingOverflow(other)
        if !carry { return sum % modulus }
        return UInt256.remainder(of: (sum.w0, sum.w1, sum.w2, sum.w3, 1, 0, 0, 0), modulus: modulus)
    }

    /// `(self × other) mod modulus` with the product taken in 512 bits; zero when `modulus` is zero.
    @inlinable
    public func mulMod(_ other: UInt256, modulus: UInt256) -> UInt256 {
        if modulus.isZero { return .zero }
        let (high, low) = multipliedFullWidth(by: other)
        if high.isZero { return low % modulus }
        return UInt256.remainder(of: (low.w0, low.w1, low.w2, low.w3, high.w0, high.w1, high.w2, high.w3), modulus: modulus)
    }

    /// Number of limbs up to the most significant non-zero one.
    @inlinable
    var limbCount: Int {
        w3 != 0 ? 4 : w2 != 0 ? 3 : w1 != 0 ? 2 : 1
    }

    /// The remainder of an eight-limb (512-bit) value by a non-zero modulus.
    @inlinable
    static func remainder(
        of value: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64), modulus: UInt256
    ) -> UInt256 {
        var numerator = (value.0, value.1, value.2, value.3, value.4, value.5, value.6, value.7, UInt64(0))
        var quotient = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var m = modulus
        var length = 8
        while length > 1 && withUnsafeBytes(of: &numerator, { $0.load(fromByteOffset: (length - 1) * 8, as: UInt64.self) }) == 0 {
            length -= 1
        }
        let n = modulus.limbCount
        if length < n { return UInt256(w0: value.0, w1: value.1, w2: value.2, w3: value.3) }
        withUnsafeMutableBytes(of: &numerator) { u in
            withUnsafeMutableBytes(of: &quotient) { q in
                withUnsafeBytes(of: &m) { v in
                    divideInPlace(
                        u.baseAddress!.assumingMemoryBound(to: UInt64.self), count: length,
                        by: v.baseAddress!.assumingMemoryBound(to: UInt64.self), count: n,
                        quotient: q.baseAddress!.assumingMemoryBound(to: UInt64.self))
                }
            }
        }
        return UInt256(w0: numerator.0, w1: numerator.1, w2: numerator.2, w3: numerator.3)
    }

    /// Knuth's algorithm D (TAOCP 4.3.1) on 64-bit digits.
    ///
    /// Divides `u[0..<m]` by `v[0..<n]` (`v[n-1] != 0`, `m >= n`), writing `m - n + 1`
    /// quotient digits to `quotient` and leaving the remainder in `u[0..<n]` (zeros above).
    /// `u` must have room for `m + 1` digits.
    @usableFromInline
    static func divideInPlace(
        _ u: UnsafeMutablePointer<UInt64>, count m: Int,
        by v: UnsafePointer<UInt64>, count n: Int,
        quotient: UnsafeMutablePointer<UInt64>
    ) {
        if n == 1 {
            var remainder: UInt64 = 0
            for j in stride(from: m - 1, through: 0, by: -1) {
                (quotient[j], remainder) = v[0].dividingFullWidth((remainder, u[j]))
                u[j] = 0
            }
            u[0] = remainder
            return
        }
        // Normalise so that the divisor's top digit has its high bit set.
        let shift = UInt64(v[n - 1].leadingZeroBitCount)
        var vn = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &vn) { raw in
            let vn = raw.bindMemory(to: UInt64.self)
            for i in stride(from: n - 1, to: 0, by: -1) {
                vn[i] = shift == 0 ? v[i] : (v[i] << shift) | (v[i - 1] >> (64 - shift))
            }
            vn[0] = v[0] << shift
            u[m] = shift == 0 ? 0 : u[m - 1] >> (64 - shift)
            for i in stride(from: m - 1, to: 0, by: -1) {
                u[i] = shift == 0 ? u[i] : (u[i] << shift) | (u[i - 1] >> (64 - shift))
            }
            u[0] = u[0] << shift

            let top = vn[n - 1], second = vn[n - 2]
            for j in stride(from: m - n, through: 0, by: -1) {
                // Estimate the quotient digit from the top two digits, then correct it.
                var qhat: UInt64
                var rhat: UInt64
                var rhatOverflowed = false
                if u[j + n] >= top {
                    qhat = .max
                    (rhat, rhatOverflowed) = u[j + n - 1].addingReportingOverflow(top)
                } else {
                    (qhat, rhat) = top.dividingFullWidth((u[j + n], u[j + n - 1]))
                }
                while !rhatOverflowed {
                    let (ph, pl) = qhat.multipliedFullWidth(by: second)
                    guard ph > rhat || (ph == rhat && pl > u[j + n - 2]) else { break }
                    qhat -= 1
                    (rhat, rhatOverflowed) = rhat.addingReportingOverflow(top)
                }
                // Multiply and subtract.
                var carry: UInt64 = 0
                var borrow: UInt64 = 0
                for i in 0..<n {
                    let (ph, pl) = qhat.multipliedFullWidth(by: vn[i])
                    let (product, c) = pl.addingReportingOverflow(carry)
                    carry = ph &+ (c ? 1 : 0)
                    let (d1, b1) = u[i + j].subtractingReportingOverflow(product)
                    let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                    u[i + j] = d2
                    borrow = (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
                }
                let (d1, b1) = u[j + n].subtractingReportingOverflow(carry)
                let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                u[j + n] = d2
                if b1 || b2 {
                    // The estimate was one too large: add the divisor back.
                    qhat -= 1
                    var c: UInt64 = 0
                    for i in 0..<n {
                        let (s1, o1) = u[i + j].addingReportingOverflow(vn[i])
                        let (s2, o2) = s1.addingReportingOverflow(c)
                        u[i + j] = s2
                        c = (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                    }
                    u[j + n] = u[j + n] &+ c
                }
                quotient[j] = qhat
            }
            // Unnormalise the remainder.
            for i in 0..<n {
                u[i] = shift == 0 ? u[i] : (u[i] >> shift) | (u[i + 1] << (64 - shift))
            }
            for i in n...m { u[i] = 0 }
        }
    }
}
