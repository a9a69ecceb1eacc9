/// Hexadecimal encoding and decoding of byte strings.
public enum Hex {
    /// Whether a `0x` prefix is required, optional or written.
    public enum Prefix: Sendable {
        case required
        case optional
    }

    @usableFromInline
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`, with `0x` in front when `prefixed`.
    ///
    /// - Complexity: O(*n*) in the number of bytes.
    @inlinable
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, prefixed: Bool = true) -> String
    where Bytes.Element == UInt8 {
        var out: [UInt8] = prefixed ? [0x30, 0x78] : []
        out.reserveCapacity(out.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes written by `string`; an empty string or a lone `0x` is zero bytes.
    ///
    /// - Throws: `HexError` naming the first problem found.
    /// - Complexity: O(*n*) in the length of the string.
    public static func decode(_ string: some StringProtocol, prefix: Prefix = .optional) throws(HexError) -> [UInt8] {
        let utf8 = Array(string.utf8)
        var start = 0
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") {
            start = 2
        } else if prefix == .required {
            throw .missingPrefix
        }
        let digitCount = utf8.count - start
        guard digitCount % 2 == 0 else { throw .oddLength(digits: digitCount) }
        var out = [UInt8]()
        out.reserveCapacity(digitCount / 2)
        var i = start
        while i < utf8.count {
            let high = try nibble(utf8[i], at: i)
            let low = try nibble(utf8[i + 1], at: i + 1)
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8, at offset: Int) throws(HexError) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: throw .invalidCharacter(Character(Unicode.Scalar(c)), offset: offset)
        }
    }
}
