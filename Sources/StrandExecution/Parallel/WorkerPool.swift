import StrandPrimitives
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs the transactions of a DAG on a fixed set of OS threads.
///
/// Transactions with no predecessor are claimed from one atomic counter. Finishing a
/// transaction decrements its successors' atomic in-degrees; the worker that brings one to
/// zero runs it next itself, so a chain of conflicts stays on one core with no hand-off.
/// Only when one transaction releases several does the extra go to a shared ready queue
/// (a short lock). There is no `Task` per transaction and no lock on the common path.
///
/// Initially ready transactions are claimed chunk by chunk of the planning: each thread first
/// runs those of the chunks it planned, whose plans and access sets its caches still hold,
/// then takes what is left of the others'.
public final class WorkerPool: Sendable {
    let threads: WorkerThreads

    /// - Parameter threads: worker threads, the caller's included; defaults to the cores.
    public init(threads: Int = WorkerThreads.availableCores) {
        self.threads = WorkerThreads(parallelism: threads)
    }

    public var threadCount: Int { threads.parallelism }

    /// Calls `body` once for each transaction of `dag`, never before its predecessors have
    /// returned; returns the time workers spent idle, summed. `plannedChunks` says which
    /// thread planned which transactions; without it, every thread takes from the same list.
    func run(_ dag: TxDAG, count: Int, plannedChunks: PlannedChunks? = nil, _ body: (Int) -> Void) -> UInt64 {
        guard count > 0 else { return 0 }
        let run = Run(dag: dag, count: count, plannedChunks: plannedChunks)
        defer { run.deallocate() }
        let idle = Atomic<UInt64>(0)
        threads.onEveryThread { thread in
            idle.wrappingAdd(run.work(thread: thread, body), ordering: .relaxed)
        }
        return idle.load(ordering: .relaxed)
    }
}

/// Which thread (`WorkerThreads.onEveryThread`'s index) planned each chunk of `size`
/// consecutive transactions of a block.
struct PlannedChunks {
    let size: Int
    let planners: UnsafePointer<UInt8>
}

/// One block's scheduling state, shared by the workers.
private final class Run: @unchecked Sendable {
    let count: Int
    let inDegree: UnsafeMutablePointer<Atomic<Int32>>
    let successorStart: UnsafeMutablePointer<Int32>
    let successors: UnsafeMutablePointer<Int32>
    /// The initially ready transactions, in block order.
    let initial: [Int32]
    /// Chunk c's initially ready transactions are `initial[chunkStarts[c]..<chunkStarts[c + 1]]`.
    let chunkStarts: [Int]
    /// The next unclaimed position in `initial` of each chunk.
    let cursors: UnsafeMutablePointer<Atomic<Int>>
    let planners: UnsafePointer<UInt8>?
    let completed = Atomic<Int>(0)
    let queued = Atomic<Int>(0)
    let queue = Mutex<[Int32]>([])

    var chunkCount: Int { chunkStarts.count - 1 }

    init(dag: TxDAG, count: Int, plannedChunks: PlannedChunks?) {
        self.count = count
        inDegree = .allocate(capacity: count)
        let chunkSize = plannedChunks?.size ?? count
        var initial: [Int32] = []
        var chunkStarts: [Int] = []
        for i in 0..<count {
            if i % chunkSize == 0 { chunkStarts.append(initial.count) }
            let degree = dag.inDegree[i]
            (inDegree + i).initialize(to: Atomic(degree))
            if degree == 0 { initial.append(Int32(i)) }
        }
        chunkStarts.append(initial.count)
        self.initial = initial
        self.chunkStarts = chunkStarts
        planners = plannedChunks?.planners
        cursors = .allocate(capacity: chunkStarts.count - 1)
        for c in 0..<(chunkStarts.count - 1) { (cursors + c).initialize(to: Atomic(chunkStarts[c])) }
        successorStart = dag.successorStart.base
        successors = dag.successors.base
    }

    func deallocate() {
        inDegree.deinitialize(count: count)
        inDegree.deallocate()
        cursors.deinitialize(count: chunkCount)
        cursors.deallocate()
    }

    /// Initially ready transactions are claimed this many at a time, so that neighbours in
    /// the block, whose slots and outcomes sit side by side in memory, run on one core.
    static let claimBatch = 16

    /// One worker's progress through the initially ready transactions.
    struct Claims {
        /// The chunks this thread planned, and how many of them it has emptied.
        var own: [Int]
        var ownDone = 0
        /// Where the search of the others' chunks goes on; every chunk is empty once it wraps.
        var stealNext: Int
        var stolenFrom = 0
        var batch = 0..<0
    }

    func claims(for thread: Int) -> Claims {
        let own = planners.map { planners in (0..<chunkCount).filter { Int(planners[$0]) == thread } } ?? []
        return Claims(own: own, stealNext: own.first ?? 0)
    }

    /// Up to `claimBatch` unclaimed initial positions of chunk c.
    private func take(from c: Int) -> Range<Int> {
        let end = chunkStarts[c + 1]
        guard cursors[c].load(ordering: .relaxed) < end else { return 0..<0 }
        let start = cursors[c].wrappingAdd(Self.claimBatch, ordering: .relaxed).oldValue
        return min(start, end)..<min(start + Self.claimBatch, end)
    }

    /// A ready transaction, or -1 if none is ready now.
    private func claim(_ claims: inout Claims) -> Int32 {
        while claims.batch.isEmpty && claims.ownDone < claims.own.count {
            claims.batch = take(from: claims.own[claims.ownDone])
            if claims.batch.isEmpty { claims.ownDone += 1 }
        }
        while claims.batch.isEmpty && claims.stolenFrom < chunkCount {
            claims.batch = take(from: claims.stealNext)
            if claims.batch.isEmpty {
                claims.stealNext = (claims.stealNext + 1) % chunkCount
                claims.stolenFrom += 1
            }
        }
        if let i = claims.batch.popFirst() { return initial[i] }
        if queued.load(ordering: .acquiring) > 0 {
            return queue.withLock { queue in
                guard let tx = queue.popLast() else { return -1 }
                queued.wrappingSubtract(1, ordering: .releasing)
                return tx
            }
        }
        return -1
    }

    /// One worker's loop; returns its idle nanoseconds.
    ///
    /// Completions are counted locally and published only when the worker runs out of
    /// work: a shared counter bumped per transaction would bounce its cache line between
    /// cores on every transaction. All workers are done when the published count reaches
    /// `count`, which can only happen once every worker has published.
    func work(thread: Int, _ body: (Int) -> Void) -> UInt64 {
        var idle: UInt64 = 0
        var claims = claims(for: thread)
        var unpublished = 0
        while true {
            var tx = claim(&claims)
            if tx < 0 {
                if unpublished > 0 {
                    completed.wrappingAdd(unpublished, ordering: .releasing)
                    unpublished = 0
                }
                let start = ContinuousClock.now
                var spins = 0
                while tx < 0 && completed.load(ordering: .acquiring) < count {
                    spins += 1
                    if spins > 64 { sched_yield() }
                    tx = claim(&claims)
                }
                idle += (ContinuousClock.now - start).nanoseconds
                if tx < 0 { return idle }
            }
            while tx >= 0 {
                body(Int(tx))
                var next: Int32 = -1
                for s in Int(successorStart[Int(tx)])..<Int(successorStart[Int(tx) + 1]) {
                    let successor = successors[s]
                    // Acquire what the other predecessors wrote; release what this one wrote.
                    if inDegree[Int(successor)].wrappingSubtract(1, ordering: .acquiringAndReleasing).oldValue == 1 {
                        if next < 0 {
                            next = successor
                        } else {
                            queue.withLock { $0.append(successor) }
                            queued.wrappingAdd(1, ordering: .releasing)
                        }
                    }
                }
                unpublished += 1
                tx = next
            }
        }
    }
}
