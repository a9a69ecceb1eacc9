import StrandPrimitives

/// FISCO BCOS 2.x's tables, as its SDKs reach them by JSON:
///
///     TableFactory 0x…1001  createTable(string name, string keyField, string valueFields) returns (int256)
///     CRUD 0x…1002          insert(string table, string key, string entry, string optional) returns (int256)
///                           update(string table, string key, string entry, string condition, string optional) returns (int256)
///                           remove(string table, string key, string condition, string optional) returns (int256)
///                           select(string table, string key, string condition, string optional) returns (string)
///
/// A table holds rows grouped by the value of its key field, several rows to a key. An entry is a
/// JSON object of field to value; a condition a JSON object of field to {"eq"|"ne"|"gt"|"ge"|"lt"|
/// "le": value} (gt…le compare integers), with an optional {"limit": {"limit": "offset,count"}}.
/// A user table `t` is stored as `u_t`, and `_sys_tables_` holds a row per table (table_name,
/// key_field, value_field) that FISCO's `desc` selects. Counts of rows written are returned, or
/// FISCO's codes (`FiscoCode`).
public enum Tables {
    public static let factoryAddress = try! Address(hex: "0x0000000000000000000000000000000000001001")
    public static let crudAddress = try! Address(hex: "0x0000000000000000000000000000000000001002")
    /// KVTableFactory: `createTable` as TableFactory's; its `openTable` object only from contract code.
    public static let kvFactoryAddress = try! Address(hex: "0x0000000000000000000000000000000000001010")
    public static let createTable = ContractCalldata.selector("createTable(string,string,string)")
    public static let insert = ContractCalldata.selector("insert(string,string,string,string)")
    public static let update = ContractCalldata.selector("update(string,string,string,string,string)")
    public static let remove = ContractCalldata.selector("remove(string,string,string,string)")
    public static let select = ContractCalldata.selector("select(string,string,string,string)")

    public static let systemTable = "_sys_tables_"
    public static let userPrefix = "u_"
    public static let maxNameLength = 48
    public static let maxFieldNameLength = 64
    public static let maxKeyLength = 255
    /// Most rows a select returns.
    public static let maxSelected = 500

    /// The stored name of the table a caller names: system tables as they are, user tables prefixed.
    public static func storedName(_ name: String) -> String {
        name.hasPrefix("_sys_") ? name : userPrefix + name
    }

    public struct Schema: Sendable, Equatable {
        public var keyField: String
        public var valueFields: [String]

        public init(keyField: String, valueFields: [String]) {
            self.keyField = keyField
            self.valueFields = valueFields
        }

        public var fields: [String] { [keyField] + valueFields }
        static let systemTables = Schema(keyField: "table_name", valueFields: ["key_field", "value_field"])
    }

    /// One row: a value for each field it has, in its schema's order.
    public typealias Row = [(field: String, value: String)]

    // MARK: Storage

    /// The rows of `table` (stored name) under `key`, a `StorageBlob` at a slot both name.
    public static func rowsBase(table: String, key: String) -> UInt256 {
        StorageBlob.base(["rows", table, key])
    }

    public static func rows(table: String, key: String, reading value: (StateKey) -> UInt256) -> [Row] {
        decodeRows(StorageBlob.read(crudAddress, at: rowsBase(table: table, key: key), reading: value))
    }

    /// The schema of a table (stored name), from its row in `_sys_tables_`; nil if there is none.
    public static func schema(of table: String, reading value: (StateKey) -> UInt256) -> Schema? {
        if table == systemTable { return Schema.systemTables }
        guard let row = rows(table: systemTable, key: table, reading: value).first,
              let keyField = row.first(where: { $0.field == "key_field" })?.value,
              let valueFields = row.first(where: { $0.field == "value_field" })?.value else { return nil }
        return Schema(keyField: keyField, valueFields: valueFields.split(separator: ",").map(String.init))
    }

    /// rlp([[field, value, field, value, …] per row]).
    public static func encodeRows(_ rows: [Row]) -> [UInt8] {
        guard !rows.isEmpty else { return [] }
        var encoder = RLPEncoder(reservingCapacity: 64 * rows.count)
        encoder.appendList { list in
            for row in rows {
                list.appendList { item in
                    for (field, value) in row {
                        item.append(bytes: Array(field.utf8))
                        item.append(bytes: Array(value.utf8))
                    }
                }
            }
        }
        return encoder.bytes
    }

    static func decodeRows(_ bytes: [UInt8]) -> [Row] {
        guard !bytes.isEmpty else { return [] }
        return bytes.withUnsafeBytes { buffer -> [Row] in
            var reader = RLPReader(buffer)
            guard var list = try? reader.readList() else { return [] }
            var rows: [Row] = []
            while !list.isAtEnd {
                guard var item = try? list.readList() else { return rows }
                var row: Row = []
                while !item.isAtEnd {
                    guard let field = try? item.readBytes(), let value = try? item.readBytes() else { return rows }
                    row.append((String(decoding: field, as: UTF8.self), String(decoding: value, as: UTF8.self)))
                }
                rows.append(row)
            }
            return rows
        }
    }

    /// FISCO's answer to a select: a JSON array of objects, fields in schema order.
    public static func json(_ rows: [Row]) -> String {
        "[" + rows.map { row in "{" + row.map { "\(FiscoJSON.quoted($0.field)):\(FiscoJSON.quoted($0.value))" }.joined(separator: ",") + "}" }
            .joined(separator: ",") + "]"
    }
}
