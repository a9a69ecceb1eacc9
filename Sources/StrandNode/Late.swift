import Synchronization

/// A part made after the parts that call it (the channel port, the subscription hub, both made
/// once the RPC service is): nil until set, then the same for every caller.
final class Late<Part: Sendable>: Sendable {
    private let slot = Mutex<Part?>(nil)

    var value: Part? {
        get { slot.withLock { $0 } }
        set { slot.withLock { $0 = newValue } }
    }
}
