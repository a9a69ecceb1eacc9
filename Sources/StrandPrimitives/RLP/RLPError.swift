/// Why RLP input was rejected. The decoder is strict: every encoding it accepts is the
/// one canonical encoding of its value.
public enum RLPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ends inside an item.
    case truncated
    /// A length was written in more bytes than needed, or in long form below 56.
    case nonCanonicalLength
    /// A single byte below 0x80 was wrapped in a string header.
    case nonCanonicalSingleByte
    /// An integer has leading zero bytes.
    case leadingZeros
    /// An integer is wider than its field allows.
    case integerTooLarge(maxBytes: Int)
    /// A fixed-width field (address, hash) has the wrong number of bytes.
    case wrongLength(expected: Int, actual: Int)
    /// Bytes remain after the item that should be the whole input.
    case trailingBytes(count: Int)
    /// A list was found where a string was expected.
    case expectedString
    /// A string was found where a list was expected.
    case expectedList
    /// Lists nest deeper than `RLPReader.maxDepth`.
    case tooDeep
    /// A list has fewer or more items than its type has fields.
    case wrongItemCount(expected: Int, actual: Int)
    /// Well-formed RLP holding a value its field does not allow (named in the message).
    case invalidValue(String)

    public var description: String {
        switch self {
        case .truncated: "input ends inside an item"
        case .nonCanonicalLength: "non-canonical length prefix"
        case .nonCanonicalSingleByte: "single byte below 0x80 must be encoded as itself"
        case .leadingZeros: "integer has leading zero bytes"
        case .integerTooLarge(let maxBytes): "integer wider than \(maxBytes) bytes"
        case .wrongLength(let expected, let actual): "expected \(expected) bytes, got \(actual)"
        case .trailingBytes(let count): "\(count) trailing bytes after the item"
        case .expectedString: "expected a string, found a list"
        case .expectedList: "expected a list, found a string"
        case .tooDeep: "lists nested deeper than \(RLPReader.maxDepth)"
        case .wrongItemCount(let expected, let actual): "expected \(expected) list items, got \(actual)"
        case .invalidValue(let what): "invalid value: \(what)"
        }
    }
}
