import StrandPrimitives

/// FISCO BCOS 2.x's table-write permissions at `0x…1005`:
///
///     insert(string tableName, string addr) returns (int256)     // grant
///     remove(string tableName, string addr) returns (int256)     // revoke
///     queryByName(string tableName) returns (string)             // a JSON array of grants
///
/// A table with no grant is open to every account; once it has one, only the accounts granted
/// may write it. FISCO's system tables name what they guard: `_sys_tables_` deploying contracts
/// and creating tables, `_sys_consensus_` the Consensus contract, `_sys_config_` SystemConfig,
/// `_sys_cns_` CNS. Unlike FISCO 2.x, where an empty `_sys_table_access_` lets anyone grant,
/// only the chain's governors grant and revoke (-50000 for anyone else); a governor still needs
/// a grant of a system table to act on what it guards once that table has grants.
public enum Permission {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000001005")
    public static let insert = ContractCalldata.selector("insert(string,string)")
    public static let remove = ContractCalldata.selector("remove(string,string)")
    public static let queryByName = ContractCalldata.selector("queryByName(string)")

    /// FISCO's system tables.
    public static let deployAndCreateTable = "_sys_tables_"
    public static let consensus = "_sys_consensus_"
    public static let config = "_sys_config_"
    public static let cns = "_sys_cns_"

    public struct Grant: Sendable, Equatable {
        public var account: Address
        /// The first block in which it is in force (FISCO's `enable_num`).
        public var enableNumber: UInt64

        public init(account: Address, enableNumber: UInt64) {
            self.account = account
            self.enableNumber = enableNumber
        }
    }

    // MARK: Storage

    /// A table's slot holds how many grants it has; grant i takes two slots from
    /// keccak(table slot ‖ i): the account and its enable number.
    public static func countKey(table: String) -> StateKey { .storage(address, countSlot(table: table)) }

    static func countSlot(table: String) -> Hash { Keccak256.hash(Array("perm:".utf8) + Array(table.utf8)) }

    static func grantKeys(table: String, index: Int) -> (account: StateKey, enableNumber: StateKey) {
        let base = UInt256(Keccak256.hash(countSlot(table: table).bytes + UInt256(UInt64(index)).bigEndianBytes))
        return (.storage(address, Hash(base)), .storage(address, Hash(base &+ .one)))
    }

    public static func grants(table: String, reading value: (StateKey) -> UInt256) -> [Grant] {
        let count = Int(min(value(countKey(table: table)).uint64 ?? 0, 1 << 16))
        return (0..<count).map { index in
            let keys = grantKeys(table: table, index: index)
            return Grant(account: Address(lastBytesOf: Hash(value(keys.account))), enableNumber: value(keys.enableNumber).uint64 ?? 0)
        }
    }

    /// Whether `account` may write `table` in block `blockNumber`: no grant in force then, or one for it.
    public static func allows(_ account: Address, table: String, inBlock blockNumber: UInt64, reading value: (StateKey) -> UInt256) -> Bool {
        let inForce = grants(table: table, reading: value).filter { $0.enableNumber <= blockNumber }
        return inForce.isEmpty || inForce.contains { $0.account == account }
    }

    /// The slots that hold `grants` in place of `previous`.
    public static func storage(table: String, replacing previous: [Grant], with grants: [Grant]) -> [(StateKey, UInt256)] {
        var writes: [(StateKey, UInt256)] = [(countKey(table: table), UInt256(UInt64(grants.count)))]
        for (index, grant) in grants.enumerated() {
            let keys = grantKeys(table: table, index: index)
            writes += [(keys.account, UInt256(grant.account)), (keys.enableNumber, UInt256(grant.enableNumber))]
        }
        for index in grants.count..<max(grants.count, previous.count) {
            let keys = grantKeys(table: table, index: index)
            writes += [(keys.account, .zero), (keys.enableNumber, .zero)]
        }
        return writes
    }

    /// FISCO's answer to `queryByName`.
    public static func json(table: String, _ grants: [Grant]) -> String {
        "[" + grants.map {
            "{\"table_name\":\(FiscoJSON.quoted(table)),\"address\":\"\($0.account)\",\"enable_num\":\"\($0.enableNumber)\"}"
        }.joined(separator: ",") + "]"
    }
}
