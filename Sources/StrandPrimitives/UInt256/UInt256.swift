/// An unsigned 256-bit integer: the EVM's word, balances, storage slots and values.
///
/// Four 64-bit limbs, least significant first. Arithmetic wraps modulo 2²⁵⁶ (`&+`, `&-`,
/// `&*`) and division by zero gives zero, as the EVM defines them; signed operations read
/// the same bits as two's complement.
@frozen
public struct UInt256: Hashable, Sendable {
    /// Limbs, least significant first.
    public var w0, w1, w2, w3: UInt64

    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    @inlinable
    public init(_ value: UInt64) {
        self.init(w0: value, w1: 0, w2: 0, w3: 0)
    }

    /// The value of a non-negative `Int`; traps on a negative one.
    @inlinable
    public init(_ value: Int) {
        precondition(value >= 0, "UInt256 cannot hold a negative value")
        self.init(UInt64(value))
    }

    public static let zero = UInt256(w0: 0, w1: 0, w2: 0, w3: 0)
    public static let one = UInt256(w0: 1, w1: 0, w2: 0, w3: 0)
    public static let max = UInt256(w0: .max, w1: .max, w2: .max, w3: .max)

    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// The value as a `UInt64`, or `nil` when it does not fit.
    @inlinable
    public var uint64: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }

    /// The limb at `index` (0 = least significant).
    @inlinable
    subscript(limb index: Int) -> UInt64 {
        get {
            switch index {
            case 0: w0
            case 1: w1
            case 2: w2
            default: w3
            }
        }
        set {
            switch index {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            default: w3 = newValue
            }
        }
    }

    /// The number of significant bits (0 for zero).
    @inlinable
    public var bitWidth: Int {
        if w3 != 0 { return 256 - w3.leadingZeroBitCount }
        if w2 != 0 { return 192 - w2.leadingZeroBitCount }
        if w1 != 0 { return 128 - w1.leadingZeroBitCount }
        return 64 - w0.leadingZeroBitCount
    }

    /// The number of significant bytes, as in a minimal big-endian encoding (0 for zero).
    @inlinable
    public var byteWidth: Int { (bitWidth + 7) / 8 }
}

extension UInt256: ExpressibleByIntegerLiteral {
    @inlinable
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }
}

extension UInt256: Comparable {
    @inlinable
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}
