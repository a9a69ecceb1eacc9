import Foundation

/// Where a node reads time: block timestamps from the wall clock, timers from a monotonic
/// one. Injected, so that tests and the consensus simulator run on a clock they advance
/// (`ManualClock` in the test support library); nothing below the node reads `Date()`.
public protocol NodeClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func wallMilliseconds() -> UInt64
    /// Time since an arbitrary fixed origin; never goes back.
    func monotonic() -> Duration
}

/// The operating system's clocks.
public struct SystemClock: NodeClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func wallMilliseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }

    public func monotonic() -> Duration {
        ContinuousClock.now - origin
    }
}

extension Duration {
    /// Whole microseconds, zero for a negative duration.
    public var microseconds: UInt64 {
        UInt64(max(0, components.seconds)) * 1_000_000 + UInt64(max(0, components.attoseconds) / 1_000_000_000_000)
    }

    /// Whole milliseconds, zero for a negative duration.
    public var milliseconds: UInt64 { microseconds / 1000 }
}

/// Another clock's wall time shifted by a fixed offset, its monotonic time unchanged: a node
/// whose clock is wrong, for fault tests (`STRAND_TEST_CLOCK_OFFSET_MS`).
public struct OffsetClock: NodeClock {
    public let base: any NodeClock
    public let offsetMilliseconds: Int64

    public init(_ base: any NodeClock, offsetMilliseconds: Int64) {
        self.base = base
        self.offsetMilliseconds = offsetMilliseconds
    }

    public func wallMilliseconds() -> UInt64 {
        UInt64(max(0, Int64(clamping: base.wallMilliseconds()) &+ offsetMilliseconds))
    }

    public func monotonic() -> Duration { base.monotonic() }
}
