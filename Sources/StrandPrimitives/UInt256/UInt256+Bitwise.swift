extension UInt256 {
    @inlinable
    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 & rhs.w0, w1: lhs.w1 & rhs.w1, w2: lhs.w2 & rhs.w2, w3: lhs.w3 & rhs.w3)
    }

    @inlinable
    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 | rhs.w0, w1: lhs.w1 | rhs.w1, w2: lhs.w2 | rhs.w2, w3: lhs.w3 | rhs.w3)
    }

    @inlinable
    public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(w0: lhs.w0 ^ rhs.w0, w1: lhs.w1 ^ rhs.w1, w2: lhs.w2 ^ rhs.w2, w3: lhs.w3 ^ rhs.w3)
    }

    @inlinable
    public static prefix func ~ (value: UInt256) -> UInt256 {
        UInt256(w0: ~value.w0, w1: ~value.w1, w2: ~value.w2, w3: ~value.w3)
    }

    /// Left shift; 256 or more gives zero (the EVM's SHL).
    @inlinable
    public static func << (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs <= 0 { return rhs == 0 ? lhs : lhs >> -rhs }
        if rhs >= 256 { return .zero }
        let limbShift = rhs / 64, bitShift = UInt64(rhs % 64)
        var result = UInt256.zero
        for i in stride(from: 3, through: limbShift, by: -1) {
            let source = i - limbShift
            var limb = lhs[limb: source] << bitShift
            if bitShift != 0 && source > 0 { limb |= lhs[limb: source - 1] >> (64 - bitShift) }
            result[limb: i] = limb
        }
        return result
    }

    /// Logical right shift; 256 or more gives zero (the EVM's SHR).
    @inlinable
    public static func >> (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs <= 0 { return rhs == 0 ? lhs : lhs << -rhs }
        if rhs >= 256 { return .zero }
        let limbShift = rhs / 64, bitShift = UInt64(rhs % 64)
        var result = UInt256.zero
        for i in 0..<(4 - limbShift) {
            let source = i + limbShift
            var limb = lhs[limb: source] >> bitShift
            if bitShift != 0 && source < 3 { limb |= lhs[limb: source + 1] << (64 - bitShift) }
            result[limb: i] = limb
        }
        return result
    }

    /// Shift amount as the EVM reads it: any value of 256 or more saturates.
    @inlinable
    var shiftAmount: Int { (w1 | w2 | w3) != 0 || w0 >= 256 ? 256 : Int(w0) }

    /// `value << self`, the EVM's SHL with the shift amount on top of the stack.
    @inlinable
    public func shiftedLeft(_ amount: UInt256) -> UInt256 { self << amount.shiftAmount }

    /// `value >> self`, the EVM's SHR.
    @inlinable
    public func shiftedRight(_ amount: UInt256) -> UInt256 { self >> amount.shiftAmount }

    /// Arithmetic right shift, filling with the sign bit (the EVM's SAR).
    @inlinable
    public func arithmeticShiftedRight(_ amount: UInt256) -> UInt256 {
        let shift = amount.shiftAmount
        guard isNegative else { return self >> shift }
        if shift >= 256 { return .max }
        return ~(~self >> shift)
    }

    /// The byte at `index` counted from the most significant (0) to the least (31);
    /// zero for an index of 32 or more (the EVM's BYTE).
    @inlinable
    public func byte(_ index: UInt256) -> UInt256 {
        guard let i = index.uint64, i < 32 else { return .zero }
        let limb = self[limb: 3 - Int(i) / 8]
        return UInt256((limb >> (UInt64(7 - i % 8) * 8)) & 0xff)
    }

    /// Sign-extends from byte `byteIndex` (0 = least significant); indexes of 31 or more
    /// leave the value unchanged (the EVM's SIGNEXTEND).
    @inlinable
    public func signExtended(fromByte byteIndex: UInt256) -> UInt256 {
        guard let b = byteIndex.uint64, b < 31 else { return self }
        let signBit = Int(b) * 8 + 7
        let mask = (UInt256.one << (signBit + 1)) &- .one
        let negative = !(self & (UInt256.one << signBit)).isZero
        return negative ? self | ~mask : self & mask
    }
}
