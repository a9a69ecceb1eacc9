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
public final class WorkerPool: Sendable {
    let threads: WorkerThreads

    /// - Parameter threads: worker threads, the caller's included; defaults to the cores.
    public init(threads: Int = WorkerThreads.availableCores) {
        self.threads = WorkerThreads(parallelism: threads)
    }

    public var threadCount: Int { threads.parallelism }

    /// Calls `body` once for each transaction of `dag`, never before its predecessors have
    /// returned; returns the time workers spent idle, summed.
    func run(_ dag: TxDAG, count: Int, _ body: (Int) -> Void) -> UInt64 {
        guard count > 0 else { return 0 }
        let run = Run(dag: dag, count: count)
        defer { run.deallocate() }
        let idle = Atomic<UInt64>(0)
        threads.parallelFor(threads.parallelism, chunkSize: 1) { _ in
            idle.wrappingAdd(run.work(body), ordering: .relaxed)
        }
        return idle.load(ordering: .relaxed)
    }
}

/// One block's scheduling state, shared by the workers.
private final class Run: @unchecked Sendable {
    let count: Int
    let inDegree: UnsafeMutablePointer<Atomic<Int32>>
    let successorStart: UnsafeMutablePointer<Int32>
    let successors: UnsafeMutablePointer<Int32>
    let initial: [Int32]
    let nextInitial = Atomic<Int>(0)
    let completed = Atomic<Int>(0)
    let queued = Atomic<Int>(0)
    let queue = Mutex<[Int32]>([])

    init(dag: TxDAG, count: Int) {
        self.count = count
        inDegree = .allocate(capacity: count)
        var initial: [Int32] = []
        for i in 0..<count {
            let degree = dag.inDegree[i]
            (inDegree + i).initialize(to: Atomic(degree))
            if degree == 0 { initial.append(Int32(i)) }
        }
        self.initial = initial
        successorStart = dag.successorStart.base
        successors = dag.successors.base
    }

    func deallocate() {
        inDegree.deinitialize(count: count)
        inDegree.deallocate()
    }

    /// Initially ready transactions are claimed this many at a time, so that neighbours in
    /// the block, whose slots and outcomes sit side by side in memory, run on one core.
    static let claimBatch = 16

    /// A ready transaction, or -1 if none is ready now.
    private func claim(_ batch: inout Range<Int>) -> Int32 {
        if batch.isEmpty && nextInitial.load(ordering: .relaxed) < initial.count {
            let start = nextInitial.wrappingAdd(Self.claimBatch, ordering: .relaxed).oldValue
            batch = min(start, initial.count)..<min(start + Self.claimBatch, initial.count)
        }
        if let i = batch.popFirst() { return initial[i] }
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
    func work(_ body: (Int) -> Void) -> UInt64 {
        var idle: UInt64 = 0
        var batch = 0..<0
        var unpublished = 0
        while true {
            var tx = claim(&batch)
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
                    tx = claim(&batch)
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
