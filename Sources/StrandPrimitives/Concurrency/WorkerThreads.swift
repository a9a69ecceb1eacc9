import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A fixed set of OS threads that run data-parallel loops: `parallelFor` splits a range
/// into chunks that the threads (and the caller) claim from one atomic counter.
///
/// Threads are started once and sleep between jobs, so a batch costs two wake-ups, not a
/// thread or a `Task` per item. One job runs at a time; concurrent callers queue.
public final class WorkerThreads: Sendable {
    /// Threads that work on a job, the calling thread included.
    public let parallelism: Int

    private let shared: SharedState
    private let jobLock = Mutex(())

    /// The number of cores online.
    public static var availableCores: Int {
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Starts `parallelism - 1` background threads; the caller of `parallelFor` is the last one.
    public init(parallelism: Int = WorkerThreads.availableCores) {
        precondition(parallelism >= 1, "WorkerThreads needs at least one thread")
        self.parallelism = parallelism
        shared = SharedState(backgroundThreads: parallelism - 1)
        for index in 0..<(parallelism - 1) {
            DeepStackThread.start { [shared] in shared.workerLoop(index: index) }
        }
    }

    /// Lets the background threads finish; they exit at their next wake-up.
    deinit {
        shared.shutDown()
    }

    /// Calls `body` on consecutive chunks of `0..<count`, on all threads, and returns when
    /// every chunk is done. `body` must be safe to call concurrently on disjoint ranges.
    ///
    /// - Parameter chunkSize: items per claim; larger amortises the atomic, smaller balances load.
    public func parallelFor(_ count: Int, chunkSize: Int = 16, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunkSize = max(1, chunkSize)
        if parallelism == 1 || count <= chunkSize {
            body(0..<count)
            return
        }
        jobLock.withLock { _ in
            withoutActuallyEscaping(body) { body in
                shared.run(Job(count: count, chunkSize: chunkSize, body: body))
            }
        }
    }

    /// Calls `body` once on every thread, the caller's included, each with its own index:
    /// the caller is 0, the background threads 1 ..< `parallelism`, the same in every job.
    /// Work that one job splits by thread can so be continued in the next job on the core
    /// whose caches hold what it wrote. Returns when every thread is done.
    public func onEveryThread(_ body: (_ thread: Int) -> Void) {
        if parallelism == 1 { return body(0) }
        jobLock.withLock { _ in
            withoutActuallyEscaping(body) { body in
                shared.run(Job(count: 0, chunkSize: 1, body: { _ in }, perThread: body))
            }
        }
    }
}

private struct Job {
    let count: Int
    let chunkSize: Int
    let body: (Range<Int>) -> Void
    /// Set for `onEveryThread`: called once per thread instead of claiming chunks.
    var perThread: ((Int) -> Void)? = nil
}

/// What the pool and its threads share. The threads hold it, not the pool, so that
/// dropping the pool shuts the threads down.
///
/// A job is announced by bumping `epoch`. An idle worker polls it for `spinTime`
/// before it sleeps on its semaphore: a block runs several jobs back to back, microseconds
/// apart, and a futex wake-up costs tens of microseconds on a virtual machine. A worker going
/// to sleep and a submitter waking it meet on the worker's `sleeping` flag (both sides write,
/// then read the other's variable, sequentially consistent), so no wake-up is lost and no
/// signal is left over.
private final class SharedState: @unchecked Sendable {
    static let spinTime = Duration.microseconds(50)

    private let workerCount: Int
    private let wakeUps: [DispatchSemaphore]
    private let sleeping: UnsafeMutablePointer<Atomic<Bool>>
    private let epoch = Atomic<Int>(0)
    private let unfinished = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let shuttingDown = Atomic<Bool>(false)
    // Written by the submitting thread before `epoch` is bumped and read by the workers
    // after they see it bumped.
    private var job: Job?

    init(backgroundThreads: Int) {
        workerCount = backgroundThreads
        wakeUps = (0..<backgroundThreads).map { _ in DispatchSemaphore(value: 0) }
        sleeping = .allocate(capacity: max(backgroundThreads, 1))
        for i in 0..<backgroundThreads { (sleeping + i).initialize(to: Atomic(false)) }
    }

    deinit {
        sleeping.deinitialize(count: workerCount)
        sleeping.deallocate()
    }

    /// Runs `job` on every thread, the caller's included; returns when all are done.
    func run(_ job: Job) {
        self.job = job
        nextChunk.store(0, ordering: .relaxed)
        unfinished.store(workerCount, ordering: .relaxed)
        announce()
        runChunks(thread: 0)
        var polls = 0
        while unfinished.load(ordering: .acquiring) > 0 {
            polls += 1
            if polls > 1_000 { sched_yield() }
        }
        self.job = nil
    }

    func shutDown() {
        shuttingDown.store(true, ordering: .sequentiallyConsistent)
        announce()
    }

    private func announce() {
        epoch.wrappingAdd(1, ordering: .sequentiallyConsistent)
        for i in 0..<workerCount where sleeping[i].exchange(false, ordering: .sequentiallyConsistent) {
            wakeUps[i].signal()
        }
    }

    func workerLoop(index: Int) {
        var seen = 0
        while true {
            seen = waitForEpoch(after: seen, index: index)
            if shuttingDown.load(ordering: .sequentiallyConsistent) { return }
            runChunks(thread: index + 1)
            unfinished.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// Polls, then sleeps, until `epoch` moves past `seen`; returns its new value.
    ///
    /// A wake-up does not prove a new job: a submitter still walking its announcement loop
    /// (preempted in it, say) can find this worker asleep again after it already ran that job,
    /// and signal it. Only a moved `epoch` ends the wait, or the worker would run the job twice
    /// and count itself finished twice, letting `run` return while others are still in it.
    private func waitForEpoch(after seen: Int, index: Int) -> Int {
        let started = ContinuousClock.now
        var polls = 0
        while true {
            let current = epoch.load(ordering: .acquiring)
            if current != seen { return current }
            polls += 1
            guard polls % 64 == 0, ContinuousClock.now - started > Self.spinTime else { continue }
            sleeping[index].store(true, ordering: .sequentiallyConsistent)
            if epoch.load(ordering: .sequentiallyConsistent) != seen {
                // A job came meanwhile. If the submitter already saw this worker asleep, its
                // signal is on the way: take it, so that none is left for a later sleep.
                if !sleeping[index].exchange(false, ordering: .sequentiallyConsistent) { wakeUps[index].wait() }
            } else {
                wakeUps[index].wait()
            }
            // Back to the top: a stale wake-up leaves `epoch` at `seen`, and the worker sleeps again.
        }
    }

    private func runChunks(thread: Int) {
        guard let job else { return }
        if let perThread = job.perThread { return perThread(thread) }
        while true {
            let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            let start = chunk * job.chunkSize
            if start >= job.count { return }
            job.body(start..<min(start + job.chunkSize, job.count))
        }
    }
}
