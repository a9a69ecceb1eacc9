/// What the chain reports as it works, for the node's metrics: the chain knows no metrics
/// backend. Called from the builder's and the committer's threads.
public protocol ChainObserver: Sendable {
    /// Transactions execution left out of a block for good (they also left the pool).
    func transactionsExcluded(_ count: Int)
    /// A block is on disk: its transactions, its execution and commit times.
    func blockCommitted(_ executed: ExecutedBlock, commitMicros: UInt64)
    /// A commit attempt failed.
    func commitFailed()
    /// Whether commits fail now; returns what it was before.
    @discardableResult
    func setCommitFailing(_ failing: Bool) -> Bool
}
