import StrandPrimitives

/// A Solidity ABI type, as a contract's JSON interface names it (`uint256`, `bytes32[]`,
/// `tuple` with components), and how its values are read out of calldata, return data and
/// event data. Decoding is strict and bounded: what does not fit the type is refused, never
/// guessed at, so a page never shows a wrong value for a right-looking call.
public indirect enum ABIType: Sendable, Equatable {
    case uint(bits: Int)
    case int(bits: Int)
    case address
    case bool
    case fixedBytes(Int)
    case bytes
    case string
    case array(ABIType, count: Int?)
    case tuple([ABIParameter])

    /// Why a type could not be parsed or a value could not be decoded.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Parses a type string; `components` are a tuple's members.
    public init(parsing text: String, components: [ABIParameter] = []) throws(Invalid) {
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            let element = try ABIType(parsing: String(text[..<open]), components: components)
            let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if inside.isEmpty {
                self = .array(element, count: nil)
            } else if let count = Int(inside), count > 0, count <= 1 << 16 {
                self = .array(element, count: count)
            } else {
                throw Invalid("bad array length in '\(text)'")
            }
            return
        }
        switch text {
        case "address": self = .address
        case "bool": self = .bool
        case "string": self = .string
        case "bytes": self = .bytes
        case "function": self = .fixedBytes(24)
        case "uint": self = .uint(bits: 256)
        case "int": self = .int(bits: 256)
        case "tuple": self = .tuple(components)
        default:
            if text.hasPrefix("uint"), let bits = Int(text.dropFirst(4)), bits % 8 == 0, (8...256).contains(bits) {
                self = .uint(bits: bits)
            } else if text.hasPrefix("int"), let bits = Int(text.dropFirst(3)), bits % 8 == 0, (8...256).contains(bits) {
                self = .int(bits: bits)
            } else if text.hasPrefix("bytes"), let size = Int(text.dropFirst(5)), (1...32).contains(size) {
                self = .fixedBytes(size)
            } else {
                throw Invalid("unknown type '\(text)'")
            }
        }
    }

    /// The canonical name used in signatures: `uint256`, `(address,uint256)[]`.
    public var canonical: String {
        switch self {
        case .uint(let bits): "uint\(bits)"
        case .int(let bits): "int\(bits)"
        case .address: "address"
        case .bool: "bool"
        case .fixedBytes(let size): "bytes\(size)"
        case .bytes: "bytes"
        case .string: "string"
        case .array(let element, let count): element.canonical + (count.map { "[\($0)]" } ?? "[]")
        case .tuple(let members): "(" + members.map(\.type.canonical).joined(separator: ",") + ")"
        }
    }

    /// Whether the value lives in the tail, reached through an offset in the head.
    var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array(_, nil): true
        case .array(let element, .some): element.isDynamic
        case .tuple(let members): members.contains { $0.type.isDynamic }
        default: false
        }
    }

    /// Bytes the value takes in its enclosing head.
    var headSize: Int {
        guard !isDynamic else { return 32 }
        switch self {
        case .array(let element, let count?): return element.headSize * count
        case .tuple(let members): return members.reduce(0) { $0 + $1.type.headSize }
        default: return 32
        }
    }
}

/// A named argument of a function or an event.
public struct ABIParameter: Sendable, Equatable {
    public let name: String
    public let type: ABIType
    /// An event argument carried in a topic rather than in the data.
    public let indexed: Bool

    public init(name: String, type: ABIType, indexed: Bool = false) {
        self.name = name
        self.type = type
        self.indexed = indexed
    }
}
