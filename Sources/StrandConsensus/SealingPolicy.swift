/// When a validator seals a block from its pool: on size or on time. Pure: the solo driver asks it
/// after every event and carries out the decision; a PBFT leader builds its proposal by the same
/// sizes and interval.
public struct SealingPolicy: Sendable, Equatable {
    /// Seal as soon as this many transactions are ready (or fewer, when their gas fills a block).
    public var maxBlockTransactions: Int
    /// Seal what is ready once this long has passed since the last block.
    public var blockInterval: Duration
    /// Seal nothing when nothing is ready.
    public var skipEmptyBlocks: Bool

    /// 4,000 transactions (FISCO BCOS uses 1,000: larger blocks share each block's fixed costs;
    /// BENCHMARKS.md has the measurement) or 200 ms, no empty blocks. Under a load the chain
    /// keeps up with, the interval is most of a transaction's latency (FISCO's 500 ms put p99
    /// past it); a loaded chain seals full blocks at once whatever the interval, and an idle one
    /// seals nothing, so a short one costs few blocks.
    public static let defaultBlockInterval: Duration = .milliseconds(200)

    public init(maxBlockTransactions: Int = 4_000, blockInterval: Duration = defaultBlockInterval, skipEmptyBlocks: Bool = true) {
        self.maxBlockTransactions = maxBlockTransactions
        self.blockInterval = blockInterval
        self.skipEmptyBlocks = skipEmptyBlocks
    }

    public enum Decision: Sendable, Equatable {
        /// Build and seal a block now.
        case seal
        /// Ask again after this long, or sooner when transactions arrive.
        case wait(Duration)
        /// Ask again when transactions arrive.
        case waitForTransactions
    }

    /// - Parameters:
    ///   - ready: transactions waiting in the pool.
    ///   - sinceLastAttempt: time since the last block, or since the last attempt that found
    ///     nothing to include (so that unready transactions do not make the driver spin).
    ///   - fillsBlock: the ready transactions' gas fills a block (`TransactionPool.pending`):
    ///     the block will be as large as it can be, and waiting for the interval would only
    ///     leave the chain idle with a block's worth queued (the last of a burst, say).
    public func decide(ready: Int, sinceLastAttempt elapsed: Duration, fillsBlock: Bool = false) -> Decision {
        if ready >= maxBlockTransactions || (fillsBlock && ready > 0) { return .seal }
        if ready == 0 && skipEmptyBlocks { return .waitForTransactions }
        return elapsed >= blockInterval ? .seal : .wait(blockInterval - elapsed)
    }
}
