import StrandPrimitives
import StrandTypes
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Executes a block on all cores along its conflict DAG, with the same result as
/// `SerialExecutor`, bit for bit, for any number of threads.
///
/// 1. Plan (parallel): decode each transaction's call and write its access set into flat
///    buffers, with each key's value in the start state.
/// 2. Build the DAG (serial, O(total keys)); each distinct key gets a dense id and a slot.
///    The planners intern their keys into one shared `KeyIndex` as they go, so that the
///    builder never hashes or compares a key: one thread builds the DAG chunk by chunk right
///    behind the others' planning.
/// 3. Execute (parallel, `WorkerPool`): a transaction reads and writes only the slots of
///    its own access set, a slot taking its planned start value on first touch. Conflicting
///    transactions are ordered by the DAG, so no slot is ever touched by two at once.
/// 4. Finish: receipts in block order, the sealer's fees, the written slots sorted (in
///    parallel) into `StateChanges`, encoded and hashed chunk by chunk on all cores.
///
/// If a transaction touches a key outside its access set (a planning bug, or a speculative
/// set that was wrong), the block is executed again serially: no result is returned that
/// was not validated. Buffers are kept between blocks; one block runs at a time.
public final class ParallelExecutor: BlockExecutor, Sendable {
    public let pool: WorkerPool
    private let buffers = Mutex(Buffers())

    /// - Parameter threads: worker threads, the caller's included; defaults to the cores.
    public init(threads: Int = WorkerThreads.availableCores) {
        pool = WorkerPool(threads: threads)
    }

    public var threadCount: Int { pool.threadCount }

    public func execute(
        _ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext
    ) -> BlockExecutionResult {
        let result: BlockExecutionResult?
        if containsContractTransactions(transactions) {
            // Contract code recurses on the native stack: run on a deep-stack thread.
            result = DeepStackThread.ensuring {
                buffers.withLock { buffers in
                    if buffers.speculationPaused > 0 {
                        buffers.speculationPaused -= 1
                        var result = SerialExecutor().execute(transactions, on: state, context: context)
                        result.statistics.speculationSkipped = true
                        return result
                    }
                    return SharedReader.withUnretained(state) { reader in
                        buffers.executeSpeculatively(transactions, on: reader, context: context, pool: pool)
                    }
                }
            }
        } else {
            result = SharedReader.withUnretained(state) { reader in
                buffers.withLock { $0.execute(transactions, on: reader, context: context, pool: pool) }
            }
        }
        return result ?? {
            var result = SerialExecutor().execute(transactions, on: state, context: context)
            result.statistics.reexecutedSerially = true
            return result
        }()
    }
}

/// Step 3 for one transaction: run it through its window on the block's slots, or write back
/// its speculative run when that run is its run.
private struct ExecutionStep<Reader: StateReader> {
    let transactions: [RecoveredTransaction]
    let plans: UnsafeBufferPointer<TransactionPlan>
    /// Speculative runs to keep (nil: run the transaction); each is moved out when applied.
    let reusable: UnsafeMutableBufferPointer<Speculation?>
    let reader: Reader
    let contracts: ContractContext
    let sets: AccessSets
    let slots: UnsafeMutablePointer<Slot>
    let outcomes: UnsafeMutablePointer<TransactionOutcome>
    let violations: UnsafeMutablePointer<Bool>
    let lookup: KeyLookup
    let barrierWrites: BarrierWrites

    func run(_ i: Int) {
        if i < reusable.count, reusable[i] != nil { return applySpeculation(i) }
        if !sets.knownAccess[i] {
            // A barrier runs alone (the DAG orders it after every earlier transaction and before
            // every later one), so it may touch any key.
            var barrier = BarrierView(reader: reader, slots: slots, lookup: lookup, writes: barrierWrites)
            outcomes[i] = TransactionProcessor.execute(transactions[i], plan: plans[i], view: &barrier, contracts: contracts)
            violations[i] = false
            return
        }
        let base = i * sets.stride
        var view = SlotView(slots: slots, keys: sets.keys + base, isWrite: sets.isWrite + base, keyIDs: sets.keyIDs + base,
                            startValues: sets.startValues + base, count: Int(sets.accessCounts[i]))
        outcomes[i] = TransactionProcessor.execute(transactions[i], plan: plans[i], view: &view, contracts: contracts)
        violations[i] = view.violated
    }

    /// The speculative run's written values go straight into their slots (the set is in the
    /// run's order), and its outcome is the transaction's.
    func applySpeculation(_ i: Int) {
        for a in sets.range(of: i) where sets.isWrite[a] {
            slots[Int(sets.keyIDs[a])] = Slot(value: sets.lastValues[a], loaded: true, written: true)
        }
        let speculation = reusable[i].take()!
        contracts.deploy(speculation.outcome.deployedCode)
        outcomes[i] = speculation.outcome
        violations[i] = false
    }
}

/// What barrier transactions wrote to keys no other transaction of the block declared.
@usableFromInline
final class BarrierWrites: @unchecked Sendable {
    /// Touched only by barriers, which run alone.
    @usableFromInline var values: [StateKey: UInt256] = [:]
}

/// The block's keys by value, for the views that may touch any key: a barrier's, the finisher's.
@usableFromInline
struct KeyLookup {
    @usableFromInline let index: KeyIndex
    /// The planners' access sets, where the index's keys sit, and each entry's key id.
    @usableFromInline let keys: UnsafePointer<StateKey>
    @usableFromInline let keyIDs: UnsafePointer<Int32>

    /// The slot of `key`, if an access set of the block holds it.
    @inlinable
    func id(of key: StateKey) -> Int? {
        guard let position = index.lookup(key, hash: key.mixedHash, in: keys) else { return nil }
        return Int(keyIDs[Int(position)])
    }
}

/// A barrier transaction's view: every key, through the block's slots where the key has one,
/// else through `BarrierWrites` and the start state.
@usableFromInline
struct BarrierView<Reader: StateReader>: StateAccess {
    @usableFromInline let reader: Reader
    @usableFromInline let slots: UnsafeMutablePointer<Slot>
    @usableFromInline let lookup: KeyLookup
    @usableFromInline let writes: BarrierWrites

    @inlinable
    mutating func read(_ key: StateKey) -> UInt256 {
        if let id = lookup.id(of: key) { return (slots + id).value(of: key, loadingFrom: reader) }
        return writes.values[key] ?? reader.value(of: key)
    }

    @inlinable
    mutating func write(_ key: StateKey, _ value: UInt256) {
        if let id = lookup.id(of: key) {
            slots[id] = Slot(value: value, loaded: true, written: true)
        } else {
            writes.values[key] = value
        }
    }
}

/// One transaction's slot: the key's value as this block has it so far.
@usableFromInline
struct Slot: BitwiseCopyable {
    @usableFromInline var value = UInt256.zero
    @usableFromInline var loaded = false
    @usableFromInline var written = false

    @inlinable
    init(value: UInt256 = .zero, loaded: Bool = false, written: Bool = false) {
        self.value = value
        self.loaded = loaded
        self.written = written
    }
}

extension UnsafeMutablePointer where Pointee == Slot {
    /// The slot's value, read from the block's start state on first touch.
    @inlinable @inline(__always)
    func value<Reader: StateReader>(of key: StateKey, loadingFrom reader: Reader) -> UInt256 {
        if !pointee.loaded {
            pointee.value = reader.value(of: key)
            pointee.loaded = true
        }
        return pointee.value
    }
}

/// Everything a block needs, kept between blocks so that steady state allocates little.
struct Buffers: ~Copyable {
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
        let feesEnabled = context.feesEnabled
        let sets = prepare(count, stride: Self.stride)
        planAndBuildDAG(
            count: count, sets: sets, chunkSize: Self.planChunk, expectedKeysPerTransaction: 3, pool: pool,
            statistics: &statistics
        ) { i, plans in
            plans[i] = TransactionPlan(transactions[i], feesEnabled: feesEnabled, withinBlockGasLimit: fits[i])
            sets.record(plans[i], of: transactions[i], at: i, reader: state)
        }
        statistics.planningNanoseconds = stopwatch.lap() - statistics.dagBuildNanoseconds

        let contracts = ContractContext(block: context, reader: state)
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
        func addToDAG(_ range: Range<Int>) {
            dag.add(range, keyPositions: sets.keyPositions, keyIDs: sets.keyIDs, isWrite: sets.isWrite,
                    accessCounts: sets.accessCounts, knownAccess: sets.knownAccess)
        }
        plans.withUnsafeMutableBufferPointer { plans in
            let plans = plans.baseAddress!
            func planChunk(_ chunk: Int) {
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
            pool.threads.parallelFor(pool.threadCount, chunkSize: 1) { _ in
                guard builderTaken.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
                    while case let c = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue, c < chunkCount { planChunk(c) }
                    return
                }
                for c in 0..<chunkCount {
                    while !planned[c].load(ordering: .acquiring) {
                        let next = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                        if next < chunkCount { planChunk(next) } else { sched_yield() }
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
            plans.withUnsafeBufferPointer { plans in
                let step = ExecutionStep(
                    transactions: transactions, plans: plans, reusable: reusable, reader: state, contracts: contracts,
                    sets: sets, slots: slots, outcomes: outcomes.baseAddress!, violations: violations,
                    lookup: KeyLookup(index: keyIndex, keys: sets.keys, keyIDs: sets.keyIDs), barrierWrites: barrierWrites)
                if everyTransactionReused {
                    // Nothing left to run (a conflict-free contract block): results only need
                    // writing, in any order, as no two share a written key.
                    pool.threads.parallelFor(count, chunkSize: 64) { range in
                        for i in range { step.applySpeculation(i) }
                    }
                } else {
                    statistics.workerIdleNanoseconds = pool.run(dag, count: count) { step.run($0) }
                }
            }
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
        let changes = StateChanges(sortedEntries: entries, code: contracts.deployedCode, workers: pool.threads)
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

/// A transaction's window on the block's slots: only the keys of its access set, each loaded
/// on first touch from the start value its planner read.
///
/// It never reads the state itself: a reader stored in a view is copied on every call, and
/// the copy bumps reference counts that every core shares. `@usableFromInline` with
/// `@inlinable` accessors, as every view is, so that modules specialising the executor by
/// cross-module optimisation call them directly rather than through a witness table.
@usableFromInline
struct SlotView: StateAccess {
    @usableFromInline let slots: UnsafeMutablePointer<Slot>
    @usableFromInline let keys: UnsafePointer<StateKey>
    @usableFromInline let isWrite: UnsafePointer<Bool>
    @usableFromInline let keyIDs: UnsafePointer<Int32>
    @usableFromInline let startValues: UnsafePointer<UInt256>
    @usableFromInline let count: Int
    /// Set when the transaction touched a key outside its access set, or wrote one it
    /// declared read-only; the executor then discards the parallel result.
    @usableFromInline var violated = false

    init(slots: UnsafeMutablePointer<Slot>, keys: UnsafePointer<StateKey>, isWrite: UnsafePointer<Bool>,
         keyIDs: UnsafePointer<Int32>, startValues: UnsafePointer<UInt256>, count: Int) {
        self.slots = slots
        self.keys = keys
        self.isWrite = isWrite
        self.keyIDs = keyIDs
        self.startValues = startValues
        self.count = count
    }

    @inlinable @inline(__always)
    func entry(_ key: StateKey) -> Int? {
        for j in 0..<count where keys[j] == key { return j }
        return nil
    }

    @inlinable
    mutating func read(_ key: StateKey) -> UInt256 {
        guard let j = entry(key) else {
            // The result is discarded: any value serves.
            violated = true
            return .zero
        }
        let slot = slots + Int(keyIDs[j])
        if !slot.pointee.loaded {
            slot.pointee.value = startValues[j]
            slot.pointee.loaded = true
        }
        return slot.pointee.value
    }

    @inlinable
    mutating func write(_ key: StateKey, _ value: UInt256) {
        guard let j = entry(key), isWrite[j] else {
            violated = true
            return
        }
        slots[Int(keyIDs[j])] = Slot(value: value, loaded: true, written: true)
    }
}

/// The block's state after every transaction, for the serial finishing steps.
struct FinalView<Reader: StateReader>: StateAccess {
    let reader: Reader
    let lookup: KeyLookup
    /// Where each slot's key sits in the access sets.
    let positionsByID: UnsafePointer<Int32>
    let slots: UnsafeMutablePointer<Slot>
    let slotCount: Int
    /// Writes to keys no transaction touched (e.g. the sealer's balance).
    var extra: [StateKey: UInt256] = [:]

    mutating func read(_ key: StateKey) -> UInt256 {
        if let id = lookup.id(of: key), slots[id].loaded { return slots[id].value }
        return extra[key] ?? reader.value(of: key)
    }

    mutating func write(_ key: StateKey, _ value: UInt256) {
        if let id = lookup.id(of: key) {
            slots[id] = Slot(value: value, loaded: true, written: true)
        } else {
            extra[key] = value
        }
    }

    /// Every written key with its final value, sorted by key: each thread collects and sorts
    /// a range of the slots, then the sorted parts are merged on all threads.
    func sortedWrites(workers: WorkerThreads) -> [WrittenEntry] {
        let partCount = min(workers.parallelism, max(1, slotCount / 4096))
        var parts = [[WrittenEntry]](repeating: [], count: partCount)
        parts.withUnsafeMutableBufferPointer { partsBuffer in
            let partsOut = partsBuffer
            workers.parallelFor(partCount, chunkSize: 1) { range in
                for part in range {
                    let bounds = (part * slotCount / partCount)..<((part + 1) * slotCount / partCount)
                    var entries: [WrittenEntry] = []
                    entries.reserveCapacity(bounds.count)
                    for id in bounds where slots[id].written { entries.append((lookup.keys[Int(positionsByID[id])], slots[id].value)) }
                    if part == 0 { for (key, value) in extra { entries.append((key, value)) } }
                    partsOut[part] = StateKey.sorted(entries)
                }
            }
        }
        return mergeSortedParts(parts, workers: workers)
    }
}

/// Wall time in laps: each `lap()` returns the nanoseconds since the previous one.
struct Stopwatch {
    private var mark = ContinuousClock.now

    mutating func lap() -> UInt64 {
        let now = ContinuousClock.now
        defer { mark = now }
        return (now - mark).nanoseconds
    }
}
