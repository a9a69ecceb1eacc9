import StrandPrimitives

/// Solidity ABI calldata for the native contracts' calls: strings first, then words, as
/// their FISCO interfaces take them.
public enum ContractCalldata {
    /// The first four bytes of keccak(signature), big-endian.
    public static func selector(_ signature: String) -> UInt32 {
        let digest = Keccak256.hash(Array(signature.utf8)).bytes
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }

    /// `selector` followed by the head (an offset per string, then each word) and the strings' tail.
    public static func encode(_ selector: UInt32, strings: [String], words: [UInt256] = []) -> [UInt8] {
        let headWords = strings.count + words.count
        var head: [UInt8] = []
        var tail: [UInt8] = []
        for string in strings {
            head += UInt256(UInt64(headWords * 32 + tail.count)).bigEndianBytes
            let bytes = Array(string.utf8)
            tail += UInt256(UInt64(bytes.count)).bigEndianBytes + bytes
            tail += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        }
        for word in words { head += word.bigEndianBytes }
        return withUnsafeBytes(of: selector.bigEndian) { Array($0) } + head + tail
    }

    /// A signed 256-bit word (two's complement), as an `int256` return value.
    public static func int256(_ value: Int64) -> UInt256 {
        value >= 0 ? UInt256(UInt64(value)) : UInt256.zero &- UInt256(UInt64(-value))
    }

    /// The `int256` a call returned, if its output is one word that fits an Int64.
    public static func decodeInt256(_ output: [UInt8]) -> Int64? {
        guard output.count == 32 else { return nil }
        let negative = output[0] & 0x80 != 0
        guard output[..<24].allSatisfy({ $0 == (negative ? 0xFF : 0) }) else { return nil }
        return output[24...].reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}
