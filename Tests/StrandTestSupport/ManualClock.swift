import StrandPrimitives
import Synchronization

/// A clock that moves only when a test says so: wall and monotonic time advance together.
public final class ManualClock: NodeClock {
    private let elapsed = Mutex<Duration>(.zero)
    private let wallOrigin: UInt64

    /// - Parameter wallMilliseconds: the wall clock's reading at the start.
    public init(wallMilliseconds: UInt64 = 1_800_000_000_000) {
        wallOrigin = wallMilliseconds
    }

    public func advance(by duration: Duration) {
        elapsed.withLock { $0 += duration }
    }

    public func wallMilliseconds() -> UInt64 { wallOrigin + monotonic().milliseconds }

    public func monotonic() -> Duration { elapsed.withLock { $0 } }
}
