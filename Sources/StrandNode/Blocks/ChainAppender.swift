import Foundation
import StrandStorage
import StrandTxPool
import StrandTypes
import Synchronization

/// The one door to the committer when two paths extend the chain: the consensus driver
/// (blocks it decided) and sync (sealed blocks peers serve). Each takes the tip and submits
/// on it under one lock, so the two never race, and a block one path already added is
/// skipped by the other (safety makes it the same block).
final class ChainAppender: @unchecked Sendable {
    let committer: BlockCommitter
    private let lock = NSLock()
    /// The chain's height, blocks in commit included, for readers on any thread.
    private let tipHeight: Atomic<UInt64>

    init(committer: BlockCommitter) {
        self.committer = committer
        tipHeight = Atomic(committer.ledger.head.number)
    }

    var height: UInt64 { tipHeight.load(ordering: .acquiring) }

    func tip() throws(LedgerError) -> ChainTip {
        lock.lock()
        defer { lock.unlock() }
        return try committer.tip()
    }

    /// Runs `makeBlock` on the tip and submits what it returns (nil: nothing to add).
    /// Returns the chain's height afterwards.
    @discardableResult
    func extend<E: Error>(_ makeBlock: (ChainTip) throws(E) -> ExecutedBlock?) throws(E) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let tip: ChainTip
        do { tip = try committer.tip() } catch {
            return tipHeight.load(ordering: .relaxed)
        }
        guard let executed = try makeBlock(tip) else { return tip.number }
        committer.submit(executed)
        tipHeight.store(executed.block.number, ordering: .releasing)
        return executed.block.number
    }

    /// Adds a decided block executed earlier, if it still extends the tip; its transactions
    /// leave the pool. False when the chain already has it (sync was faster).
    func appendDecided(_ executed: ExecutedBlock, pool: TransactionPool) -> Bool {
        var added = false
        extend { (tip: ChainTip) -> ExecutedBlock? in
            guard executed.block.number == tip.number + 1, executed.block.header.parentHash == tip.hash else { return nil }
            let recovered = zip(executed.block.transactions, executed.senders).map { RecoveredTransaction($0, sender: $1) }
            pool.removeCommitted(recovered, accounts: tip.state.adding(executed.changes))
            added = true
            return executed
        }
        return added
    }
}
