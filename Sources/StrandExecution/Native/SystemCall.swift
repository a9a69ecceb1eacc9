import StrandPrimitives
import StrandTypes

/// A decoded call of one of FISCO's system contracts: run the same way whether a transaction
/// makes it (`TransactionProcessor`) or contract code does (`NativeHost`). What each touches
/// depends on lists in state, so a transaction making one runs as a barrier.
enum SystemCall: Sendable {
    case systemConfig(SystemConfig.Call)
    case consensus(ConsensusContract.Call)
    case cns(CNS.Call)
    case permission(Permission.Call)
    case tables(Tables.Call)
    case chainGovernance(ChainGovernance.Call)
    case parallelConfig(ParallelConfig.Call)
    case contractLifeCycle(ContractLifeCycle.Call)

    /// The call `data` makes of the system contract at `contract` (nil for another address).
    /// Rights are judged by `origin`, the transaction's sender, as FISCO judges them; only
    /// ParallelConfig asks who called (`sender`: a contract registers its own functions).
    static func decode(to contract: Address, data: [UInt8], sender: Address, origin caller: Address) -> (call: SystemCall, gasCost: UInt64)? {
        switch contract {
        case SystemConfig.address: (.systemConfig(SystemConfig.decode(data, caller: caller)), SystemConfig.gasCost)
        case ConsensusContract.address: (.consensus(ConsensusContract.decode(data, caller: caller)), ConsensusContract.gasCost)
        case CNS.address: (.cns(CNS.decode(data, caller: caller)), CNS.gasCost(calldataCount: data.count))
        case Permission.address: (.permission(Permission.decode(data, caller: caller)), Permission.gasCost)
        case Tables.factoryAddress, Tables.crudAddress, Tables.kvFactoryAddress:
            (.tables(Tables.decode(data, to: contract, caller: caller)), Tables.gasCost(calldataCount: data.count))
        case ChainGovernance.address: (.chainGovernance(ChainGovernance.decode(data, caller: caller)), ChainGovernance.gasCost)
        case ParallelConfig.address: (.parallelConfig(ParallelConfig.decode(data, caller: sender)), ParallelConfig.gasCost)
        case ContractLifeCycle.address: (.contractLifeCycle(ContractLifeCycle.decode(data, caller: caller)), ContractLifeCycle.gasCost)
        default: nil
        }
    }

    static func isSystemContract(_ address: Address) -> Bool {
        guard let value = address.smallValue else { return false }
        // 0x1000 SystemConfig … 0x1008 ChainGovernance, and 0x1010 KVTableFactory.
        return (0x1000...0x1008).contains(value) || value == 0x1010
    }

    func execute<View: StateAccess>(view: inout View, contracts: ContractContext) -> NativeOutcome {
        let block = contracts.environment.number
        switch self {
        case .systemConfig(let call): return SystemConfig.execute(call, view: &view, blockNumber: block)
        case .consensus(let call): return ConsensusContract.execute(call, view: &view, genesis: contracts.genesisValidators, blockNumber: block)
        case .cns(let call): return CNS.execute(call, view: &view, blockNumber: block)
        case .permission(let call): return Permission.execute(call, view: &view, blockNumber: block)
        case .tables(let call): return Tables.execute(call, view: &view, blockNumber: block)
        case .chainGovernance(let call): return ChainGovernance.execute(call, view: &view, genesis: contracts.genesisGovernors, blockNumber: block)
        case .parallelConfig(let call): return ParallelConfig.execute(call, view: &view)
        case .contractLifeCycle(let call): return ContractLifeCycle.execute(call, view: &view, genesisGovernors: contracts.genesisGovernors)
        }
    }
}
