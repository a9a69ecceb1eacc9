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
/// was not validated. The engine's buffers are kept between blocks; one block runs at a time.
public final class ParallelExecutor: BlockExecutor, Sendable {
    public let pool: WorkerPool
    private let engine = Mutex(ParallelEngine())

    /// - Parameter threads: worker threads, the caller's included; defaults to the cores.
    public init(threads: Int = WorkerThreads.availableCores) {
        pool = WorkerPool(threads: threads)
    }

    public var threadCount: Int { pool.threadCount }

    public func execute(
        _ transactions: [RecoveredTransaction], on state: some StateReader & Sendable, context: BlockContext
    ) -> BlockExecutionResult {
        // Nothing to schedule; the engine's buffers assume at least one transaction.
        if transactions.isEmpty { return SerialExecutor().execute(transactions, on: state, context: context) }
        let result: BlockExecutionResult?
        if containsContractTransactions(transactions) {
            // Contract code recurses on the native stack: run on a deep-stack thread.
            result = DeepStackThread.ensuring {
                engine.withLock { engine in
                    if engine.speculationPaused > 0 {
                        engine.speculationPaused -= 1
                        var result = SerialExecutor().execute(transactions, on: state, context: context)
                        result.statistics.speculationSkipped = true
                        return result
                    }
                    return SharedReader.withUnretained(state) { reader in
                        engine.executeSpeculatively(transactions, on: reader, context: context, pool: pool)
                    }
                }
            }
        } else {
            result = SharedReader.withUnretained(state) { reader in
                engine.withLock { $0.execute(transactions, on: reader, context: context, pool: pool) }
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
///
/// Transactions and plans are reached through pointers so that each is borrowed in place: a
/// copy would retain and release its arrays, per transaction, on every core.
struct ExecutionStep<Reader: StateReader> {
    let transactions: UnsafePointer<RecoveredTransaction>
    let plans: UnsafePointer<TransactionPlan>
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
        if !sets.knownAccess[i] { return runBarrier(i) }
        let base = i * sets.stride
        var view = SlotView(slots: slots, keys: sets.keys + base, isWrite: sets.isWrite + base, keyIDs: sets.keyIDs + base,
                            startValues: sets.startValues + base, count: Int(sets.accessCounts[i]))
        outcomes[i] = TransactionProcessor.execute(transactions[i], plan: plans[i], view: &view, contracts: contracts)
        violations[i] = view.violated
    }

    /// A barrier runs alone (the DAG orders it after every earlier transaction and before
    /// every later one), so it may touch any key. Out of line: its view's generic metadata is
    /// then looked up for barriers only, not for every transaction.
    @inline(never)
    func runBarrier(_ i: Int) {
        var barrier = BarrierView(reader: reader, slots: slots, lookup: lookup, writes: barrierWrites)
        outcomes[i] = TransactionProcessor.execute(transactions[i], plan: plans[i], view: &barrier, contracts: contracts)
        violations[i] = false
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
