import StrandPrimitives

/// FISCO BCOS 2.x's ContractLifeCycle at `0x…1007`: contracts frozen and unfrozen.
///
///     freeze(address) / unfreeze(address) returns (int256)
///     grantManager(address contract, address user) returns (int256)
///     getStatus(address) returns (int256, string)
///     listManager(address) returns (int256, address[])
///
/// A contract's managers and the committee's members may freeze it. FISCO also makes a contract's
/// deployer its first manager; Strand records nothing at creation (a creation's writes stay
/// Ethereum's), so managers are granted, by a member or another manager. A call of a frozen
/// contract — a transaction to it (receipt status 30, its nonce spent, nothing else) or a call
/// from code (the call fails) — is refused from the block after the freeze: the executor reads the
/// frozen list once, from the block's start state.
public enum ContractLifeCycle {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000001007")
    public static let freeze = ContractCalldata.selector("freeze(address)")
    public static let unfreeze = ContractCalldata.selector("unfreeze(address)")
    public static let grantManager = ContractCalldata.selector("grantManager(address,address)")
    public static let getStatus = ContractCalldata.selector("getStatus(address)")
    public static let listManager = ContractCalldata.selector("listManager(address)")

    static let frozenBase = StorageBlob.base(["frozen-contracts"])
    public static func managersBase(_ contract: Address) -> UInt256 { StorageBlob.base(["managers", contract.description]) }

    /// The frozen contracts, in the order they were frozen. One slot read while there are none.
    public static func frozenContracts(reading value: (StateKey) -> UInt256) -> [Address] {
        StorageBlob.addresses(StorageBlob.read(address, at: frozenBase, reading: value))
    }

    public static func frozenStorage(_ contracts: [Address], replacingCount previousCount: Int) -> [(StateKey, UInt256)] {
        StorageBlob.writes(contracts.flatMap(\.bytes), address, at: frozenBase, previousLength: previousCount * 20)
    }

    public static func managers(of contract: Address, reading value: (StateKey) -> UInt256) -> [Address] {
        StorageBlob.addresses(StorageBlob.read(address, at: managersBase(contract), reading: value))
    }

    /// What `getStatus` answers.
    public enum Status: String, Sendable {
        case available = "The contract is available."
        case frozen = "The contract has been frozen. You can invoke this contract after unfreezing it."
        case notAContract = "This is not a contract address."
        case nonexistent = "The address is nonexistent."
    }
}

/// The accounts and contracts frozen in a block's start state (`ChainGovernance`,
/// `ContractLifeCycle`): read once a block, and by the pool against the head's state.
public struct Freezes: Sendable, Equatable {
    public var accounts: Set<Address>
    public var contracts: Set<Address>

    public init(accounts: Set<Address> = [], contracts: Set<Address> = []) {
        self.accounts = accounts
        self.contracts = contracts
    }

    public init(in reader: some StateReader) {
        accounts = Set(ChainGovernance.frozenAccounts { reader.value(of: $0) })
        contracts = Set(ContractLifeCycle.frozenContracts { reader.value(of: $0) })
    }

    public var isEmpty: Bool { accounts.isEmpty && contracts.isEmpty }
}
