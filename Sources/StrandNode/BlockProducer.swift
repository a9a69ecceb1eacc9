import Foundation
import Logging
import StrandConsensus
import StrandExecution
import StrandPrimitives
import StrandStorage
import StrandTxPool
import StrandTypes
import Synchronization

/// Turns pending transactions into committed blocks: asks the sealer when, takes ready
/// transactions from the pool, executes them on the ledger's latest state, commits the
/// block in one write, and tells the pool what was included.
///
/// Runs on its own thread. `stop()` lets the block in progress finish and commit whole.
final class BlockProducer: Sendable {
    let ledger: Ledger
    let pool: TransactionPool
    let executor: ParallelExecutor
    let sealer: any Sealer
    let sealerAddress: Address
    let feesEnabled: Bool
    let metrics: NodeMetrics
    let recent: RecentBlocks
    let logger: Logger
    private let running = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)

    init(ledger: Ledger, pool: TransactionPool, executor: ParallelExecutor, sealer: any Sealer, sealerAddress: Address,
         feesEnabled: Bool, metrics: NodeMetrics, recent: RecentBlocks, logger: Logger) {
        self.recent = recent
        self.ledger = ledger
        self.pool = pool
        self.executor = executor
        self.sealer = sealer
        self.sealerAddress = sealerAddress
        self.feesEnabled = feesEnabled
        self.metrics = metrics
        self.logger = logger
    }

    func start() {
        running.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            loop()
            stopped.signal()
        }
        thread.name = "strand-sealer"
        thread.start()
    }

    /// Returns once the block in progress, if any, is committed.
    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        stopped.wait()
    }

    private func loop() {
        var lastBlock = ContinuousClock.now
        while running.load(ordering: .relaxed) {
            let ready = pool.count
            if sealer.shouldSeal(ready: ready, elapsed: ContinuousClock.now - lastBlock) {
                do {
                    if try produceBlock() { lastBlock = ContinuousClock.now }
                } catch {
                    logger.error("block production failed: \(error)")
                    Thread.sleep(forTimeInterval: 0.1)
                }
            } else {
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
    }

    /// Seals one block from what is ready; returns whether one was committed.
    @discardableResult
    func produceBlock() throws -> Bool {
        let snapshot = try ledger.snapshot()
        let candidates = pool.select(limit: sealer.policy.maxBlockTransactions, accounts: snapshot)
        if candidates.isEmpty && sealer.policy.skipEmptyBlocks { return false }
        let head = snapshot.head
        let context = BlockContext(
            number: head.number + 1, timestamp: UInt64(Date().timeIntervalSince1970), sealer: sealerAddress,
            gasLimit: pool.config.blockGasLimit, feesEnabled: feesEnabled)
        let started = ContinuousClock.now
        let result = executor.execute(candidates, on: snapshot, context: context)
        let executed = ContinuousClock.now
        let block = Block.assemble(
            number: context.number, parentHash: head.hash, parentStateRoot: head.stateRoot, timestamp: context.timestamp,
            sealer: sealerAddress, gasLimit: context.gasLimit, transactions: result.included.map(\.transaction),
            receipts: result.receipts, changes: result.changes)
        if block.transactions.isEmpty && sealer.policy.skipEmptyBlocks {
            pool.remove(result.excluded.map(\.hash))
            metrics.excluded.wrappingAdd(UInt64(result.excluded.count), ordering: .relaxed)
            return false
        }
        try ledger.commit(block, receipts: result.receipts, changes: result.changes)
        let committed = ContinuousClock.now
        recent.add(RecentBlocks.Entry(block: block, receipts: result.receipts, senders: result.included.map(\.sender)))
        let after = try ledger.snapshot()
        pool.removeCommitted(result.included, accounts: after)
        pool.remove(result.excluded.map(\.hash))
        metrics.committed.wrappingAdd(UInt64(block.transactions.count), ordering: .relaxed)
        metrics.excluded.wrappingAdd(UInt64(result.excluded.count), ordering: .relaxed)
        metrics.blockHeight.store(block.number, ordering: .relaxed)
        metrics.lastBlockTransactions.store(UInt64(block.transactions.count), ordering: .relaxed)
        metrics.lastExecutionMicros.store((executed - started).microseconds, ordering: .relaxed)
        metrics.lastCommitMicros.store((committed - executed).microseconds, ordering: .relaxed)
        logger.info("sealed block \(block.number): \(block.transactions.count) transactions, \(result.excluded.count) excluded, execution \((executed - started).microseconds) µs, commit \((committed - executed).microseconds) µs")
        return true
    }
}

extension Duration {
    var microseconds: UInt64 {
        UInt64(max(0, components.seconds)) * 1_000_000 + UInt64(max(0, components.attoseconds) / 1_000_000_000_000)
    }
}
