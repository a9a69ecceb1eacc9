@testable import StrandExecution
import StrandPrimitives
import StrandTypes

/// The simplest possible executor, for the differential tests: a dictionary of the block's
/// writes over the start state, transactions in order, a plain sort at the end. It shares
/// only the transaction semantics (`TransactionProcessor`) with the real executors.
struct ReferenceExecutor: BlockExecutor {
    func execute(_ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext)
        -> BlockExecutionResult {
        var view = DictionaryView(reader: state)
        var finisher = BlockFinisher(capacity: transactions.count)
        let fits = blockGasLimitFits(transactions, gasLimit: context.gasLimit)
        let contracts = ContractContext(block: context, reader: state)
        DeepStackThread.ensuring {
            for (index, tx) in transactions.enumerated() {
                let plan = TransactionPlan(tx, feesEnabled: context.feesEnabled, withinBlockGasLimit: fits[index], suite: context.suite)
                finisher.add(tx, inputIndex: index,
                             outcome: TransactionProcessor.execute(tx, plan: plan, view: &view, contracts: contracts))
            }
        }
        finisher.creditFees(to: context.sealer, view: &view)
        let sorted = view.writes.map { (key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        return BlockExecutionResult(included: finisher.included, receipts: finisher.receipts, excluded: finisher.excluded,
                                    changes: StateChanges(sortedEntries: sorted, code: contracts.deployedCode, suite: context.suite),
                                    statistics: ExecutionStatistics())
    }
}

struct DictionaryView<Reader: StateReader>: StateAccess {
    let reader: Reader
    var writes: [StateKey: UInt256] = [:]

    mutating func read(_ key: StateKey) -> UInt256 { writes[key] ?? reader.value(of: key) }
    mutating func write(_ key: StateKey, _ value: UInt256) { writes[key] = value }
}
