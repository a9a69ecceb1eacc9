import Dispatch
import StrandPrimitives
import Synchronization

/// The thread a driver runs its loop on: woken by events (repeated wake-ups coalesce, none is
/// lost), sleeping up to a deadline in between, stopped with a join. A deep-stack thread:
/// contract code recurses on the native stack.
final class DriverThread: Sendable {
    private let wakeup = DispatchSemaphore(value: 0)
    private let wakeupPending = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)

    var isRunning: Bool { running.load(ordering: .relaxed) }

    func wake() {
        if !wakeupPending.exchange(true, ordering: .acquiringAndReleasing) { wakeup.signal() }
    }

    /// Runs `loop` on a new thread; `loop` returns once `isRunning` turns false.
    func start(_ loop: @escaping @Sendable () -> Void) {
        running.store(true, ordering: .relaxed)
        DeepStackThread.start { [self] in
            loop()
            stopped.signal()
        }
    }

    /// Asks the loop to end and waits until it has; false if it was not running.
    @discardableResult
    func stop() -> Bool {
        guard running.exchange(false, ordering: .relaxed) else { return false }
        wake()
        stopped.wait()
        return true
    }

    /// Sleeps until woken, or until `timeout` has passed (nil: no limit).
    func sleep(upTo timeout: Duration?) {
        if let timeout {
            _ = wakeup.wait(timeout: .now() + .microseconds(Int(clamping: max(timeout, .zero).microseconds)))
        } else {
            wakeup.wait()
        }
        wakeupPending.store(false, ordering: .releasing)
    }
}
