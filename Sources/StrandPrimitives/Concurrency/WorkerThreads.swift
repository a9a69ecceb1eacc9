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
}

private struct Job {
    let count: Int
    let chunkSize: Int
    let body: (Range<Int>) -> Void
}

/// What the pool and its threads share. The threads hold it, not the pool, so that
/// dropping the pool shuts the threads down.
private final class SharedState: @unchecked Sendable {
    private let wakeUps: [DispatchSemaphore]
    private let finished = DispatchSemaphore(value: 0)
    private let nextChunk = Atomic<Int>(0)
    // Written by the submitting thread before the wake-up signals and read by the
    // workers after them; the semaphores order the accesses.
    private var job: Job?
    private var shuttingDown = false

    init(backgroundThreads: Int) {
        wakeUps = (0..<backgroundThreads).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Runs `job` on every thread, the caller's included; returns when all are done.
    func run(_ job: Job) {
        self.job = job
        nextChunk.store(0, ordering: .relaxed)
        for wakeUp in wakeUps { wakeUp.signal() }
        runChunks()
        for _ in wakeUps { finished.wait() }
        self.job = nil
    }

    func shutDown() {
        shuttingDown = true
        for wakeUp in wakeUps { wakeUp.signal() }
    }

    func workerLoop(index: Int) {
        while true {
            wakeUps[index].wait()
            if shuttingDown { return }
            runChunks()
            finished.signal()
        }
    }

    private func runChunks() {
        guard let job else { return }
        while true {
            let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            let start = chunk * job.chunkSize
            if start >= job.count { return }
            job.body(start..<min(start + job.chunkSize, job.count))
        }
    }
}
