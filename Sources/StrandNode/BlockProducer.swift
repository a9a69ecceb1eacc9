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
/// Runs on its own thread; commits on a second one when pipelining. `stop()` lets the
/// block in progress finish and commit whole.
final class BlockProducer: @unchecked Sendable {
    let ledger: Ledger
    let pool: TransactionPool
    let executor: ParallelExecutor
    let sealer: any Sealer
    let sealerAddress: Address
    let feesEnabled: Bool
    let metrics: NodeMetrics
    let recent: RecentBlocks
    let logger: Logger
    /// Execute the next block while the previous one commits.
    let pipelining: Bool
    private let committer = DispatchQueue(label: "strand-committer")
    private let running = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)

    init(ledger: Ledger, pool: TransactionPool, executor: ParallelExecutor, sealer: any Sealer, sealerAddress: Address,
         feesEnabled: Bool, metrics: NodeMetrics, recent: RecentBlocks, pipelining: Bool, logger: Logger) {
        self.pipelining = pipelining
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
        // Contract code recurses on the native stack: the producer is a deep-stack thread.
        DeepStackThread.start { [self] in
            loop()
            stopped.signal()
        }
    }

    /// Returns once the block in progress, if any, is committed.
    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        stopped.wait()
    }

    /// BLOCKHASH for a block whose parent may still be committing: the parent's hash is known,
    /// every earlier block is in the ledger (commits are in order, one in flight).
    static func blockHashes(ledger: Ledger, parent: (number: UInt64, hash: Hash)) -> @Sendable (UInt64) -> Hash {
        { number in
            if number == parent.number { return parent.hash }
            return (try? ledger.header(number: number))??.hash ?? .zero
        }
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
        finishCommit()
    }

    /// A block handed to the committer: sealed and executed, not yet on disk.
    private struct Sealed: Sendable {
        let block: Block
        let receipts: [Receipt]
        let changes: StateChanges
        let senders: [Address]
        let executionMicros: UInt64
        let excluded: Int

        /// Whether `snapshot` was taken before this block committed (so its writes must be layered on).
        func isAhead(of snapshot: LedgerSnapshot) -> Bool { snapshot.head.number < block.number }
    }

    // The producer thread alone touches these.
    private nonisolated(unsafe) var inFlight: (sealed: Sealed, done: DispatchSemaphore)?
    private nonisolated(unsafe) var commitFailure: (any Error)?

    /// Seals one block from what is ready; returns whether one was sealed.
    ///
    /// With pipelining, the block is executed on the committed state plus the writes of the
    /// block still being committed, and handed to a committer thread, so that the next block
    /// executes while this one is written. Blocks still commit strictly in order.
    @discardableResult
    func produceBlock() throws -> Bool {
        if !pipelining { finishCommit() }
        let snapshot = try ledger.snapshot()
        // The parent: the block being committed, if any, else the committed head.
        let pending = inFlight?.sealed
        let layered = pending.flatMap { $0.isAhead(of: snapshot) ? $0 : nil }
        let state = PendingState(base: snapshot, layers: layered.map { [$0.changes] } ?? [])
        let parent = pending.map { (number: $0.block.number, hash: $0.block.hash, stateRoot: $0.block.header.stateRoot) }
            ?? (number: snapshot.head.number, hash: snapshot.head.hash, stateRoot: snapshot.head.stateRoot)
        let candidates = pool.select(limit: sealer.policy.maxBlockTransactions, gasLimit: pool.config.blockGasLimit, accounts: state)
        if candidates.isEmpty && sealer.policy.skipEmptyBlocks { return false }
        let context = BlockContext(
            number: parent.number + 1, timestamp: UInt64(Date().timeIntervalSince1970), sealer: sealerAddress,
            gasLimit: pool.config.blockGasLimit, feesEnabled: feesEnabled, chainID: ledger.chainID,
            blockHash: Self.blockHashes(ledger: ledger, parent: (parent.number, parent.hash)))
        let started = ContinuousClock.now
        let result = executor.execute(candidates, on: state, context: context)
        let executionMicros = (ContinuousClock.now - started).microseconds
        pool.remove(result.excluded.map(\.hash))
        metrics.excluded.wrappingAdd(UInt64(result.excluded.count), ordering: .relaxed)
        if result.included.isEmpty && sealer.policy.skipEmptyBlocks { return false }
        let block = Block.assemble(
            number: context.number, parentHash: parent.hash, parentStateRoot: parent.stateRoot, timestamp: context.timestamp,
            sealer: sealerAddress, gasLimit: context.gasLimit, transactions: result.included.map(\.transaction),
            receipts: result.receipts, changes: result.changes)
        // Out of the pool now, so that the next block does not take them again.
        pool.removeCommitted(result.included, accounts: PendingState(base: snapshot, layers: state.layers + [result.changes]))
        let sealed = Sealed(block: block, receipts: result.receipts, changes: result.changes, senders: result.included.map(\.sender),
                            executionMicros: executionMicros, excluded: result.excluded.count)
        finishCommit()
        if let failure = commitFailure {
            commitFailure = nil
            throw failure
        }
        startCommit(sealed)
        if !pipelining { finishCommit() }
        return true
    }

    private func startCommit(_ sealed: Sealed) {
        let done = DispatchSemaphore(value: 0)
        inFlight = (sealed, done)
        committer.async { [self] in
            let started = ContinuousClock.now
            do {
                try ledger.commit(sealed.block, receipts: sealed.receipts, changes: sealed.changes)
                let commitMicros = (ContinuousClock.now - started).microseconds
                recent.add(RecentBlocks.Entry(block: sealed.block, receipts: sealed.receipts, senders: sealed.senders))
                metrics.committed.wrappingAdd(UInt64(sealed.block.transactions.count), ordering: .relaxed)
                metrics.blockHeight.store(sealed.block.number, ordering: .relaxed)
                metrics.lastBlockTransactions.store(UInt64(sealed.block.transactions.count), ordering: .relaxed)
                metrics.lastExecutionMicros.store(sealed.executionMicros, ordering: .relaxed)
                metrics.lastCommitMicros.store(commitMicros, ordering: .relaxed)
                logger.info("sealed block \(sealed.block.number): \(sealed.block.transactions.count) transactions, \(sealed.excluded) excluded, execution \(sealed.executionMicros) µs, commit \(commitMicros) µs")
            } catch {
                commitFailure = error
                logger.error("commit of block \(sealed.block.number) failed: \(error); its transactions are dropped")
            }
            done.signal()
        }
    }

    /// Waits for the block in commit, if any.
    private func finishCommit() {
        guard let (_, done) = inFlight else { return }
        done.wait()
        inFlight = nil
    }
}

/// The committed state with the writes of blocks not yet committed layered on top (the last
/// layer wins): what the next block executes on while the previous one is written. Reads
/// binary-search each layer's sorted entries, so layering builds nothing. Thread-safe.
struct PendingState: StateReader, Sendable {
    let base: LedgerSnapshot
    let layers: [StateChanges]

    func value(of key: StateKey) -> UInt256 {
        for layer in layers.reversed() {
            let entries = layer.entries
            var low = 0, high = entries.count
            while low < high {
                let middle = (low + high) / 2
                if entries[middle].key < key { low = middle + 1 } else { high = middle }
            }
            if low < entries.count && entries[low].key == key { return entries[low].value }
        }
        return base.value(of: key)
    }

    func code(hash: Hash) -> [UInt8]? {
        for layer in layers.reversed() { if let code = layer.code[hash] { return code } }
        return base.code(hash: hash)
    }
}

extension Duration {
    var microseconds: UInt64 {
        UInt64(max(0, components.seconds)) * 1_000_000 + UInt64(max(0, components.attoseconds) / 1_000_000_000_000)
    }
}
