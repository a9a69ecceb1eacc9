import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandTxPool
import StrandTypes

/// Checks a block that someone else built against its parent and the chain's rules,
/// executes it, and compares what execution gives with what the header claims. The one
/// path for a replica's proposal, a synced block and a replayed one; the committer then
/// writes what it returns.
///
/// On any refusal nothing has changed: the checks come first and execution writes only
/// into the `ExecutedBlock` it returns.
public struct BlockImporter: Sendable {
    public let chain: ChainConfig
    /// ChainGovernance's committee until it first changes: genesis's governors.
    public var genesisGovernors: [Address] = []
    public let rules: TransactionRules
    public let verifier: SignatureVerifier
    public let executor: ParallelExecutor
    public let feesEnabled: Bool
    public let clock: any NodeClock
    /// How far ahead of this node's clock a block's timestamp may be: clocks of institutions
    /// differ, and a node whose clock is behind must still follow the chain.
    public var maxClockDriftMilliseconds: UInt64 = 60_000
    /// The local pool, whose already-recovered senders spare recovering them again.
    public let pool: TransactionPool?
    /// FISCO's block-limit and random-id rule, as the builder's pool applies it.
    public let replay: ReplayWindow

    public init(chain: ChainConfig, rules: TransactionRules, verifier: SignatureVerifier, executor: ParallelExecutor,
                feesEnabled: Bool, clock: any NodeClock, pool: TransactionPool?, replay: ReplayWindow) {
        self.chain = chain
        self.rules = rules
        self.verifier = verifier
        self.executor = executor
        self.feesEnabled = feesEnabled
        self.clock = clock
        self.pool = pool
        self.replay = replay
    }

    /// Checks the seal against the validators the tip's state holds for the next height, then as
    /// `importBlock`: for sync and replay, where the block is final.
    public func importSealed(_ block: Block, on tip: ChainTip, senders: [Address]? = nil) throws(BlockImportError) -> ExecutedBlock {
        let validators = ConsensusRoster(chain: chain, state: tip.state).validators
        do { try chain.verifySeal(of: block.header, validators: validators) } catch { throw .badSeal(error) }
        return try importBlock(block, on: tip, senders: senders)
    }

    /// Checks the header and body, executes the block on the tip's state, and compares the
    /// receipts root, state root and gas used with the header's.
    ///
    /// - Parameters:
    ///   - senders: the transactions' senders when already recovered (`recoverSenders(of:)`
    ///     for a whole range of blocks at once); recovered here otherwise.
    public func importBlock(_ block: Block, on tip: ChainTip, senders: [Address]? = nil) throws(BlockImportError) -> ExecutedBlock {
        try checkHeader(block, on: tip)
        let recovered: [RecoveredTransaction]
        if let senders, senders.count == block.transactions.count {
            try validate(block.transactions)
            recovered = zip(block.transactions, senders).map { RecoveredTransaction($0, sender: $1) }
        } else {
            recovered = try recoverSenders(block.transactions)
        }
        let header = block.header
        var context = BlockContext(
            number: header.number, timestamp: header.evmTimestamp, sealer: header.sealer, gasLimit: header.gasLimit,
            feesEnabled: feesEnabled, chainID: chain.chainID, blockHash: tip.blockHashes)
        context.genesisValidators = chain.validators
        context.genesisGovernors = genesisGovernors
        context.suite = chain.suite
        let started = ContinuousClock.now
        let result = executor.execute(recovered, on: tip.state, context: context)
        let executionMicros = (ContinuousClock.now - started).microseconds
        if let excluded = result.excluded.first {
            throw .badTransaction(index: excluded.inputIndex, reason: excluded.reason.description)
        }
        let receiptsRoot = Block.receiptsRoot(result.receipts, suite: chain.suite)
        guard receiptsRoot == header.receiptsRoot else {
            throw .receiptsRootMismatch(inHeader: header.receiptsRoot, computed: receiptsRoot)
        }
        let stateRoot = result.changes.stateRoot(after: tip.stateRoot)
        guard stateRoot == header.stateRoot else { throw .stateRootMismatch(inHeader: header.stateRoot, computed: stateRoot) }
        let gasUsed = result.receipts.last?.cumulativeGasUsed ?? 0
        guard gasUsed == header.gasUsed else { throw .gasUsedMismatch(inHeader: header.gasUsed, computed: gasUsed) }
        return ExecutedBlock(block: block, receipts: result.receipts, changes: result.changes, senders: recovered.map(\.sender),
                             executionMicros: executionMicros, excluded: 0)
    }

    /// The rules a header and body must meet before anything runs.
    public func checkHeader(_ block: Block, on tip: ChainTip) throws(BlockImportError) {
        let header = block.header
        guard header.number == tip.number + 1 else { throw .wrongNumber(expected: tip.number + 1, got: header.number) }
        guard header.parentHash == tip.hash else { throw .wrongParent(expected: tip.hash, got: header.parentHash) }
        guard header.timestamp > tip.timestamp else { throw .timestampNotAfterParent(parent: tip.timestamp, got: header.timestamp) }
        let now = clock.wallMilliseconds()
        guard header.timestamp <= now &+ maxClockDriftMilliseconds else { throw .timestampInFuture(now: now, got: header.timestamp) }
        guard header.suite == chain.suite else { throw .wrongSuite(expected: chain.suite, got: header.suite) }
        guard header.gasLimit == chain.blockGasLimit else { throw .wrongGasLimit(expected: chain.blockGasLimit, got: header.gasLimit) }
        // SystemConfig's limits as the parent's state leaves them (genesis's when no governor set them).
        let limits = SystemConfig.Limits(chain: chain, state: tip.state)
        guard block.transactions.count <= limits.txCountLimit else {
            throw .tooManyTransactions(limit: limits.txCountLimit, got: block.transactions.count)
        }
        if let index = block.transactions.firstIndex(where: { $0.content.gasLimit > limits.txGasLimit }) {
            throw .badTransaction(index: index, reason: "gas limit \(block.transactions[index].content.gasLimit) exceeds tx_gas_limit \(limits.txGasLimit)")
        }
        let bodyBytes = block.transactions.reduce(ChainConfig.bodyOverheadBytes) { $0 + ChainConfig.bodyBytes(ofTransaction: $1.encoded.count) }
        guard bodyBytes <= chain.maxBlockBytes else { throw .tooLarge(limit: chain.maxBlockBytes, got: bodyBytes) }
        let transactionsRoot = Block.transactionsRoot(block.transactions, suite: chain.suite)
        guard transactionsRoot == header.transactionsRoot else {
            throw .transactionsRootMismatch(inHeader: header.transactionsRoot, computed: transactionsRoot)
        }
        if let (index, violation) = replay.firstViolation(in: block.transactions, blockNumber: header.number) {
            throw .badTransaction(index: index, reason: "\(violation)")
        }
    }

    /// The senders of every transaction of `blocks`, in one batch; nil for a block with a
    /// signature that recovers no sender (its import then names it).
    public func recoverSenders(of blocks: [Block]) -> [[Address]?] {
        let senders = senders(of: blocks.flatMap(\.transactions))
        var start = 0
        return blocks.map { block in
            defer { start += block.transactions.count }
            let slice = senders[start..<start + block.transactions.count]
            return slice.contains(nil) ? nil : slice.map { $0! }
        }
    }

    /// Each transaction's sender, nil where the signature recovers none. Those the local pool
    /// admitted are known already (a transaction's hash covers its signature); the rest are
    /// recovered in one batch on all cores.
    private func senders(of transactions: [Transaction]) -> [Address?] {
        var senders = pool?.senders(of: transactions.lazy.map(\.hash)) ?? Array(repeating: nil, count: transactions.count)
        let unknown = senders.indices.filter { senders[$0] == nil }
        for (index, outcome) in zip(unknown, verifier.recoverSenders(unknown.map { transactions[$0] })) {
            senders[index] = try? outcome.get().sender
        }
        return senders
    }

    private func validate(_ transactions: [Transaction]) throws(BlockImportError) {
        for (index, tx) in transactions.enumerated() {
            do { try tx.validate(rules) } catch { throw .badTransaction(index: index, reason: "\(error)") }
        }
    }

    private func recoverSenders(_ transactions: [Transaction]) throws(BlockImportError) -> [RecoveredTransaction] {
        try validate(transactions)
        var recovered: [RecoveredTransaction] = []
        recovered.reserveCapacity(transactions.count)
        for (index, (tx, sender)) in zip(transactions, senders(of: transactions)).enumerated() {
            guard let sender else {
                // Recovered again for the reason: a bad signature ends the import anyway.
                do { _ = try tx.recoverSender() } catch { throw .badTransaction(index: index, reason: "\(error)") }
                throw .badTransaction(index: index, reason: "its signature recovers no sender")
            }
            recovered.append(RecoveredTransaction(tx, sender: sender))
        }
        return recovered
    }
}
