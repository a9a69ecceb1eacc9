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
