extension UInt256 {
    /// Sum modulo 2²⁵⁶.
    @inlinable
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.addingReportingOverflow(rhs).partialValue
    }

    /// Difference modulo 2²⁵⁶.
    @inlinable
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.subtractingReportingOverflow(rhs).partialValue
    }

    /// Product modulo 2²⁵⁶.
    @inlinable
    public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.multipliedFullWidth(by: rhs).low
    }

    @inlinable
    public static func &+= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &+ rhs }
    @inlinable
    public static func &-= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &- rhs }
    @inlinable
    public static func &*= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &* rhs }

    @inlinable
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(other.w0)
        let (s1, c1a) = w1.addingReportingOverflow(other.w1)
        let (r1, c1b) = s1.addingReportingOverflow(c0 ? 1 : 0)
        let (s2, c2a) = w2.addingReportingOverflow(other.w2)
        let (r2, c2b) = s2.addingReportingOverflow(c1a || c1b ? 1 : 0)
        let (s3, c3a) = w3.addingReportingOverflow(other.w3)
        let (r3, c3b) = s3.addingReportingOverflow(c2a || c2b ? 1 : 0)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3a || c3b)
    }

    @inlinable
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(other.w0)
        let (s1, b1a) = w1.subtractingReportingOverflow(other.w1)
        let (r1, b1b) = s1.subtractingReportingOverflow(b0 ? 1 : 0)
        let (s2, b2a) = w2.subtractingReportingOverflow(other.w2)
        let (r2, b2b) = s2.subtractingReportingOverflow(b1a || b1b ? 1 : 0)
        let (s3, b3a) = w3.subtractingReportingOverflow(other.w3)
        let (r3, b3b) = s3.subtractingReportingOverflow(b2a || b2b ? 1 : 0)
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3a || b3b)
    }

    /// The full 512-bit product, as high and low halves.
    ///
    /// - Complexity: 16 64×64→128 multiplications.
    @inlinable
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        var limbs = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &limbs) { raw in
            let r = raw.bindMemory(to: UInt64.self)
            for i in 0..<4 {
                let a = self[limb: i]
                if a == 0 { continue }
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let (high, low) = a.multipliedFullWidth(by: other[limb: j])
                    let (sum1, o1) = low.addingReportingOverflow(r[i + j])
                    let (sum2, o2) = sum1.addingReportingOverflow(carry)
                    r[i + j] = sum2
                    carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                r[i + 4] = carry
            }
        }
        return (UInt256(w0: limbs.4, w1: limbs.5, w2: limbs.6, w3: limbs.7),
                UInt256(w0: limbs.0, w1: limbs.1, w2: limbs.2, w3: limbs.3))
    }

    /// The product, or `nil` when it does not fit in 256 bits.
    @inlinable
    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (high, low) = multipliedFullWidth(by: other)
        return (low, !high.isZero)
    }

    /// `self` raised to `exponent`, modulo 2²⁵⁶ (the EVM's EXP).
    ///
    /// - Complexity: O(bits of `exponent`) multiplications.
    @inlinable
    public func power(_ exponent: UInt256) -> UInt256 {
        var result = UInt256.one
        var base = self
        var e = exponent
        while !e.isZero {
            if e.w0 & 1 == 1 { result = result &* base }
            e = e >> 1
            if e.isZero { break }
            base = base &* base
        }
        return result
    }
}
