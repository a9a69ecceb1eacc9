extension UInt256 {
    /// Whether the value, read as two's complement, is negative.
    @inlinable
    public var isNegative: Bool { w3 >> 63 == 1 }

    /// Two's complement negation.
    @inlinable
    public var negated: UInt256 { .zero &- self }

    /// The magnitude of the two's complement value.
    @inlinable
    var magnitude: UInt256 { isNegative ? negated : self }

    /// Signed division truncated toward zero; zero when `divisor` is zero, and
    /// −2²⁵⁵ ÷ −1 = −2²⁵⁵ (the EVM's SDIV).
    @inlinable
    public func signedDivided(by divisor: UInt256) -> UInt256 {
        let quotient = magnitude / divisor.magnitude
        return isNegative != divisor.isNegative ? quotient.negated : quotient
    }

    /// Signed remainder with the dividend's sign; zero when `divisor` is zero (the EVM's SMOD).
    @inlinable
    public func signedRemainder(dividingBy divisor: UInt256) -> UInt256 {
        let remainder = magnitude % divisor.magnitude
        return isNegative ? remainder.negated : remainder
    }

    /// Signed less-than (the EVM's SLT).
    @inlinable
    public func isSignedLess(than other: UInt256) -> Bool {
        isNegative != other.isNegative ? isNegative : self < other
    }

    /// Signed greater-than (the EVM's SGT).
    @inlinable
    public func isSignedGreater(than other: UInt256) -> Bool {
        other.isSignedLess(than: self)
    }
}
