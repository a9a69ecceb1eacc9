import Dispatch
import Foundation
import Logging
import StrandPrimitives
import StrandStorage
import StrandTxPool
import StrandTypes
import Synchronization

/// Writes executed blocks to the ledger, strictly in order, and tells the rest of the node:
/// recent blocks for RPC, the observer (metrics), the log, `onCommitted` (announcements). With pipelining, one block commits on a thread
/// of its own while the next executes; `tip()` then layers its writes over the ledger's state.
///
/// A commit that fails for the storage (a full disk, an I/O error) is retried with back-off
/// and never dropped: meanwhile the pool refuses new transactions with the reason, and
/// `/metrics` shows `strand_ledger_commit_failing 1`. Blocks are handed in through
/// `ChainAppender`, one at a time.
public final class BlockCommitter: @unchecked Sendable {
    public typealias Commit = @Sendable (Block, [Receipt], StateChanges) throws -> Void

    public let ledger: Ledger
    public let pool: TransactionPool
    public let recent: RecentBlocks
    public let observer: any ChainObserver
    public let logger: Logger
    public let pipelining: Bool
    /// First and longest wait between attempts of a failing commit.
    public let retryBackoff: (first: Duration, longest: Duration)
    private let commit: Commit
    /// Told after each block is on disk (the network announces the new head).
    public let onCommitted: @Sendable (Block) -> Void
    private let queue = DispatchQueue(label: "strand-committer")
    private let stopping = Atomic<Bool>(false)
    // The driver's thread alone touches this.
    private var inFlight: (executed: ExecutedBlock, done: DispatchSemaphore)?

    public init(ledger: Ledger, pool: TransactionPool, recent: RecentBlocks, observer: any ChainObserver, pipelining: Bool, logger: Logger,
         retryBackoff: (first: Duration, longest: Duration) = (.milliseconds(50), .seconds(5)), commit: Commit? = nil,
         onCommitted: @escaping @Sendable (Block) -> Void = { _ in }) {
        self.onCommitted = onCommitted
        self.ledger = ledger
        self.pool = pool
        self.recent = recent
        self.observer = observer
        self.pipelining = pipelining
        self.logger = logger
        self.retryBackoff = retryBackoff
        if let commit {
            self.commit = commit
        } else {
            // An `ExecutedBlock`'s roots are its contents': the builder computed them, the importer checked them.
            self.commit = { block, receipts, changes in
                try ledger.commit(block, receipts: receipts, changes: changes, rootsChecked: true)
            }
        }
    }

    /// The parent of the next block and the state after it.
    public func tip() throws(LedgerError) -> ChainTip {
        let snapshot = try ledger.snapshot()
        if let pending = inFlight?.executed, pending.block.number > snapshot.head.number {
            return ChainTip(parent: pending.block.header, state: PendingState(base: snapshot, layers: [pending.changes]), ledger: ledger)
        }
        guard let header = (try? snapshot.header(number: snapshot.head.number)) ?? nil else {
            throw .corrupt("header of head block \(snapshot.head.number) unreadable")
        }
        return ChainTip(parent: header, state: PendingState(base: snapshot, layers: []), ledger: ledger)
    }

    /// Commits `executed` after the block in flight (only `ChainAppender` hands blocks in);
    /// returns at once with pipelining, else once it is on disk.
    func submit(_ executed: ExecutedBlock) {
        drain()
        let done = DispatchSemaphore(value: 0)
        inFlight = (executed, done)
        queue.async { [self] in
            commitRetrying(executed)
            done.signal()
        }
        if !pipelining { drain() }
    }

    /// Waits for the block in flight, if any.
    public func drain() {
        guard let (_, done) = inFlight else { return }
        done.wait()
        inFlight = nil
    }

    /// Gives up retrying a failing commit (its block is then lost, and logged so), and waits.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        drain()
    }

    private func commitRetrying(_ executed: ExecutedBlock) {
        let block = executed.block
        var wait = retryBackoff.first
        while true {
            let started = ContinuousClock.now
            do {
                try commit(block, executed.receipts, executed.changes)
                published(executed, commitMicros: (ContinuousClock.now - started).microseconds)
                return
            } catch {
                observer.commitFailed()
                guard case .storage? = error as? LedgerError else {
                    // Not the disk: the block itself is wrong, and retrying cannot mend it.
                    logger.critical("commit of block \(block.number) refused: \(error); its \(block.transactions.count) transactions are dropped")
                    return
                }
                if !observer.setCommitFailing(true) {
                    pool.pauseAdmission(because: "the ledger cannot commit (\(error)); retry when the node recovers")
                }
                guard !stopping.load(ordering: .relaxed) else {
                    logger.critical("commit of block \(block.number) failed at shutdown: \(error); its \(block.transactions.count) transactions are lost")
                    return
                }
                logger.error("commit of block \(block.number) failed: \(error); retrying in \(wait)")
                Thread.sleep(forTimeInterval: Double(wait.milliseconds) / 1000)
                wait = min(wait * 2, retryBackoff.longest)
            }
        }
    }

    private func published(_ executed: ExecutedBlock, commitMicros: UInt64) {
        let block = executed.block
        if observer.setCommitFailing(false) {
            pool.resumeAdmission()
            logger.notice("ledger commits again at block \(block.number)")
        }
        recent.add(RecentBlocks.Entry(block: block, receipts: executed.receipts, senders: executed.senders))
        observer.blockCommitted(executed, commitMicros: commitMicros)
        onCommitted(block)
        logger.info("committed block \(block.number): \(block.transactions.count) transactions, \(executed.excluded) excluded, execution \(executed.executionMicros) µs, commit \(commitMicros) µs")
    }
}
