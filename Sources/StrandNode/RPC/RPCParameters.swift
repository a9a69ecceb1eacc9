import StrandCrypto
import StrandPrimitives
import StrandRPC
import StrandTypes

/// Reading JSON-RPC parameters strictly: each accessor names the parameter it rejects.
struct RPCParameters {
    let values: [JSONValue]

    init(_ values: [JSONValue]) { self.values = values }

    var count: Int { values.count }

    func require(_ index: Int, _ name: String) throws(RPCError) -> JSONValue {
        guard index < values.count, !values[index].isNull else { throw .invalidParams("missing \(name) (parameter \(index + 1))") }
        return values[index]
    }

    func optional(_ index: Int) -> JSONValue? {
        index < values.count && !values[index].isNull ? values[index] : nil
    }

    func string(_ index: Int, _ name: String) throws(RPCError) -> String {
        guard let text = try require(index, name).stringValue else { throw .invalidParams("\(name) must be a string") }
        return text
    }

    func address(_ index: Int, _ name: String) throws(RPCError) -> Address {
        try Self.address(try string(index, name), name)
    }

    func hash(_ index: Int, _ name: String) throws(RPCError) -> Hash {
        try Self.hash(try string(index, name), name)
    }

    func data(_ index: Int, _ name: String) throws(RPCError) -> [UInt8] {
        try Self.data(try string(index, name), name)
    }

    func bool(_ index: Int, _ name: String, default fallback: Bool) throws(RPCError) -> Bool {
        guard let value = optional(index) else { return fallback }
        guard case .bool(let flag) = value else { throw .invalidParams("\(name) must be true or false") }
        return flag
    }

    func object(_ index: Int, _ name: String) throws(RPCError) -> JSONObject {
        guard let object = try require(index, name).objectValue else { throw .invalidParams("\(name) must be an object") }
        return object
    }

    static func address(_ text: String, _ name: String) throws(RPCError) -> Address {
        // Either checksum: EIP-55's, or the SM3 one FISCO's 国密 SDKs write (a typo guard, not a rule of the chain).
        do { return try Address(hex: text, checksumHashes: [Keccak256.hash, SM3.hash]) } catch { throw .invalidParams("\(name): \(error)") }
    }

    static func hash(_ text: String, _ name: String) throws(RPCError) -> Hash {
        do { return try Hash(hex: text) } catch { throw .invalidParams("\(name): \(error)") }
    }

    static func data(_ text: String, _ name: String) throws(RPCError) -> [UInt8] {
        do { return try Hex.decode(text, prefix: .required) } catch { throw .invalidParams("\(name): \(error)") }
    }

    /// A 0x-hex quantity (or, leniently, a non-negative JSON integer; a double only when it
    /// holds an integer exactly, up to 2⁵³).
    static func quantity(_ value: JSONValue, _ name: String) throws(RPCError) -> UInt256 {
        switch value {
        case .integer(let number) where number >= 0: return UInt256(UInt64(number))
        case .double(let double) where double >= 0 && double <= 9_007_199_254_740_992 && double.rounded() == double:
            return UInt256(UInt64(double))
        case .string(let text) where text.hasPrefix("0x") || text.hasPrefix("0X"):
            do { return try UInt256(parsing: text) } catch { throw .invalidParams("\(name): \(error)") }
        case .integer(let number): throw .invalidParams("\(name) must not be negative, not \(number)")
        case .double(let double): throw .invalidParams("\(name) must be a 0x-prefixed hex quantity or an integer up to 2^53, not \(double)")
        default: throw .invalidParams("\(name) must be a 0x-prefixed hex quantity")
        }
    }

    static func uint64(_ value: JSONValue, _ name: String) throws(RPCError) -> UInt64 {
        guard let small = try quantity(value, name).uint64 else { throw .invalidParams("\(name) exceeds 64 bits") }
        return small
    }
}

extension JSONObject {
    /// An optional member read with `read`, which names the member in its errors.
    func optional<T>(_ key: String, _ read: (JSONValue, String) throws(RPCError) -> T) throws(RPCError) -> T? {
        guard let value = self[key], !value.isNull else { return nil }
        return try read(value, key)
    }
}

/// A block named by a request: a number or one of the tags.
enum BlockTag: Equatable {
    case latest
    case earliest
    case pending
    case number(UInt64)

    init(_ value: JSONValue?, name: String) throws(RPCError) {
        guard let value, !value.isNull else { self = .latest; return }
        switch value.stringValue {
        case "latest", "safe", "finalized": self = .latest
        case "pending": self = .pending
        case "earliest": self = .earliest
        default: self = .number(try RPCParameters.uint64(value, name))
        }
    }
}

/// JSON-RPC's quantities: minimal 0x-hex.
func quantity(_ value: UInt64) -> JSONValue { .string("0x" + String(value, radix: 16)) }
func quantity(_ value: UInt256) -> JSONValue { .string(value.hexString) }

/// A transaction's v as its clients read it: a quantity, or a 国密 transaction's signer key
/// (64 bytes, as FISCO's 国密 nodes show it).
func signatureV(_ tx: Transaction) -> JSONValue {
    tx.signature.signerKey.map { .string(Hex.encode($0.bytes)) } ?? quantity(tx.v)
}

/// r ‖ s ‖ recovery id, or r ‖ s ‖ public key for a 国密 transaction.
func signatureBytes(_ signature: RecoverableSignature) -> JSONValue {
    .string(Hex.encode(signature.r.bigEndianBytes + signature.s.bigEndianBytes + (signature.signerKey?.bytes ?? [signature.recoveryID])))
}
