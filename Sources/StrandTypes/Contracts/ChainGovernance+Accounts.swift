import StrandPrimitives

/// ChainGovernance's operators and frozen accounts (FISCO BCOS 2.x's interface):
///
///     grantOperator(address) / revokeOperator(address) returns (int256)
///     listOperators() returns (string)                         // JSON: address and enable_num
///     freezeAccount(address) / unfreezeAccount(address) returns (int256)
///     getAccountStatus(address) returns (string)
///
/// A committee member names operators and freezes accounts alone, without a vote. An operator
/// holds grants of `_sys_tables_` and `_sys_cns_` (`Permission`): it deploys contracts, creates
/// tables and registers names, and once one exists only operators do. No account is both a
/// member and an operator. A frozen account's transactions are included with receipt status 31
/// (`Receipt.Status.accountFrozen`) and change nothing but its nonce, from the block after the
/// freeze: the executor reads the frozen list once, from the block's start state.
extension ChainGovernance {
    public static let grantOperator = ContractCalldata.selector("grantOperator(address)")
    public static let revokeOperator = ContractCalldata.selector("revokeOperator(address)")
    public static let listOperators = ContractCalldata.selector("listOperators()")
    public static let freezeAccount = ContractCalldata.selector("freezeAccount(address)")
    public static let unfreezeAccount = ContractCalldata.selector("unfreezeAccount(address)")
    public static let getAccountStatus = ContractCalldata.selector("getAccountStatus(address)")

    /// The tables whose grants make an operator.
    public static let operatorTables = [Permission.deployAndCreateTable, Permission.cns]

    /// The operators: accounts holding grants of both operator tables, as `_sys_tables_` lists them.
    public static func operators(reading value: (StateKey) -> UInt256) -> [Permission.Grant] {
        let cns = Set(Permission.grants(table: Permission.cns, reading: value).map(\.account))
        return Permission.grants(table: Permission.deployAndCreateTable, reading: value).filter { cns.contains($0.account) }
    }

    /// FISCO's answer to `listOperators`.
    public static func json(operators: [Permission.Grant]) -> String {
        "[" + operators.map { "{\"address\":\"\($0.account)\",\"enable_num\":\"\($0.enableNumber)\"}" }.joined(separator: ",") + "]"
    }

    // MARK: Frozen accounts

    static let frozenBase = StorageBlob.base(["frozen"])

    /// The frozen accounts, in the order they were frozen. One slot read while there are none.
    public static func frozenAccounts(reading value: (StateKey) -> UInt256) -> [Address] {
        StorageBlob.addresses(StorageBlob.read(address, at: frozenBase, reading: value))
    }

    /// The slots that hold `accounts` as the frozen list in place of a list of `previousCount`.
    public static func frozenStorage(_ accounts: [Address], replacingCount previousCount: Int) -> [(StateKey, UInt256)] {
        StorageBlob.writes(accounts.flatMap(\.bytes), address, at: frozenBase, previousLength: previousCount * 20)
    }

    /// What `getAccountStatus` answers, in FISCO's words.
    public enum AccountStatus: String, Sendable {
        case available = "The account is available."
        case frozen = "The account has been frozen. You can use this account after unfreezing it."
        case contract = "This is not a account address."
    }
}
