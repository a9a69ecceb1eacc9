import Foundation
import StrandPrimitives
import StrandRPC

/// Reading JSON-RPC parameters strictly: each accessor names the parameter it rejects.
struct RPCParameters {
    let values: [Any]

    init(_ values: [Any]) { self.values = values }

    func require(_ index: Int, _ name: String) throws(RPCError) -> Any {
        guard index < values.count, !(values[index] is NSNull) else { throw .invalidParams("missing \(name) (parameter \(index + 1))") }
        return values[index]
    }

    func optional(_ index: Int) -> Any? {
        index < values.count && !(values[index] is NSNull) ? values[index] : nil
    }

    func string(_ index: Int, _ name: String) throws(RPCError) -> String {
        guard let text = try require(index, name) as? String else { throw .invalidParams("\(name) must be a string") }
        return text
    }

    func address(_ index: Int, _ name: String) throws(RPCError) -> Address {
        try Self.address(try string(index, name), name)
    }

    func hash(_ index: Int, _ name: String) throws(RPCError) -> Hash {
        let text = try string(index, name)
        do { return try Hash(hex: text) } catch { throw .invalidParams("\(name): \(error)") }
    }

    func data(_ index: Int, _ name: String) throws(RPCError) -> [UInt8] {
        try Self.data(try string(index, name), name)
    }

    func bool(_ index: Int, _ name: String, default fallback: Bool) throws(RPCError) -> Bool {
        guard let value = optional(index) else { return fallback }
        guard let flag = value as? Bool else { throw .invalidParams("\(name) must be true or false") }
        return flag
    }

    func object(_ index: Int, _ name: String) throws(RPCError) -> [String: Any] {
        guard let object = try require(index, name) as? [String: Any] else { throw .invalidParams("\(name) must be an object") }
        return object
    }

    static func address(_ text: String, _ name: String) throws(RPCError) -> Address {
        do { return try Address(hex: text) } catch { throw .invalidParams("\(name): \(error)") }
    }

    static func data(_ text: String, _ name: String) throws(RPCError) -> [UInt8] {
        do { return try Hex.decode(text, prefix: .required) } catch { throw .invalidParams("\(name): \(error)") }
    }

    /// A 0x-hex quantity (or, leniently, a non-negative JSON integer that a double holds exactly).
    static func quantity(_ value: Any, _ name: String) throws(RPCError) -> UInt256 {
        if let number = value as? NSNumber, !(value is Bool) {
            // JSON numbers arrive as doubles or integers; anything fractional, negative or past
            // 2⁵³ (where doubles stop counting exactly) is refused rather than rounded.
            let double = number.doubleValue
            guard double >= 0, double <= 9_007_199_254_740_992, double.rounded() == double else {
                throw .invalidParams("\(name) must be a 0x-prefixed hex quantity (or a JSON integer from 0 to 2^53), not \(number)")
            }
            return UInt256(UInt64(double))
        }
        guard let text = value as? String, text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .invalidParams("\(name) must be a 0x-prefixed hex quantity")
        }
        do { return try UInt256(parsing: text) } catch { throw .invalidParams("\(name): \(error)") }
    }

    static func uint64(_ value: Any, _ name: String) throws(RPCError) -> UInt64 {
        guard let small = try quantity(value, name).uint64 else { throw .invalidParams("\(name) exceeds 64 bits") }
        return small
    }
}

/// A block named by a request: a number or one of the tags.
enum BlockTag: Equatable {
    case latest
    case earliest
    case pending
    case number(UInt64)

    init(_ value: Any?, name: String) throws(RPCError) {
        guard let value else { self = .latest; return }
        switch value as? String {
        case "latest", "safe", "finalized": self = .latest
        case "pending": self = .pending
        case "earliest": self = .earliest
        default: self = .number(try RPCParameters.uint64(value, name))
        }
    }
}
