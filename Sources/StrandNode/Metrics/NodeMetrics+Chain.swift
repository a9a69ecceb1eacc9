import StrandChain

extension NodeMetrics: ChainObserver {
    public func transactionsExcluded(_ count: Int) { excluded.increment(by: Int64(count)) }

    public func blockCommitted(_ executed: ExecutedBlock, commitMicros: UInt64) {
        let block = executed.block
        committed.increment(by: Int64(block.transactions.count))
        blockHeight.record(Int64(block.number))
        blockTransactions.record(Int64(block.transactions.count))
        blockExecution.recordMicroseconds(executed.executionMicros)
        blockCommit.recordMicroseconds(commitMicros)
    }
}
