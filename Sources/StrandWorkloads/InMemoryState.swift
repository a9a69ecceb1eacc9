import StrandPrimitives
import StrandTypes

/// A state held in memory: for tests, benchmarks and tools. Safe to read from many threads.
public struct InMemoryState: StateReader, Sendable {
    public private(set) var values: [StateKey: UInt256]
    public private(set) var code: [Hash: [UInt8]]

    public init(_ values: [StateKey: UInt256] = [:], code: [Hash: [UInt8]] = [:]) {
        self.values = values.filter { !$0.value.isZero }
        self.code = code
    }

    public func value(of key: StateKey) -> UInt256 { values[key] ?? .zero }

    public func code(hash: Hash) -> [UInt8]? { code[hash] }

    /// Applies a block's changes, as the ledger would.
    public mutating func apply(_ changes: StateChanges) {
        for entry in changes.entries {
            values[entry.key] = entry.value.isZero ? nil : entry.value
        }
        code.merge(changes.code) { old, _ in old }
    }
}
