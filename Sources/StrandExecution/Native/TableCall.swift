import Foundation
import StrandPrimitives
import StrandTypes

/// The execution side of TableFactory and CRUD (their interface and storage are in StrandTypes).
/// What a call touches depends on the rows a key holds, so it runs as a barrier.
extension Tables {
    static func gasCost(calldataCount: Int) -> UInt64 { 20_000 + 16 * UInt64(calldataCount) }

    enum Call: Sendable {
        case create(name: String, keyField: String, valueFields: String, caller: Address)
        case insert(table: String, key: String, entry: String, caller: Address)
        case update(table: String, key: String, entry: String, condition: String, caller: Address)
        case remove(table: String, key: String, condition: String, caller: Address)
        case select(table: String, key: String, condition: String)
        /// Calldata that names no function of the contract or does not decode: the call reverts.
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], to contract: Address, caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "Tables: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            func text(_ index: Int) throws(ABI.DecodingError) -> String {
                String(decoding: try arguments.string(index, maxLength: 1 << 18), as: UTF8.self)
            }
            do throws(ABI.DecodingError) {
                switch (contract == factoryAddress || contract == kvFactoryAddress, selector) {
                case (true, createTable):
                    return .create(name: try text(0), keyField: try text(1), valueFields: try text(2), caller: caller)
                case (false, insert):
                    return .insert(table: try text(0), key: try text(1), entry: try text(2), caller: caller)
                case (false, update):
                    return .update(table: try text(0), key: try text(1), entry: try text(2), condition: try text(3), caller: caller)
                case (false, remove):
                    return .remove(table: try text(0), key: try text(1), condition: try text(2), caller: caller)
                case (false, select):
                    return .select(table: try text(0), key: try text(1), condition: try text(2))
                default:
                    return .invalid(reason: "Tables: unknown function")
                }
            } catch {
                return .invalid(reason: "Tables: malformed calldata")
            }
        }
    }

    static func execute<View: StateAccess>(_ call: Call, view: inout View, blockNumber: UInt64) -> NativeOutcome {
        do throws(FiscoCode) {
            return try run(call, view: &view, blockNumber: blockNumber)
        } catch {
            return .returned(error)
        }
    }

    private static func run<View: StateAccess>(_ call: Call, view: inout View, blockNumber: UInt64) throws(FiscoCode) -> NativeOutcome {
        switch call {
        case .invalid(let reason):
            return .revert(reason)
        case .create(let name, let keyField, let valueFields, let caller):
            try createTable(name, keyField: keyField, valueFields: valueFields, caller: caller, view: &view, blockNumber: blockNumber)
            return .count(0)
        case .select(let table, let key, let condition):
            let found = try selectRows(storedName(table), key: key, try Condition.parse(condition), view: &view)
            return .success(output: ABI.encode(string: json(Array(found.prefix(maxSelected)))))
        case .insert(let table, let key, let entry, let caller):
            let stored = storedName(table)
            let fields = try parseEntry(entry, allowed: try schema(stored, view: &view).fields)
            return .count(try insertRow(stored, key: key, fields: fields, caller: caller, view: &view, blockNumber: blockNumber))
        case .update(let table, let key, let entry, let condition, let caller):
            let stored = storedName(table)
            let fields = try parseEntry(entry, allowed: try schema(stored, view: &view).valueFields)
            return .count(try updateRows(stored, key: key, fields: fields, try Condition.parse(condition), caller: caller,
                                         view: &view, blockNumber: blockNumber))
        case .remove(let table, let key, let condition, let caller):
            return .count(try removeRows(storedName(table), key: key, try Condition.parse(condition), caller: caller,
                                         view: &view, blockNumber: blockNumber))
        }
    }

    // MARK: Operations on a table by its stored name, shared with the table objects (`TableObjects`)

    static func schema<View: StateAccess>(_ stored: String, view: inout View) throws(FiscoCode) -> Schema {
        guard let schema = Tables.schema(of: stored, reading: { view.read($0) }) else { throw .tableNotFound }
        return schema
    }

    static func mayWrite<View: StateAccess>(_ table: String, _ caller: Address, view: inout View, blockNumber: UInt64) throws(FiscoCode) {
        guard Permission.allows(caller, table: table, inBlock: blockNumber, reading: { view.read($0) }) else { throw .permissionDenied }
    }

    static func createTable<View: StateAccess>(_ name: String, keyField: String, valueFields: String, caller: Address,
                                               view: inout View, blockNumber: UInt64) throws(FiscoCode) {
        try mayWrite(systemTable, caller, view: &view, blockNumber: blockNumber)
        let stored = storedName(name)
        let fields = valueFields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        try check(name: name, keyField: keyField, valueFields: fields)
        guard Tables.schema(of: stored, reading: { view.read($0) }) == nil else { throw .tableExists }
        write([[("table_name", stored), ("key_field", keyField), ("value_field", fields.joined(separator: ","))]],
              table: systemTable, key: stored, replacing: [], view: &view)
    }

    static func selectRows<View: StateAccess>(_ stored: String, key: String, _ condition: Condition, view: inout View) throws(FiscoCode) -> [Row] {
        _ = try schema(stored, view: &view)
        return condition.select(rows(table: stored, key: key) { view.read($0) })
    }

    /// Adds a row under `key` of the fields given (others empty); `fields` names schema fields only.
    static func insertRow<View: StateAccess>(_ stored: String, key: String, fields: [String: String], caller: Address,
                                             view: inout View, blockNumber: UInt64) throws(FiscoCode) -> Int {
        let schema = try schema(stored, view: &view)
        try mayWrite(stored, caller, view: &view, blockNumber: blockNumber)
        guard key.utf8.count <= maxKeyLength else { throw .keyTooLong }
        let before = rows(table: stored, key: key) { view.read($0) }
        write(before + [schema.fields.map { ($0, $0 == schema.keyField ? key : fields[$0] ?? "") }],
              table: stored, key: key, replacing: before, view: &view)
        return 1
    }

    static func updateRows<View: StateAccess>(_ stored: String, key: String, fields: [String: String], _ condition: Condition,
                                              caller: Address, view: inout View, blockNumber: UInt64) throws(FiscoCode) -> Int {
        _ = try schema(stored, view: &view)
        try mayWrite(stored, caller, view: &view, blockNumber: blockNumber)
        let before = rows(table: stored, key: key) { view.read($0) }
        var after = before
        let chosen = condition.selectedIndexes(before)
        for index in chosen { after[index] = after[index].map { (field, value) in (field, fields[field] ?? value) } }
        write(after, table: stored, key: key, replacing: before, view: &view)
        return chosen.count
    }

    static func removeRows<View: StateAccess>(_ stored: String, key: String, _ condition: Condition, caller: Address,
                                              view: inout View, blockNumber: UInt64) throws(FiscoCode) -> Int {
        _ = try schema(stored, view: &view)
        try mayWrite(stored, caller, view: &view, blockNumber: blockNumber)
        let before = rows(table: stored, key: key) { view.read($0) }
        let chosen = Set(condition.selectedIndexes(before))
        write(before.indices.filter { !chosen.contains($0) }.map { before[$0] }, table: stored, key: key, replacing: before, view: &view)
        return chosen.count
    }

    /// Refuses a table's name or fields as FISCO does.
    static func check(name: String, keyField: String, valueFields: [String]) throws(FiscoCode) {
        func valid(_ text: String) -> Bool {
            !text.isEmpty && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "$" || $0 == "@" }
        }
        guard storedName(name).utf8.count <= maxNameLength + userPrefix.count else { throw .tableNameTooLong }
        guard valid(name), !name.hasPrefix("_sys_") else { throw .invalidField }
        let fields = [keyField] + valueFields
        guard fields.allSatisfy({ $0.utf8.count <= maxFieldNameLength }) else { throw .fieldNameTooLong }
        guard fields.allSatisfy(valid) else { throw .invalidField }
        guard Set(fields).count == fields.count else { throw .duplicateField }
    }

    /// An entry's fields: a JSON object of strings (or integers) naming only `allowed` fields.
    static func parseEntry(_ text: String, allowed: [String]) throws(FiscoCode) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw .badEntry }
        var fields: [String: String] = [:]
        for (field, value) in object {
            guard let text = Condition.text(value) else { throw .badEntry }
            guard allowed.contains(field) else { throw .invalidField }
            fields[field] = text
        }
        return fields
    }

    static func write<View: StateAccess>(_ rows: [Row], table: String, key: String, replacing previous: [Row], view: inout View) {
        let base = rowsBase(table: table, key: key)
        for (slot, value) in StorageBlob.writes(encodeRows(rows), crudAddress, at: base, previousLength: encodeRows(previous).count) {
            view.write(slot, value)
        }
    }

    /// A select's, update's or remove's condition.
    struct Condition {
        enum Operator: String { case eq, ne, gt, ge, lt, le }
        var tests: [(field: String, op: Operator, value: String)] = []
        var offset = 0
        var limit: Int?

        static func parse(_ text: String) throws(FiscoCode) -> Condition {
            var condition = Condition()
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return condition }
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw .badCondition }
            // Sorted, so that the tests' order does not depend on a dictionary's.
            for (field, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let operations = value as? [String: Any] else { throw .badCondition }
                if field == "limit" {
                    guard let range = operations["limit"] as? String else { throw .badCondition }
                    let parts = range.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                    guard parts.count == 2, let offset = parts[0], let count = parts[1], offset >= 0, count >= 0 else {
                        throw .badCondition
                    }
                    (condition.offset, condition.limit) = (offset, count)
                    continue
                }
                for (name, operand) in operations.sorted(by: { $0.key < $1.key }) {
                    guard let op = Operator(rawValue: name) else { throw .undefinedOperator }
                    guard let value = Condition.text(operand) else { throw .badCondition }
                    condition.tests.append((field, op, value))
                }
            }
            return condition
        }

        static func text(_ value: Any) -> String? {
            if let string = value as? String { return string }
            // Integers too, as applications write them; FISCO's SDKs send strings.
            guard let number = value as? NSNumber else { return nil }
            let double = number.doubleValue
            guard double.rounded() == double, abs(double) < 9.0e15 else { return nil }
            return String(Int64(double))
        }

        func matches(_ row: Row) -> Bool {
            tests.allSatisfy { test in
                let value = row.first { $0.field == test.field }?.value ?? ""
                switch test.op {
                case .eq: return value == test.value
                case .ne: return value != test.value
                default:
                    guard let left = Int64(value), let right = Int64(test.value) else { return false }
                    switch test.op {
                    case .gt: return left > right
                    case .ge: return left >= right
                    case .lt: return left < right
                    default: return left <= right
                    }
                }
            }
        }

        /// The indexes of the rows it selects, its limit applied.
        func selectedIndexes(_ rows: [Row]) -> [Int] {
            let matching = rows.indices.filter { matches(rows[$0]) }.dropFirst(offset)
            return Array(limit.map { matching.prefix($0) } ?? matching[...])
        }

        func select(_ rows: [Row]) -> [Row] { selectedIndexes(rows).map { rows[$0] } }
    }
}

extension NativeOutcome {
    /// A count of rows (or FISCO's 0 for a table created) as the `int256` output.
    static func count(_ count: Int) -> NativeOutcome {
        .success(output: ABI.encode(ContractCalldata.int256(Int64(count))))
    }
}
