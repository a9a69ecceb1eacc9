import StrandPrimitives
import StrandTypes

/// What a transaction sees of the state while it runs: reads fall through to the block's
/// start state unless the block already wrote the key; writes stay in the block.
///
/// Generic rather than existential, so that each executor's view is specialised into the
/// transaction code.
public protocol StateAccess {
    /// The value at `key`; zero when absent.
    mutating func read(_ key: StateKey) -> UInt256
    /// Sets `key` to `value` (zero deletes it at commit).
    mutating func write(_ key: StateKey, _ value: UInt256)
}
