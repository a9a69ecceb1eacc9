import StrandPrimitives
import StrandTypes

/// The native and system contracts' interfaces, always known: their calls decode on every
/// node with no ABI registered. FISCO 2.x's names, as its consoles and SDKs call them.
public enum SystemInterfaces {
    static let declarations: [(Address, String, [String])] = [
        (SystemConfig.address, "SystemConfig", ["setValueByKey(string key, string value)"]),
        (Tables.factoryAddress, "TableFactory", ["createTable(string tableName, string key, string valueFields)",
                                                 "openTable(string tableName)"]),
        (Tables.crudAddress, "CRUD", [
            "insert(string tableName, string key, string entry, string optional)",
            "update(string tableName, string key, string entry, string condition, string optional)",
            "remove(string tableName, string key, string condition, string optional)",
            "select(string tableName, string key, string condition, string optional)",
        ]),
        (ConsensusContract.address, "ConsensusPrecompiled", ["addSealer(string nodeID)", "addObserver(string nodeID)", "remove(string nodeID)"]),
        (CNS.address, "CNS", ["insert(string name, string version, string addr, string abi)", "selectByName(string name)",
                              "selectByNameAndVersion(string name, string version)"]),
        (Permission.address, "Permission", ["insert(string tableName, string addr)", "remove(string tableName, string addr)",
                                            "queryByName(string tableName)"]),
        (ParallelConfig.address, "ParallelConfig", [
            "registerParallelFunctionInternal(address contractAddress, string functionName, uint256 criticalSize)",
            "unregisterParallelFunctionInternal(address contractAddress, string functionName)",
        ]),
        (ContractLifeCycle.address, "ContractLifeCycle", [
            "freeze(address contractAddress)", "unfreeze(address contractAddress)",
            "grantManager(address contractAddress, address userAddress)", "getStatus(address contractAddress)",
            "listManager(address contractAddress)",
        ]),
        (ChainGovernance.address, "ChainGovernance", [
            "grantCommitteeMember(address account)", "revokeCommitteeMember(address account)",
            "updateCommitteeMemberWeight(address account, int256 weight)", "updateThreshold(int256 threshold)",
            "listCommitteeMembers()", "queryCommitteeMemberWeight(address account)", "queryThreshold()",
            "grantOperator(address account)", "revokeOperator(address account)", "listOperators()",
            "freezeAccount(address account)", "unfreezeAccount(address account)", "getAccountStatus(address account)",
        ]),
        (Tables.kvFactoryAddress, "KVTableFactory", ["createTable(string tableName, string key, string valueFields)",
                                                     "openTable(string tableName)"]),
        (ParallelTransfer.address, "ParallelTransfer", [
            "userAdd(string user, uint256 balance)", "userSave(string user, uint256 amount)",
            "userDraw(string user, uint256 amount)", "userBalance(string user)",
            "userTransfer(string from, string to, uint256 amount)",
        ]),
    ]

    /// Each system contract's interface by address, its selectors by `hash`.
    public static func interfaces(hash: ([UInt8]) -> Hash) -> [Address: ContractInterface] {
        Dictionary(uniqueKeysWithValues: declarations.map { address, name, functions in
            // The declarations are constants of this file; a mistake in them is a programming error.
            (address, try! ContractInterface(name: name, declarations: functions, hash: hash))
        })
    }
}
