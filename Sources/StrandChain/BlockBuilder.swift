import StrandExecution
import StrandPrimitives
import StrandTxPool
import StrandTypes

/// Builds the block this node proposes: selects ready transactions from the pool, executes
/// them on the tip's state and assembles the header with every root. The solo driver seals
/// what it builds; under PBFT the leader proposes it.
public struct BlockBuilder: Sendable {
    public let chain: ChainConfig
    /// ChainGovernance's committee until it first changes: genesis's governors.
    public var genesisGovernors: [Address] = []
    public let pool: TransactionPool
    public let executor: ParallelExecutor
    /// The proposer's account: the header's sealer, paid the fees when fees are on.
    public let proposer: Address
    /// Most transactions this node puts in a block: its sealing policy's, within the chain's limit.
    public let maxTransactions: Int
    public let feesEnabled: Bool
    public let observer: any ChainObserver

    public init(chain: ChainConfig, pool: TransactionPool, executor: ParallelExecutor, proposer: Address, maxTransactions: Int,
                feesEnabled: Bool, observer: any ChainObserver) {
        self.chain = chain
        self.pool = pool
        self.executor = executor
        self.proposer = proposer
        self.maxTransactions = maxTransactions
        self.feesEnabled = feesEnabled
        self.observer = observer
    }

    /// The next block on `tip`, stamped `wallMilliseconds` (or just after the parent, if the
    /// clock is behind it); nil when nothing could be included. Those execution excluded for
    /// good leave the pool; included ones stay until the block joins the chain
    /// (`ChainAppender`), since a PBFT proposal may yet fail.
    public func build(on tip: ChainTip, wallMilliseconds: UInt64) -> ExecutedBlock? {
        let limits = SystemConfig.Limits(chain: chain, state: tip.state)
        var candidates = pool.select(limit: min(maxTransactions, limits.txCountLimit), gasLimit: chain.blockGasLimit,
                                     blockNumber: tip.number + 1, accounts: tip.state)
        // Asking for more gas than a governor now allows: never includable while that stands.
        let overLimit = candidates.filter { $0.transaction.content.gasLimit > limits.txGasLimit }
        if !overLimit.isEmpty {
            pool.remove(overLimit.map(\.transaction.hash))
            observer.transactionsExcluded(overLimit.count)
            candidates.removeAll { $0.transaction.content.gasLimit > limits.txGasLimit }
        }
        candidates.removeSubrange(Self.prefixFitting(candidates, maxBytes: chain.maxBlockBytes)...)
        guard !candidates.isEmpty else { return nil }
        let timestamp = max(wallMilliseconds, tip.timestamp + 1)
        var context = BlockContext(
            number: tip.number + 1, timestamp: timestamp / 1000, sealer: proposer, gasLimit: chain.blockGasLimit,
            feesEnabled: feesEnabled, chainID: chain.chainID, blockHash: tip.blockHashes)
        context.genesisValidators = chain.validators
        context.genesisGovernors = genesisGovernors
        context.suite = chain.suite
        let started = ContinuousClock.now
        let result = executor.execute(candidates, on: tip.state, context: context)
        let executionMicros = (ContinuousClock.now - started).microseconds
        pool.remove(result.excluded.map(\.hash))
        observer.transactionsExcluded(result.excluded.count)
        guard !result.included.isEmpty else { return nil }
        let block = Block.assemble(
            number: context.number, parentHash: tip.hash, parentStateRoot: tip.stateRoot, timestamp: timestamp,
            sealer: proposer, gasLimit: chain.blockGasLimit, transactions: result.included.map(\.transaction),
            receipts: result.receipts, changes: result.changes, suite: chain.suite)
        return ExecutedBlock(block: block, receipts: result.receipts, changes: result.changes, senders: result.included.map(\.sender),
                             executionMicros: executionMicros, excluded: result.excluded.count)
    }

    /// How many of `candidates`, from the first, fit a body of `maxBytes` (a sender's later
    /// nonces that do not fit wait for the next block).
    public static func prefixFitting(_ candidates: [RecoveredTransaction], maxBytes: Int) -> Int {
        var bytes = ChainConfig.bodyOverheadBytes
        for (index, tx) in candidates.enumerated() {
            bytes += ChainConfig.bodyBytes(ofTransaction: tx.transaction.encoded.count)
            if bytes > maxBytes { return index }
        }
        return candidates.count
    }
}
