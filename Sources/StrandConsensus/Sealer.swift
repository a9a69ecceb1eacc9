/// When a block is sealed.
public struct SealingPolicy: Sendable, Equatable {
    /// Seal as soon as this many transactions are ready.
    public var maxBlockTransactions: Int
    /// Seal what is ready once this long has passed since the last block.
    public var blockInterval: Duration
    /// Seal nothing when nothing is ready.
    public var skipEmptyBlocks: Bool

    /// 4,000 transactions (FISCO BCOS uses 1,000: larger blocks share each block's fixed costs,
    /// commit, roots and scheduling, measured 0.48 → 0.51 of the recovery rate end to end,
    /// BENCHMARKS.md) or 500 ms, no empty blocks.
    public init(maxBlockTransactions: Int = 4_000, blockInterval: Duration = .milliseconds(500), skipEmptyBlocks: Bool = true) {
        self.maxBlockTransactions = maxBlockTransactions
        self.blockInterval = blockInterval
        self.skipEmptyBlocks = skipEmptyBlocks
    }
}

/// Decides who seals the next block and when. PBFT (a later issue) implements it too.
public protocol Sealer: Sendable {
    var policy: SealingPolicy { get }
    /// Whether to seal now, with `ready` transactions waiting and `elapsed` since the last block.
    func shouldSeal(ready: Int, elapsed: Duration) -> Bool
}

/// The single sealer of a one-node chain: seals on size or time, per its policy.
public struct SoloSealer: Sealer {
    public let policy: SealingPolicy

    public init(policy: SealingPolicy = SealingPolicy()) {
        self.policy = policy
    }

    public func shouldSeal(ready: Int, elapsed: Duration) -> Bool {
        if ready >= policy.maxBlockTransactions { return true }
        guard elapsed >= policy.blockInterval else { return false }
        return ready > 0 || !policy.skipEmptyBlocks
    }
}
