import StrandPrimitives
import StrandTypes
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The parallel engine: plans a block, builds its DAG and executes along it, keeping every
/// buffer a block needs between blocks so that steady state allocates little.
struct ParallelEngine: ~Copyable {
    static let stride = AccessSetBuilder.capacity
    /// Contract blocks still to run serially, without speculation (see `executeSpeculatively`).
    var speculationPaused = 0
    /// Transactions planned per claim, and added to the DAG per step.
    static let planChunk = 256

    var plans: [TransactionPlan] = []
    var outcomes: [TransactionOutcome] = []
    // The access sets' memory (see `AccessSets`).
    let keys = ScratchBuffer<StateKey>()
    let keyHashes = ScratchBuffer<UInt64>()
    let keyPositions = ScratchBuffer<Int32>()
    let keyIDs = ScratchBuffer<Int32>()
    let isWrite = ScratchBuffer<Bool>()
    let startValues = ScratchBuffer<UInt256>()
    let lastValues = ScratchBuffer<UInt256>()
    let accessCounts = ScratchBuffer<UInt8>()
    let knownAccess = ScratchBuffer<Bool>()
    /// Written for every transaction it runs.
    let violations = ScratchBuffer<Bool>()
    /// The speculative runs of a contract block; all nil between blocks.
    var speculationBuffer: [Speculation?] = []
    /// One per key of the block, cleared in parallel at the start of execution.
    let slots = ScratchBuffer<Slot>()
    let keyIndex = KeyIndex()
    /// The thread (`WorkerThreads.onEveryThread`'s index) that planned each chunk of the block:
    /// that thread runs the chunk's ready transactions first (`WorkerPool.run`).
    let chunkPlanners = ScratchBuffer<UInt8>()
    /// The chunk size of the last planning, for `chunkPlanners`.
    var plannedChunkSize = ParallelEngine.planChunk
    /// The last block's accesses per transaction, rounded up: the next block's key index is
    /// sized for at least as many keys.
    var accessesPerTransactionSeen = 0
    let dag = TxDAG()

    /// The block's result, or nil if a transaction left its access set.
    mutating func execute<Reader: StateReader & Sendable>(
        _ transactions: [RecoveredTransaction], on state: Reader, context: BlockContext, pool: WorkerPool
    ) -> BlockExecutionResult? {
        let count = transactions.count
        var statistics = ExecutionStatistics()
        var stopwatch = Stopwatch()

        // 1 and 2. Plan on every thread; whichever thread comes first also builds the DAG,
        // chunk by chunk, right behind the planners (and plans itself when it catches up).
        let fits = blockGasLimitFits(transactions, gasLimit: context.gasLimit)
        let feesEnabled = context.feesEnabled, suite = context.suite
        let sets = prepare(count, stride: Self.stride)
        let contracts = ContractContext(block: context, reader: state)
        let freezes = contracts.freezes, anyFrozen = !freezes.isEmpty
        planAndBuildDAG(
            count: count, sets: sets, chunkSize: Self.planChunk, expectedKeysPerTransaction: 3, pool: pool,
            statistics: &statistics
        ) { i, plans in
            plans[i] = TransactionPlan(transactions[i], feesEnabled: feesEnabled, withinBlockGasLimit: fits[i],
                                       frozen: anyFrozen ? freezes.status(of: transactions[i]) : nil, suite: suite)
            sets.record(plans[i], of: transactions[i], at: i, reader: state)
        }
        statistics.planningNanoseconds = stopwatch.lap() - statistics.dagBuildNanoseconds

        return executeAlongDAG(transactions, on: state, context: context, pool: pool, sets: sets,
                               contracts: contracts, statistics: statistics)
    }

    /// Steps 1 and 2: `planOne` stores each transaction's plan and records its access set in
    /// `sets`, on every thread, chunk by chunk; each planner then interns its chunk's keys into
    /// the shared key index. The first thread to arrive builds the DAG right behind the
    /// planners, in block order, planning itself when it catches up. Records the builder's time
    /// and the DAG's shape in `statistics`.
    mutating func planAndBuildDAG(
        count: Int, sets: AccessSets, chunkSize: Int, expectedKeysPerTransaction: Int, pool: WorkerPool,
        statistics: inout ExecutionStatistics, planOne: (Int, UnsafeMutablePointer<TransactionPlan>) -> Void
    ) {
        keyIndex.reset(expectedKeys: count * max(expectedKeysPerTransaction, accessesPerTransactionSeen))
        dag.begin(count: count, stride: sets.stride)
        let chunkCount = (count + chunkSize - 1) / chunkSize
        let planned = UnsafeMutablePointer<Atomic<Bool>>.allocate(capacity: max(chunkCount, 1))
        for c in 0..<chunkCount { (planned + c).initialize(to: Atomic(false)) }
        defer { planned.deinitialize(count: chunkCount); planned.deallocate() }
        let nextChunk = Atomic<Int>(0)
        let builderTaken = Atomic<Bool>(false)
        let dagNanoseconds = Atomic<UInt64>(0)
        // Each chunk reserves room in the index for all its accesses before interning them, so
        // that the table, which cannot grow while shared, never fills past its limit; a chunk
        // that finds no room leaves the whole block to be interned again by the builder.
        let keyRoom = KeyIndex.concurrentLoadLimit(capacity: keyIndex.capacity)
        let accessesReserved = Atomic<Int>(0)
        let overflowed = Atomic<Bool>(false)
        let (dag, keyIndex) = (dag, keyIndex)
        chunkPlanners.reserve(chunkCount)
        plannedChunkSize = chunkSize
        let planners = chunkPlanners.base
        func addToDAG(_ range: Range<Int>) {
            dag.add(range, keyPositions: sets.keyPositions, keyIDs: sets.keyIDs, isWrite: sets.isWrite,
                    accessCounts: sets.accessCounts, knownAccess: sets.knownAccess)
        }
        plans.withUnsafeMutableBufferPointer { plans in
            let plans = plans.baseAddress!
            func planChunk(_ chunk: Int, on thread: Int) {
                planners[chunk] = UInt8(truncatingIfNeeded: thread)
                let transactions = (chunk * chunkSize)..<min((chunk + 1) * chunkSize, count)
                var accesses = 0
                for i in transactions {
                    planOne(i, plans)
                    for a in sets.range(of: i) {
                        sets.keyHashes[a] = sets.keys[a].mixedHash
                        sets.keyIDs[a] = -1
                        keyIndex.prefetchForInterning(hash: sets.keyHashes[a])
                    }
                    accesses += Int(sets.accessCounts[i])
                }
                if accessesReserved.wrappingAdd(accesses, ordering: .relaxed).newValue <= keyRoom {
                    for i in transactions {
                        for a in sets.range(of: i) {
                            sets.keyPositions[a] = keyIndex.internConcurrently(
                                sets.keys[a], hash: sets.keyHashes[a], position: a, in: sets.keys)
                        }
                    }
                } else {
                    overflowed.store(true, ordering: .relaxed)
                }
                planned[chunk].store(true, ordering: .releasing)
            }
            pool.threads.onEveryThread { thread in
                guard builderTaken.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
                    while case let c = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue, c < chunkCount { planChunk(c, on: thread) }
                    return
                }
                for c in 0..<chunkCount {
                    while !planned[c].load(ordering: .acquiring) {
                        let next = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                        if next < chunkCount { planChunk(next, on: thread) } else { sched_yield() }
                    }
                    if overflowed.load(ordering: .relaxed) { continue }
                    let start = ContinuousClock.now
                    addToDAG((c * chunkSize)..<min((c + 1) * chunkSize, count))
                    dagNanoseconds.wrappingAdd((ContinuousClock.now - start).nanoseconds, ordering: .relaxed)
                }
                let start = ContinuousClock.now
                if overflowed.load(ordering: .relaxed) {
                    // More keys than the index was sized for: intern them all here, growing it.
                    keyIndex.reset(expectedKeys: accessesReserved.load(ordering: .relaxed))
                    for i in 0..<count {
                        for a in sets.range(of: i) {
                            sets.keyIDs[a] = -1
                            sets.keyPositions[a] = keyIndex.intern(sets.keys[a], hash: sets.keyHashes[a], position: a,
                                                                   in: sets.keys).position
                        }
                    }
                    dag.begin(count: count, stride: sets.stride)
                    addToDAG(0..<count)
                }
                dag.finish()
                dagNanoseconds.wrappingAdd((ContinuousClock.now - start).nanoseconds, ordering: .relaxed)
            }
        }
        let accesses = accessesReserved.load(ordering: .relaxed)
        accessesPerTransactionSeen = count == 0 ? 0 : (accesses + count - 1) / count
        statistics.dagBuildNanoseconds = dagNanoseconds.load(ordering: .relaxed)
        statistics.edgeCount = dag.edgeCount
        statistics.criticalPathLength = dag.criticalPathLength
        statistics.maximumWidth = dag.maximumWidth
    }

    /// Steps 3 and 4: runs the planned transactions along the DAG, then finishes the block;
    /// nil if a transaction left its access set. `reusable` holds the speculative runs to keep;
    /// when every transaction has one, the scheduler is skipped.
    mutating func executeAlongDAG<Reader: StateReader & Sendable>(
        _ transactions: [RecoveredTransaction], on state: Reader, context: BlockContext, pool: WorkerPool,
        sets: AccessSets, contracts: ContractContext, statistics: ExecutionStatistics,
        reusable: UnsafeMutableBufferPointer<Speculation?> = UnsafeMutableBufferPointer(start: nil, count: 0),
        everyTransactionReused: Bool = false
    ) -> BlockExecutionResult? {
        let count = transactions.count
        var statistics = statistics
        var stopwatch = Stopwatch()
        // 3. Execute.
        let barrierWrites = BarrierWrites()
        let slotCount = dag.keyCount
        slots.reserve(slotCount)
        let slots = slots.base
        // Megabytes to clear for a large block: on all cores.
        pool.threads.parallelFor(slotCount, chunkSize: 8_192) { range in
            (slots + range.lowerBound).update(repeating: Slot(), count: range.count)
        }
        let violations = violations.base
        outcomes.withUnsafeMutableBufferPointer { outcomes in
            plans.withUnsafeBufferPointer { plans in transactions.withUnsafeBufferPointer { transactions in
                let step = ExecutionStep(
                    transactions: transactions.baseAddress!, plans: plans.baseAddress!, reusable: reusable, reader: state, contracts: contracts,
                    sets: sets, slots: slots, outcomes: outcomes.baseAddress!, violations: violations,
                    lookup: KeyLookup(index: keyIndex, keys: sets.keys, keyIDs: sets.keyIDs), barrierWrites: barrierWrites)
                if everyTransactionReused {
                    // Nothing left to run (a conflict-free contract block): results only need
                    // writing, in any order, as no two share a written key.
                    pool.threads.parallelFor(count, chunkSize: 64) { range in
                        for i in range { step.applySpeculation(i) }
                    }
                } else {
                    let planners = PlannedChunks(size: plannedChunkSize, planners: chunkPlanners.base)
                    statistics.workerIdleNanoseconds = pool.run(dag, count: count, plannedChunks: planners) { step.run($0) }
                }
            } }
        }
        let violated = (0..<count).contains { violations[$0] }
        statistics.executionNanoseconds = stopwatch.lap()
        if violated { return nil }

        // 4. Finish.
        let finisher = outcomes.withUnsafeMutableBufferPointer { BlockFinisher(transactions, outcomes: $0, workers: pool.threads) }
        var final = FinalView(reader: state, lookup: KeyLookup(index: keyIndex, keys: sets.keys, keyIDs: sets.keyIDs),
                              positionsByID: dag.positionsByID.base, slots: slots, slotCount: slotCount,
                              extra: barrierWrites.values)
        finisher.creditFees(to: context.sealer, view: &final)
        let entries = final.sortedWrites(workers: pool.threads)
        let changes = StateChanges(sortedEntries: entries, code: contracts.deployedCode, suite: context.suite, workers: pool.threads)
        statistics.finalizationNanoseconds = stopwatch.lap()
        return BlockExecutionResult(included: finisher.included, receipts: finisher.receipts,
                                    excluded: finisher.excluded, changes: changes, statistics: statistics)
    }

    /// Sizes the per-transaction buffers for `count` transactions with access sets of up to
    /// `stride` keys, keeping capacity; the access sets' memory is written before it is read.
    mutating func prepare(_ count: Int, stride: Int) -> AccessSets {
        Self.fit(&plans, count, .placeholder)
        Self.fit(&outcomes, count, TransactionOutcome(status: nil))
        keys.reserve(count * stride)
        keyHashes.reserve(count * stride)
        keyPositions.reserve(count * stride)
        keyIDs.reserve(count * stride)
        isWrite.reserve(count * stride)
        startValues.reserve(count * stride)
        lastValues.reserve(count * stride)
        accessCounts.reserve(count)
        knownAccess.reserve(count)
        violations.reserve(count)
        return AccessSets(stride: stride, keys: keys.base, keyHashes: keyHashes.base, keyPositions: keyPositions.base,
                          keyIDs: keyIDs.base, isWrite: isWrite.base,
                          startValues: startValues.base, lastValues: lastValues.base,
                          accessCounts: accessCounts.base, knownAccess: knownAccess.base)
    }

    static func fit<T>(_ array: inout [T], _ count: Int, _ filler: T) {
        if array.count > count { array.removeLast(array.count - count) }
        if array.count < count { array.append(contentsOf: repeatElement(filler, count: count - array.count)) }
    }
}
