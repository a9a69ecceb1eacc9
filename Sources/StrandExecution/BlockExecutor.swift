import StrandPrimitives
import StrandTypes

/// Executes a block's transactions (senders already recovered) on top of a state.
///
/// Every implementation must give the same result for the same input, bit for bit: the
/// same included transactions, receipts and state changes, hence the same state root.
public protocol BlockExecutor {
    /// - Parameter state: the state at the start of the block; read concurrently by parallel executors.
    func execute(_ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext)
        -> BlockExecutionResult
}

/// Turns per-transaction outcomes, in block order, into receipts, the included and
/// excluded lists and the sealer's fee credit. Shared by every executor.
struct BlockFinisher {
    var included: [RecoveredTransaction] = []
    var receipts: [Receipt] = []
    var excluded: [ExcludedTransaction] = []
    var fees = UInt256.zero
    private var cumulativeGas: UInt64 = 0

    init(capacity: Int) {
        included.reserveCapacity(capacity)
        receipts.reserveCapacity(capacity)
    }

    mutating func add(_ tx: RecoveredTransaction, inputIndex: Int, outcome: TransactionOutcome) {
        guard let status = outcome.status else {
            excluded.append(ExcludedTransaction(inputIndex: inputIndex, hash: tx.transaction.hash, reason: outcome.exclusion!))
            return
        }
        cumulativeGas += outcome.gasUsed
        receipts.append(Receipt(
            status: status, gasUsed: outcome.gasUsed, cumulativeGasUsed: cumulativeGas,
            transactionHash: tx.transaction.hash, transactionIndex: UInt32(included.count), output: outcome.output))
        included.append(tx)
        fees = fees &+ outcome.fee
    }

    /// Credits the block's fees to the sealer, an additive write after every transaction,
    /// so that no transaction depends on the sealer's balance.
    func creditFees<View: StateAccess>(to sealer: Address, view: inout View) {
        guard !fees.isZero else { return }
        let key = StateKey.balance(sealer)
        view.write(key, view.read(key) &+ fees)
    }
}

/// Executes transactions one after another on a dictionary of the block's writes: the
/// reference every parallel result is checked against.
public struct SerialExecutor: BlockExecutor {
    public init() {}

    public func execute(
        _ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext
    ) -> BlockExecutionResult {
        let start = ContinuousClock.now
        var view = OverlayView(reader: state)
        var finisher = BlockFinisher(capacity: transactions.count)
        let fits = blockGasLimitFits(transactions, gasLimit: context.gasLimit)
        for (index, tx) in transactions.enumerated() {
            let plan = TransactionPlan(tx, context: context, withinBlockGasLimit: fits[index])
            finisher.add(tx, inputIndex: index, outcome: TransactionProcessor.execute(tx, plan: plan, view: &view))
        }
        finisher.creditFees(to: context.sealer, view: &view)
        let executed = ContinuousClock.now
        let changes = StateChanges(view.writes)
        var statistics = ExecutionStatistics()
        statistics.executionNanoseconds = (executed - start).nanoseconds
        statistics.finalizationNanoseconds = (ContinuousClock.now - executed).nanoseconds
        statistics.criticalPathLength = transactions.count
        statistics.maximumWidth = transactions.isEmpty ? 0 : 1
        return BlockExecutionResult(included: finisher.included, receipts: finisher.receipts,
                                    excluded: finisher.excluded, changes: changes, statistics: statistics)
    }
}

/// Reads through to the block's start state unless the block wrote the key.
struct OverlayView<Reader: StateReader>: StateAccess {
    let reader: Reader
    var writes: [StateKey: UInt256] = [:]

    mutating func read(_ key: StateKey) -> UInt256 {
        writes[key] ?? reader.value(of: key)
    }

    mutating func write(_ key: StateKey, _ value: UInt256) {
        writes[key] = value
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        UInt64(components.seconds) * 1_000_000_000 + UInt64(components.attoseconds / 1_000_000_000)
    }
}
