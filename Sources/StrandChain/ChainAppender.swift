import Foundation
import StrandStorage
import StrandTxPool
import StrandTypes
import Synchronization

/// The one door through which every block joins the chain: sealed by the solo driver, decided
/// by PBFT, or served by a peer and imported by sync. Each path takes the tip and appends on it
/// under one lock, so they never race, and a block one path already added is skipped by the
/// others (safety makes it the same block).
///
/// Appending is the one moment for what the next block depends on: the pool forgets the
/// block's transactions and FISCO's replay window records them. What readers see follows when
/// the block is on disk, in one place too (`BlockCommitter`: recent blocks, metrics, the
/// announcement to consensus and peers).
public final class ChainAppender: @unchecked Sendable {
    public let committer: BlockCommitter
    private let lock = NSLock()
    /// The chain's height, blocks in commit included, for readers on any thread.
    private let tipHeight: Atomic<UInt64>

    public init(committer: BlockCommitter) {
        self.committer = committer
        tipHeight = Atomic(committer.ledger.head.number)
    }

    public var height: UInt64 { tipHeight.load(ordering: .acquiring) }

    public func tip() throws(LedgerError) -> ChainTip {
        lock.lock()
        defer { lock.unlock() }
        return try committer.tip()
    }

    /// Runs `makeBlock` on the tip and submits what it returns (nil: nothing to add).
    /// Returns the chain's height afterwards. A tip that cannot be read (the ledger fails)
    /// adds nothing.
    @discardableResult
    public func extend<E: Error>(_ makeBlock: (ChainTip) throws(E) -> ExecutedBlock?) throws(E) -> UInt64 {
        var unreadable: LedgerError?
        return try extend(tipUnreadable: &unreadable, makeBlock)
    }

    /// As `extend(_:)`, and says why the tip could not be read, for a caller that acts on it.
    @discardableResult
    public func extend<E: Error>(tipUnreadable: inout LedgerError?,
                                 _ makeBlock: (ChainTip) throws(E) -> ExecutedBlock?) throws(E) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let tip: ChainTip
        do { tip = try committer.tip() } catch {
            tipUnreadable = error
            return tipHeight.load(ordering: .relaxed)
        }
        guard let executed = try makeBlock(tip) else { return tip.number }
        let recovered = zip(executed.block.transactions, executed.senders).map { RecoveredTransaction($0, sender: $1) }
        committer.pool.removeCommitted(recovered, block: executed.block.number, accounts: tip.state.adding(executed.changes))
        // Before the next block is built on this one, which the replay rule must see.
        committer.pool.replay.record(blockNumber: executed.block.number, transactions: executed.block.transactions)
        committer.submit(executed)
        tipHeight.store(executed.block.number, ordering: .releasing)
        return executed.block.number
    }

    /// Adds a block executed earlier (a decided proposal), if it still extends the tip. False
    /// when the chain already has it (sync was faster).
    public func append(_ executed: ExecutedBlock) -> Bool {
        var added = false
        extend { (tip: ChainTip) -> ExecutedBlock? in
            guard executed.block.number == tip.number + 1, executed.block.header.parentHash == tip.hash else { return nil }
            added = true
            return executed
        }
        return added
    }
}
