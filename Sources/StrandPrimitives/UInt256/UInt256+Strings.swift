/// Why a number could not be parsed.
public enum NumberParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case invalidDigit(Character)
    case overflow

    public var description: String {
        switch self {
        case .empty: "empty number"
        case .invalidDigit(let c): "invalid digit '\(c)'"
        case .overflow: "number does not fit in 256 bits"
        }
    }
}

extension UInt256 {
    /// Parses a decimal number, or a hexadecimal one when it starts with `0x`.
    public init(parsing text: some StringProtocol) throws(NumberParseError) {
        var digits = Substring(text)
        var radix: UInt64 = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            radix = 16
        }
        guard !digits.isEmpty else { throw .empty }
        var value = UInt256.zero
        for c in digits {
            guard let digit = c.hexDigitValue, UInt64(digit) < radix else { throw .invalidDigit(c) }
            let (high, shifted) = value.multipliedFullWidth(by: UInt256(radix))
            let (sum, carry) = shifted.addingReportingOverflow(UInt256(UInt64(digit)))
            guard high.isZero, !carry else { throw .overflow }
            value = sum
        }
        self = value
    }

    /// Lower-case hexadecimal with `0x` and no leading zeros (`0x0` for zero), as JSON-RPC writes quantities.
    public var hexString: String {
        let bytes = minimalBigEndianBytes
        guard !bytes.isEmpty else { return "0x0" }
        let hex = Hex.encode(bytes, prefixed: false)
        return "0x" + (hex.hasPrefix("0") ? String(hex.dropFirst()) : hex)
    }
}

extension UInt256: CustomStringConvertible {
    /// Decimal digits.
    public var description: String {
        if let small = uint64 { return String(small) }
        var digits: [UInt8] = []
        var rest = self
        let chunk = UInt256(10_000_000_000_000_000_000 as UInt64)
        while !rest.isZero {
            let (q, r) = rest.quotientAndRemainder(dividingBy: chunk)
            var part = r.w0
            for _ in 0..<19 {
                digits.append(UInt8(ascii: "0") + UInt8(part % 10))
                part /= 10
                if q.isZero && part == 0 { break }
            }
            rest = q
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
