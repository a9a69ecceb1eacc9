import StrandPrimitives
import StrandTypes

/// Executes a block's transactions (senders already recovered) on top of a state.
///
/// Every implementation must give the same result for the same input, bit for bit: the
/// same included transactions, receipts and state changes, hence the same state root.
public protocol BlockExecutor {
    /// - Parameter state: the state at the start of the block; read concurrently by parallel executors.
    func execute(_ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext)
        -> BlockExecutionResult
}

/// Turns per-transaction outcomes, in block order, into receipts, the included and
/// excluded lists and the sealer's fee credit. Shared by every executor.
struct BlockFinisher {
    var included: [RecoveredTransaction] = []
    var receipts: [Receipt] = []
    var excluded: [ExcludedTransaction] = []
    var fees = UInt256.zero
    private var cumulativeGas: UInt64 = 0

    init(capacity: Int) {
        included.reserveCapacity(capacity)
        receipts.reserveCapacity(capacity)
    }

    mutating func add(_ tx: RecoveredTransaction, inputIndex: Int, outcome: TransactionOutcome) {
        guard let status = outcome.status else {
            excluded.append(ExcludedTransaction(inputIndex: inputIndex, hash: tx.transaction.hash, reason: outcome.exclusion!))
            return
        }
        cumulativeGas += outcome.gasUsed
        receipts.append(Receipt(
            status: status, gasUsed: outcome.gasUsed, cumulativeGasUsed: cumulativeGas, logs: outcome.logs,
            contractAddress: outcome.contractAddress, transactionHash: tx.transaction.hash,
            transactionIndex: UInt32(included.count), output: outcome.output))
        included.append(tx)
        fees = fees &+ outcome.fee
    }

    /// The finisher of a whole block at once: a serial pass for positions, cumulative gas,
    /// exclusions and fees, then receipts and the included list built on all threads. Each
    /// included outcome is moved into its receipt (its slot is left holding an empty outcome),
    /// so that no output or log array is retained and released again.
    init(_ transactions: [RecoveredTransaction], outcomes: UnsafeMutableBufferPointer<TransactionOutcome>, workers: WorkerThreads) {
        var position = [Int32](repeating: -1, count: transactions.count)
        var cumulative = [UInt64](repeating: 0, count: transactions.count)
        var includedCount = 0
        for i in transactions.indices {
            guard outcomes[i].status != nil else {
                excluded.append(ExcludedTransaction(inputIndex: i, hash: transactions[i].transaction.hash, reason: outcomes[i].exclusion!))
                continue
            }
            cumulativeGas += outcomes[i].gasUsed
            cumulative[i] = cumulativeGas
            position[i] = Int32(includedCount)
            includedCount += 1
            fees = fees &+ outcomes[i].fee
        }
        included = [RecoveredTransaction](unsafeUninitializedCapacity: includedCount) { includedBuffer, includedInitialized in
            receipts = [Receipt](unsafeUninitializedCapacity: includedCount) { receiptBuffer, receiptsInitialized in
                let (includedOut, receiptsOut) = (includedBuffer, receiptBuffer)
                workers.parallelFor(transactions.count, chunkSize: 256) { range in
                    for i in range where position[i] >= 0 {
                        let slot = Int(position[i])
                        let outcome = (outcomes.baseAddress! + i).move()
                        (outcomes.baseAddress! + i).initialize(to: TransactionOutcome(status: nil))
                        (includedOut.baseAddress! + slot).initialize(to: transactions[i])
                        (receiptsOut.baseAddress! + slot).initialize(to: Receipt(
                            status: outcome.status!, gasUsed: outcome.gasUsed, cumulativeGasUsed: cumulative[i],
                            logs: outcome.logs, contractAddress: outcome.contractAddress,
                            transactionHash: transactions[i].transaction.hash, transactionIndex: UInt32(slot),
                            output: outcome.output))
                    }
                }
                receiptsInitialized = includedCount
            }
            includedInitialized = includedCount
        }
    }

    /// Credits the block's fees to the sealer, an additive write after every transaction,
    /// so that no transaction depends on the sealer's balance.
    func creditFees<View: StateAccess>(to sealer: Address, view: inout View) {
        guard !fees.isZero else { return }
        let key = StateKey.balance(sealer)
        view.write(key, view.read(key) &+ fees)
    }
}

/// Executes transactions one after another, on one thread: the baseline that parallel
/// execution is measured against and must agree with.
///
/// Keys are interned into dense slots on first touch (`KeyIndex`), as the parallel executor
/// does, so that the two differ only in scheduling; the tests check both against a plain
/// dictionary-based oracle.
public struct SerialExecutor: BlockExecutor {
    public init() {}

    public func execute(
        _ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext
    ) -> BlockExecutionResult {
        // Read as the parallel executor reads (`UnretainedReader`): the two differ only in scheduling.
        SharedReader.withUnretained(state) { reader in
            guard containsContractTransactions(transactions) else { return executeHere(transactions, on: reader, context: context) }
            // Contract code recurses on the native stack: run on a deep-stack thread.
            return DeepStackThread.ensuring { executeHere(transactions, on: reader, context: context) }
        }
    }

    private func executeHere(
        _ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext
    ) -> BlockExecutionResult {
        let clock = ContinuousClock()
        let start = clock.now
        var view = InterningView(reader: state, expectedKeys: transactions.count * 3)
        var finisher = BlockFinisher(capacity: transactions.count)
        let fits = blockGasLimitFits(transactions, gasLimit: context.gasLimit)
        let contracts = ContractContext(block: context, reader: state)
        // The usual block has no frozen account: the set is not even touched then.
        let freezes = contracts.freezes, anyFrozen = !freezes.isEmpty
        for index in transactions.indices {
            let plan = TransactionPlan(transactions[index], feesEnabled: context.feesEnabled, withinBlockGasLimit: fits[index],
                                       frozen: anyFrozen ? freezes.status(of: transactions[index]) : nil, suite: context.suite)
            finisher.add(transactions[index], inputIndex: index,
                         outcome: TransactionProcessor.execute(transactions[index], plan: plan, view: &view, contracts: contracts))
        }
        finisher.creditFees(to: context.sealer, view: &view)
        let executed = clock.now
        let changes = StateChanges(sortedEntries: StateKey.sorted(view.writtenEntries), code: contracts.deployedCode, suite: context.suite)
        var statistics = ExecutionStatistics()
        statistics.executionNanoseconds = (executed - start).nanoseconds
        statistics.finalizationNanoseconds = (clock.now - executed).nanoseconds
        statistics.criticalPathLength = transactions.count
        statistics.maximumWidth = transactions.isEmpty ? 0 : 1
        return BlockExecutionResult(included: finisher.included, receipts: finisher.receipts,
                                    excluded: finisher.excluded, changes: changes, statistics: statistics)
    }
}

/// Reads through to the block's start state unless the block wrote the key; every key gets
/// a dense slot on first touch.
///
/// Inlinable for the reason `SlotView` is.
@usableFromInline
struct InterningView<Reader: StateReader>: StateAccess {
    @usableFromInline let reader: Reader
    @usableFromInline let keyIndex = KeyIndex()
    /// The key of each slot (the index's positions are slot ids).
    @usableFromInline let keys = ScratchBuffer<StateKey>()
    @usableFromInline var slots: [Slot] = []

    init(reader: Reader, expectedKeys: Int) {
        self.reader = reader
        keyIndex.reset(expectedKeys: expectedKeys)
        keys.reserve(expectedKeys)
        slots.reserveCapacity(expectedKeys)
    }

    @inlinable
    mutating func slot(_ key: StateKey) -> Int {
        let (id, isNew) = keyIndex.intern(key, hash: key.mixedHash, position: slots.count, in: keys.base)
        if isNew {
            if Int(id) == keys.capacity { keys.reserve(Int(id) + 1, keeping: Int(id)) }
            keys[Int(id)] = key
            slots.append(Slot(value: reader.value(of: key), loaded: true, written: false))
        }
        return Int(id)
    }

    @inlinable
    mutating func read(_ key: StateKey) -> UInt256 {
        slots[slot(key)].value
    }

    @inlinable
    mutating func write(_ key: StateKey, _ value: UInt256) {
        let id = slot(key)
        slots[id].value = value
        slots[id].written = true
    }

    /// Every written key with its final value, unsorted.
    var writtenEntries: [(key: StateKey, value: UInt256)] {
        slots.indices.compactMap { id in slots[id].written ? (keys[id], slots[id].value) : nil }
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        UInt64(components.seconds) * 1_000_000_000 + UInt64(components.attoseconds / 1_000_000_000)
    }
}
