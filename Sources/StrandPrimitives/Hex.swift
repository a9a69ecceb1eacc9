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
        if let decoded = string.utf8.withContiguousStorageIfAvailable({ decodeDigits($0, prefix: prefix) }) {
            return try decoded.get()
        }
        return try Array(string.utf8).withUnsafeBufferPointer { decodeDigits($0, prefix: prefix) }.get()
    }

    private static func decodeDigits(_ utf8: UnsafeBufferPointer<UInt8>, prefix: Prefix) -> Result<[UInt8], HexError> {
        var start = 0
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") {
            start = 2
        } else if prefix == .required {
            return .failure(.missingPrefix)
        }
        let digitCount = utf8.count - start
        guard digitCount % 2 == 0 else { return .failure(.oddLength(digits: digitCount)) }
        var failure: HexError?
        let out = [UInt8](unsafeUninitializedCapacity: digitCount / 2) { buffer, initialized in
            var i = start
            while i < utf8.count {
                let high = nibbles[Int(utf8[i])], low = nibbles[Int(utf8[i + 1])]
                if high | low > 0x0F {
                    let bad = high > 0x0F ? i : i + 1
                    failure = .invalidCharacter(Character(Unicode.Scalar(utf8[bad])), offset: bad)
                    break
                }
                buffer[initialized] = high << 4 | low
                initialized += 1
                i += 2
            }
        }
        if let failure { return .failure(failure) }
        return .success(out)
    }

    /// Each byte's value as a hex digit, 0xFF where it is none.
    private static let nibbles: [UInt8] = (0..<256).map { c in
        switch UInt8(c) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(c) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(c) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(c) - UInt8(ascii: "A") + 10
        default: 0xFF
        }
    }
}
