/// Hexadecimal encoding and decoding of byte strings.
public enum Hex {
    /// Whether a `0x` prefix is required, optional or written.
    public enum Prefix: Sendable {
        case required
        case optional
    }

    /// Lower-case hex of `bytes`, with `0x` in front when `prefixed`.
    ///
    /// - Complexity: O(*n*) in the number of bytes.
    @inlinable
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, prefixed: Bool = true) -> String
    where Bytes.Element == UInt8 {
        var out: [UInt8] = prefixed ? [0x30, 0x78] : []
        out.reserveCapacity(out.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digit(byte >> 4))
            out.append(digit(byte & 0x0f))
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
                let high = nibble(utf8[i]), low = nibble(utf8[i + 1])
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

    // Digits by arithmetic rather than from a table: a global table costs a lazy-initialisation
    // check on every access, two per byte of every transaction the RPC decodes.

    /// The lower-case digit of `value` (0...15).
    @inlinable @inline(__always) @usableFromInline
    static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value
    }

    /// The value of a hex digit, either case; 0xFF for any other byte.
    @inline(__always)
    private static func nibble(_ character: UInt8) -> UInt8 {
        let decimal = character &- UInt8(ascii: "0")
        if decimal < 10 { return decimal }
        let letter = (character | 0x20) &- UInt8(ascii: "a")   // folds A-F onto a-f
        return letter < 6 ? letter + 10 : 0xFF
    }
}
