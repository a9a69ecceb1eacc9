import StrandEVM
import StrandPrimitives
import StrandTypes

/// FISCO's system contracts as contract code calls them: one per transaction, made by
/// `ContractCall`. Calls run through the same `SystemCall` as transactions do, on the EVM's
/// journaled state, so a failed frame undoes them and speculation records what they touch.
/// Table objects (`TableObjects`) live for the transaction. Calls of contracts frozen in the
/// block's start state are refused.
final class NativeHost: HostContracts {
    /// Not retained: the block's context outlives each transaction, and a retain per
    /// transaction on every core would contend for its reference count.
    private unowned(unsafe) let contracts: ContractContext
    private var objects = TableObjects()

    /// Whether the block's start state froze any contract (the usual answer is no).
    private let anyContractFrozen: Bool

    init(contracts: ContractContext) {
        self.contracts = contracts
        anyContractFrozen = !contracts.freezes.contracts.isEmpty
    }

    func refuses(_ address: Address) -> Bool {
        anyContractFrozen && contracts.freezes.contracts.contains(address)
    }

    func runs(_ address: Address) -> Bool {
        SystemCall.isSystemContract(address) || objects.holds(address)
    }

    func call(_ address: Address, input: [UInt8], caller: Address, origin: Address, gas: Int, state: HostState) -> HostCallResult {
        let input = NativeSelectors.calldata(input, suite: contracts.environment.suite)
        var view = HostStateView(state: state)
        let outcome: NativeOutcome
        let gasCost: UInt64
        if let object = objects.object(at: address) {
            gasCost = TableObjects.gasCost(of: object, input: input)
            guard UInt64(gas) >= gasCost else { return HostCallResult(output: [], gasUsed: gas, failed: true) }
            outcome = objects.call(object, at: address, input: input, origin: origin, view: &view, blockNumber: contracts.environment.number)
        } else if address == Tables.factoryAddress || address == Tables.kvFactoryAddress,
                  let name = TableObjects.openedTable(input) {
            gasCost = TableObjects.openCost
            guard UInt64(gas) >= gasCost else { return HostCallResult(output: [], gasUsed: gas, failed: true) }
            outcome = objects.open(name, keyValue: address == Tables.kvFactoryAddress, view: &view)
        } else if let (call, cost) = SystemCall.decode(to: address, data: input, sender: caller, origin: origin) {
            gasCost = cost
            guard UInt64(gas) >= gasCost else { return HostCallResult(output: [], gasUsed: gas, failed: true) }
            outcome = call.execute(view: &view, contracts: contracts)
        } else {
            return HostCallResult(output: [], gasUsed: 0, failed: true)
        }
        switch outcome {
        case .success(let output): return HostCallResult(output: output, gasUsed: Int(gasCost))
        case .revert(let reason): return HostCallResult(output: ABI.revert(reason), gasUsed: Int(gasCost), failed: true)
        }
    }
}

/// The executor's keys on the EVM's world: system contracts write only storage.
struct HostStateView: StateAccess {
    let state: HostState

    mutating func read(_ key: StateKey) -> UInt256 {
        switch key.kind {
        case .storage: state.storage(key.address, UInt256(key.slot))
        case .codeHash: UInt256(state.codeHash(key.address))
        case .balance: state.balance(key.address)
        case .nonce: UInt256(state.nonce(key.address))
        }
    }

    mutating func write(_ key: StateKey, _ value: UInt256) {
        precondition(key.kind == .storage, "a system contract writes storage only")
        state.setStorage(key.address, UInt256(key.slot), value)
    }
}
