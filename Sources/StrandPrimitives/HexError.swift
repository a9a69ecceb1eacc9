/// Why a hexadecimal string could not be decoded.
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The string has an odd number of digits after any `0x`.
    case oddLength(digits: Int)
    /// A character that is not a hexadecimal digit, with its offset in the input.
    case invalidCharacter(Character, offset: Int)
    /// The string must start with `0x` here and does not.
    case missingPrefix
    /// The decoded value has the wrong number of bytes for its type.
    case wrongLength(expected: Int, actual: Int)
    /// A mixed-case address whose capitalisation does not match its EIP-55 checksum.
    case badChecksum(expected: String)

    public var description: String {
        switch self {
        case .oddLength(let digits): "odd number of hex digits (\(digits))"
        case .invalidCharacter(let c, let offset): "invalid hex character '\(c)' at offset \(offset)"
        case .missingPrefix: "hex string must start with 0x"
        case .wrongLength(let expected, let actual): "expected \(expected) bytes, got \(actual)"
        case .badChecksum(let expected): "address checksum mismatch (EIP-55): expected \(expected)"
        }
    }
}
