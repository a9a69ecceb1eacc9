import Foundation
import StrandPrimitives
import StrandRPC

/// What a contract's functions and events look like: read from its JSON ABI (solc's, Vyper's)
/// or from signatures written out (`transfer(address to, uint256 amount)`), and used to turn
/// calldata and logs into named, typed values. Selectors and event topics come from the chain's
/// hash (Keccak-256, or SM3 on a 国密 chain, as its compilers emit).
public struct ContractInterface: Sendable {
    public struct Function: Sendable {
        public let name: String
        public let inputs: [ABIParameter]
        public let signature: String
    }

    public struct Event: Sendable {
        public let name: String
        public let inputs: [ABIParameter]
        public let signature: String
    }

    public let name: String
    public private(set) var functions: [UInt32: Function] = [:]
    public private(set) var events: [Hash: Event] = [:]

    /// From a JSON ABI: an array of `{type, name, inputs}` entries; constructors, fallbacks and
    /// errors are skipped.
    public init(name: String, json: String, hash: ([UInt8]) -> Hash) throws(ABIType.Invalid) {
        self.name = name
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)), let entries = parsed as? [Any] else {
            throw ABIType.Invalid("an ABI is a JSON array of function and event entries")
        }
        for case let entry as [String: Any] in entries {
            let kind = entry["type"] as? String ?? "function"
            guard kind == "function" || kind == "event", let entryName = entry["name"] as? String else { continue }
            let inputs = try Self.parameters(entry["inputs"])
            let signature = entryName + "(" + inputs.map(\.type.canonical).joined(separator: ",") + ")"
            if kind == "function" {
                functions[Self.selector(signature, hash)] = Function(name: entryName, inputs: inputs, signature: signature)
            } else if entry["anonymous"] as? Bool != true {
                events[hash(Array(signature.utf8))] = Event(name: entryName, inputs: inputs, signature: signature)
            }
        }
    }

    /// From written-out declarations: `"setValueByKey(string key, string value)"` for a
    /// function, `"event Matched(bytes32 indexed id, uint256 amount)"` for an event.
    public init(name: String, declarations: [String], hash: ([UInt8]) -> Hash) throws(ABIType.Invalid) {
        self.name = name
        for declaration in declarations {
            let isEvent = declaration.hasPrefix("event ")
            let text = isEvent ? String(declaration.dropFirst(6)) : declaration
            guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { throw ABIType.Invalid("bad declaration '\(declaration)'") }
            let entryName = String(text[..<open])
            let list = text[text.index(after: open)..<text.index(before: text.endIndex)]
            let inputs = try list.isEmpty ? [] : list.split(separator: ",").map { (part) throws(ABIType.Invalid) -> ABIParameter in
                let words = part.split(separator: " ").map(String.init)
                guard let type = words.first else { throw ABIType.Invalid("empty parameter in '\(declaration)'") }
                return ABIParameter(name: words.count > 1 ? words.last! : "", type: try ABIType(parsing: type), indexed: words.contains("indexed"))
            }
            let signature = entryName + "(" + inputs.map(\.type.canonical).joined(separator: ",") + ")"
            if isEvent {
                events[hash(Array(signature.utf8))] = Event(name: entryName, inputs: inputs, signature: signature)
            } else {
                functions[Self.selector(signature, hash)] = Function(name: entryName, inputs: inputs, signature: signature)
            }
        }
    }

    /// The called function and its arguments, or nil when the selector is unknown or the
    /// arguments do not decode as its types.
    public func decodeCall(_ input: [UInt8]) -> JSONValue? {
        guard input.count >= 4 else { return nil }
        let selector = input.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard let function = functions[selector], let values = try? ABIDecoder(input.dropFirst(4)).decode(function.inputs) else { return nil }
        return [
            "contract": .string(name), "function": .string(function.name), "signature": .string(function.signature),
            "arguments": Self.arguments(function.inputs, values),
        ]
    }

    /// The event a log records, its arguments from topics (indexed) and data (the rest); an
    /// indexed argument of a dynamic type is only its hash, and is shown as that.
    public func decodeLog(topics: [Hash], data: [UInt8]) -> JSONValue? {
        guard let first = topics.first, let event = events[first] else { return nil }
        let indexed = event.inputs.filter(\.indexed)
        guard indexed.count == topics.count - 1, let unindexed = try? ABIDecoder(data).decode(event.inputs.filter { !$0.indexed }) else {
            return nil
        }
        var fromTopics = zip(indexed, topics.dropFirst()).map { parameter, topic -> JSONValue in
            if parameter.type.isDynamic { return .string(topic.description) }
            return (try? ABIDecoder(topic.bytes).decode(parameter.type, at: 0)) ?? .string(topic.description)
        }.makeIterator()
        var fromData = unindexed.makeIterator()
        let values = event.inputs.map { ($0.indexed ? fromTopics.next() : fromData.next()) ?? .null }
        return [
            "contract": .string(name), "event": .string(event.name), "signature": .string(event.signature),
            "arguments": Self.arguments(event.inputs, values),
        ]
    }

    /// The reason in `Error(string)` revert data, or a `Panic(uint256)` code, or nil.
    public static func revertReason(_ output: [UInt8]) -> String? {
        guard output.count >= 4 else { return nil }
        let selector = Array(output.prefix(4)), body = ABIDecoder(output.dropFirst(4))
        if selector == [0x08, 0xc3, 0x79, 0xa0], let values = try? body.decode([ABIParameter(name: "", type: .string)]),
           case .string(let reason)? = values.first {
            return reason
        }
        if selector == [0x4e, 0x48, 0x7b, 0x71], let values = try? body.decode([ABIParameter(name: "", type: .uint(bits: 256))]),
           case .string(let code)? = values.first {
            return "panic \(code)"
        }
        return nil
    }

    static func selector(_ signature: String, _ hash: ([UInt8]) -> Hash) -> UInt32 {
        hash(Array(signature.utf8)).bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    private static func arguments(_ parameters: [ABIParameter], _ values: [JSONValue]) -> JSONValue {
        .array(zip(parameters, values).map { parameter, value in
            ["name": .string(parameter.name), "type": .string(parameter.type.canonical), "value": value]
        })
    }

    private static func parameters(_ raw: Any?) throws(ABIType.Invalid) -> [ABIParameter] {
        guard let list = raw as? [[String: Any]] else { return [] }
        return try list.map { (entry) throws(ABIType.Invalid) -> ABIParameter in
            guard let type = entry["type"] as? String else { throw ABIType.Invalid("a parameter without a type") }
            return ABIParameter(name: entry["name"] as? String ?? "", type: try ABIType(parsing: type, components: try parameters(entry["components"])),
                                indexed: entry["indexed"] as? Bool ?? false)
        }
    }
}
