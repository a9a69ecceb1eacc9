import StrandPrimitives
import StrandTypes

/// FISCO 2.x's table objects (`Table.sol`), which contract code gets from `openTable` and
/// `newEntry`/`newCondition`/`select`/`get` and then calls: a table (or key-value table) handle,
/// an entry, a condition, a set of entries. They live for one transaction at addresses
/// 0x10000, 0x10001, … in the order made (as FISCO numbers them), hold no state of their own,
/// and act on tables through the same operations as CRUD (`Tables`), with the transaction's
/// sender's rights.
struct TableObjects {
    enum Object {
        case table(stored: String, keyValue: Bool)
        case entry(Entry)
        case condition(Tables.Condition)
        case entries([Entry])
    }

    /// A row's fields by name, in the order first set.
    struct Entry {
        var fields: [(name: String, value: String)] = []

        subscript(name: String) -> String? {
            get { fields.first { $0.name == name }?.value }
            set {
                if let index = fields.firstIndex(where: { $0.name == name }) { fields[index].value = newValue ?? "" }
                else { fields.append((name, newValue ?? "")) }
            }
        }

        var dictionary: [String: String] { Dictionary(fields.map { ($0.name, $0.value) }) { first, _ in first } }
    }

    /// Gas for a call of an object: by what it carries in (an entry's values come in through
    /// `set`), with CRUD's base on top for a write of a table.
    static func gasCost(of object: Object, input: [UInt8]) -> UInt64 {
        let carried = 3_000 + 16 * UInt64(input.count)
        guard case .table = object, input.count >= 4 else { return carried }
        let selector = input.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return [insert, update, remove, set].contains(selector) ? carried + 17_000 : carried
    }

    /// Gas for `openTable`.
    static let openCost: UInt64 = 3_000
    static let firstAddress: UInt32 = 0x10000
    /// More objects than a transaction's gas could pay for; a bound all the same.
    static let maxObjects = 1 << 16

    private var objects: [Object] = []

    func holds(_ address: Address) -> Bool { object(at: address) != nil }

    func object(at address: Address) -> Object? {
        guard let value = address.smallValue, value >= Self.firstAddress, Int(value - Self.firstAddress) < objects.count else { return nil }
        return objects[Int(value - Self.firstAddress)]
    }

    private mutating func make(_ object: Object) -> NativeOutcome {
        guard objects.count < Self.maxObjects else { return .revert("Table: too many objects in one transaction") }
        objects.append(object)
        return .success(output: ABI.encode(UInt256(Address(low: UInt64(Self.firstAddress) + UInt64(objects.count - 1)))))
    }

    private mutating func replace(_ address: Address, with object: Object) {
        objects[Int(address.smallValue! - Self.firstAddress)] = object
    }

    // MARK: Selectors

    static let openTable = ContractCalldata.selector("openTable(string)")
    static let select = ContractCalldata.selector("select(string,address)")
    static let insert = ContractCalldata.selector("insert(string,address)")
    static let update = ContractCalldata.selector("update(string,address,address)")
    static let remove = ContractCalldata.selector("remove(string,address)")
    static let newEntry = ContractCalldata.selector("newEntry()")
    static let newCondition = ContractCalldata.selector("newCondition()")
    static let get = ContractCalldata.selector("get(string)")
    static let set = ContractCalldata.selector("set(string,address)")
    static let entriesGet = ContractCalldata.selector("get(int256)")
    static let size = ContractCalldata.selector("size()")
    static let getters: [UInt32: Getter] = [
        ContractCalldata.selector("getInt(string)"): .int, ContractCalldata.selector("getUInt(string)"): .uint,
        ContractCalldata.selector("getAddress(string)"): .address, ContractCalldata.selector("getBytes64(string)"): .bytes64,
        ContractCalldata.selector("getBytes32(string)"): .bytes32, ContractCalldata.selector("getString(string)"): .string,
    ]
    static let setters: [UInt32: Setter] = [
        ContractCalldata.selector("set(string,int256)"): .int, ContractCalldata.selector("set(string,uint256)"): .uint,
        ContractCalldata.selector("set(string,string)"): .string, ContractCalldata.selector("set(string,address)"): .address,
    ]
    static let conditions: [UInt32: (Tables.Condition.Operator, Setter)] = [
        ContractCalldata.selector("EQ(string,int256)"): (.eq, .int), ContractCalldata.selector("EQ(string,string)"): (.eq, .string),
        ContractCalldata.selector("EQ(string,address)"): (.eq, .address), ContractCalldata.selector("NE(string,int256)"): (.ne, .int),
        ContractCalldata.selector("NE(string,string)"): (.ne, .string), ContractCalldata.selector("GT(string,int256)"): (.gt, .int),
        ContractCalldata.selector("GE(string,int256)"): (.ge, .int), ContractCalldata.selector("LT(string,int256)"): (.lt, .int),
        ContractCalldata.selector("LE(string,int256)"): (.le, .int),
    ]
    static let limitCount = ContractCalldata.selector("limit(int256)")
    static let limitRange = ContractCalldata.selector("limit(int256,int256)")

    enum Getter { case int, uint, address, bytes64, bytes32, string }
    enum Setter { case int, uint, string, address }

    /// The table name of an `openTable` call, or nil for any other call of a factory.
    static func openedTable(_ input: [UInt8]) -> String? {
        input.withUnsafeBytes { data in
            guard data.count >= 4, UInt32(bigEndian: data.loadUnaligned(as: UInt32.self)) == openTable else { return nil }
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            return (try? arguments.string(0, maxLength: 256)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// A handle on an existing table, or the zero address when there is none (as FISCO 2.x answers).
    mutating func open<View: StateAccess>(_ name: String, keyValue: Bool, view: inout View) -> NativeOutcome {
        let stored = Tables.storedName(name)
        guard Tables.schema(of: stored, reading: { view.read($0) }) != nil else { return .success(output: ABI.encode(UInt256.zero)) }
        return make(.table(stored: stored, keyValue: keyValue))
    }

    // MARK: Calls on objects

    mutating func call<View: StateAccess>(_ object: Object, at address: Address, input: [UInt8], origin: Address,
                                          view: inout View, blockNumber: UInt64) -> NativeOutcome {
        input.withUnsafeBytes { data -> NativeOutcome in
            guard data.count >= 4 else { return .revert("Table: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            do throws(ABI.DecodingError) {
                switch object {
                case .table(let stored, let keyValue):
                    return try callTable(stored, keyValue: keyValue, selector, arguments, origin: origin, view: &view, blockNumber: blockNumber)
                case .entry(var entry):
                    if let getter = Self.getters[selector] { return .success(output: Self.get(getter, try Self.text(arguments, 0), from: entry)) }
                    guard let setter = Self.setters[selector] else { return .revert("Entry: unknown function") }
                    entry[try Self.text(arguments, 0)] = try Self.value(setter, arguments, 1)
                    replace(address, with: .entry(entry))
                    return .success(output: [])
                case .condition(var condition):
                    if let (op, setter) = Self.conditions[selector] {
                        condition.tests.append((try Self.text(arguments, 0), op, try Self.value(setter, arguments, 1)))
                    } else if selector == Self.limitCount {
                        condition.limit = try Self.count(arguments, 0)
                    } else if selector == Self.limitRange {
                        (condition.offset, condition.limit) = (try Self.count(arguments, 0), try Self.count(arguments, 1))
                    } else {
                        return .revert("Condition: unknown function")
                    }
                    replace(address, with: .condition(condition))
                    return .success(output: [])
                case .entries(let entries):
                    if selector == Self.size { return .success(output: ABI.encode(UInt256(UInt64(entries.count)))) }
                    guard selector == Self.entriesGet else { return .revert("Entries: unknown function") }
                    let index = try Self.count(arguments, 0)
                    guard index < entries.count else { return .revert("Entries: index out of range") }
                    return make(.entry(entries[index]))
                }
            } catch {
                return .revert(error.reason)
            }
        }
    }

    private mutating func callTable<View: StateAccess>(
        _ stored: String, keyValue: Bool, _ selector: UInt32, _ arguments: ABI.Arguments, origin: Address,
        view: inout View, blockNumber: UInt64
    ) throws(ABI.DecodingError) -> NativeOutcome {
        if selector == Self.newEntry { return make(.entry(Entry())) }
        switch (keyValue, selector) {
        case (false, Self.newCondition):
            return make(.condition(Tables.Condition()))
        case (false, Self.select):
            let (key, condition) = (try Self.text(arguments, 0), try condition(arguments, 1))
            return Self.coded { () throws(FiscoCode) in
                let rows = try Tables.selectRows(stored, key: key, condition, view: &view)
                return make(.entries(rows.prefix(Tables.maxSelected).map(Self.entry)))
            }
        case (false, Self.insert):
            let (key, entry) = (try Self.text(arguments, 0), try entry(arguments, 1))
            return Self.coded { () throws(FiscoCode) in
                let fields = try Self.allowed(entry, in: try Tables.schema(stored, view: &view).fields)
                return .count(try Tables.insertRow(stored, key: key, fields: fields, caller: origin, view: &view, blockNumber: blockNumber))
            }
        case (false, Self.update):
            let (key, entry, condition) = (try Self.text(arguments, 0), try entry(arguments, 1), try condition(arguments, 2))
            return Self.coded { () throws(FiscoCode) in
                let fields = try Self.allowed(entry, in: try Tables.schema(stored, view: &view).valueFields)
                return .count(try Tables.updateRows(stored, key: key, fields: fields, condition, caller: origin, view: &view,
                                                    blockNumber: blockNumber))
            }
        case (false, Self.remove):
            let (key, condition) = (try Self.text(arguments, 0), try condition(arguments, 1))
            return Self.coded { () throws(FiscoCode) in
                .count(try Tables.removeRows(stored, key: key, condition, caller: origin, view: &view, blockNumber: blockNumber))
            }
        case (true, Self.get):
            // One row a key: whether found, and an entry holding it (or an empty one).
            let key = try Self.text(arguments, 0)
            return Self.coded { () throws(FiscoCode) in
                let rows = try Tables.selectRows(stored, key: key, Tables.Condition(), view: &view)
                guard case .success(let address) = make(.entry(rows.first.map(Self.entry) ?? Entry())) else {
                    return .revert("Table: too many objects in one transaction")
                }
                return .success(output: UInt256(rows.isEmpty ? 0 : 1).bigEndianBytes + address)
            }
        case (true, Self.set):
            let (key, entry) = (try Self.text(arguments, 0), try entry(arguments, 1))
            return Self.coded { () throws(FiscoCode) in
                let fields = try Self.allowed(entry, in: try Tables.schema(stored, view: &view).valueFields)
                let exists = !(try Tables.selectRows(stored, key: key, Tables.Condition(), view: &view)).isEmpty
                return .count(exists
                    ? try Tables.updateRows(stored, key: key, fields: fields, Tables.Condition(), caller: origin, view: &view, blockNumber: blockNumber)
                    : try Tables.insertRow(stored, key: key, fields: fields, caller: origin, view: &view, blockNumber: blockNumber))
            }
        default:
            return .revert(keyValue ? "KVTable: unknown function" : "Table: unknown function")
        }
    }

    /// A table operation's outcome, FISCO's code in place of a failure.
    private static func coded(_ body: () throws(FiscoCode) -> NativeOutcome) -> NativeOutcome {
        do { return try body() } catch { return .returned(error) }
    }

    /// The entry object whose address is argument `index`.
    private func entry(_ arguments: ABI.Arguments, _ index: Int) throws(ABI.DecodingError) -> Entry {
        guard case .entry(let entry) = object(at: Address(truncating: try arguments.word(index))) else {
            throw ABI.DecodingError(reason: "Table: not an entry")
        }
        return entry
    }

    private func condition(_ arguments: ABI.Arguments, _ index: Int) throws(ABI.DecodingError) -> Tables.Condition {
        guard case .condition(let condition) = object(at: Address(truncating: try arguments.word(index))) else {
            throw ABI.DecodingError(reason: "Table: not a condition")
        }
        return condition
    }

    /// An entry's fields, each one the table has.
    private static func allowed(_ entry: Entry, in fields: [String]) throws(FiscoCode) -> [String: String] {
        guard entry.fields.allSatisfy({ fields.contains($0.name) }) else { throw .invalidField }
        return entry.dictionary
    }

    private static func entry(_ row: Tables.Row) -> Entry { Entry(fields: row.map { ($0.field, $0.value) }) }

    // MARK: Values

    private static func text(_ arguments: ABI.Arguments, _ index: Int) throws(ABI.DecodingError) -> String {
        String(decoding: try arguments.string(index, maxLength: 1 << 16), as: UTF8.self)
    }

    private static func count(_ arguments: ABI.Arguments, _ index: Int) throws(ABI.DecodingError) -> Int {
        guard let value = ContractCalldata.decodeInt256(try arguments.word(index).bigEndianBytes), value >= 0, value <= Int64(Int32.max) else {
            throw ABI.DecodingError(reason: "Table: count out of range")
        }
        return Int(value)
    }

    /// A field's value as FISCO stores it: decimal for numbers, 0x-hex for addresses.
    private static func value(_ setter: Setter, _ arguments: ABI.Arguments, _ index: Int) throws(ABI.DecodingError) -> String {
        switch setter {
        case .string: return try text(arguments, index)
        case .uint: return try arguments.word(index).description
        case .address: return Address(truncating: try arguments.word(index)).description
        case .int:
            let word = try arguments.word(index)
            return word >> 255 == .zero ? word.description : "-" + (UInt256.zero &- word).description
        }
    }

    private static func get(_ getter: Getter, _ name: String, from entry: Entry) -> [UInt8] {
        let text = entry[name] ?? ""
        switch getter {
        case .string: return ABI.encode(string: text)
        case .uint: return ((try? UInt256(parsing: text)) ?? .zero).bigEndianBytes
        case .int:
            guard text.hasPrefix("-") else { return ((try? UInt256(parsing: text)) ?? .zero).bigEndianBytes }
            return (UInt256.zero &- ((try? UInt256(parsing: text.dropFirst())) ?? .zero)).bigEndianBytes
        case .address: return UInt256((try? Address(hex: text)) ?? .zero).bigEndianBytes
        case .bytes32:
            let bytes = Array(text.utf8.prefix(32))
            return bytes + [UInt8](repeating: 0, count: 32 - bytes.count)
        case .bytes64:
            // bytes1[64]: each byte left-aligned in a word of its own.
            let bytes = Array(text.utf8.prefix(64)) + [UInt8](repeating: 0, count: max(0, 64 - text.utf8.count))
            return bytes.flatMap { [$0] + [UInt8](repeating: 0, count: 31) }
        }
    }
}
