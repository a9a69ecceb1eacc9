import StrandPrimitives
import StrandTypes

/// A block's start state as the executors hand it to each transaction's view: a plain pointer
/// to one box per block, so that copying it, and reading through it, touches no reference count.
///
/// Every thread reads the same state. Held by value in a view, a reader is copied into each
/// view and again around lookups whose memory the optimizer cannot prove unchanged (a view's
/// address escapes into the EVM's state source), and each copy retains the reader's storage
/// (an in-memory state's dictionaries, a snapshot's class): an atomic increment and decrement
/// on a cache line that both cores write, several per transaction. Through the box, a lookup
/// borrows the reader from an immutable field of a reference the caller guarantees alive.
///
/// Valid while `SharedReader.withUnretained`'s body runs.
@usableFromInline
struct UnretainedReader<Reader: StateReader>: StateReader, @unchecked Sendable {
    @usableFromInline let box: Unmanaged<SharedReader<Reader>>

    @inlinable @inline(__always)
    func value(of key: StateKey) -> UInt256 {
        box._withUnsafeGuaranteedRef { $0.reader.value(of: key) }
    }

    @inlinable
    func code(hash: Hash) -> [UInt8]? {
        box._withUnsafeGuaranteedRef { $0.reader.code(hash: hash) }
    }
}

/// The box behind `UnretainedReader`: the reader in an immutable field.
@usableFromInline
final class SharedReader<Reader: StateReader>: @unchecked Sendable {
    @usableFromInline let reader: Reader

    init(_ reader: Reader) { self.reader = reader }

    /// Runs `body` with an unretained reader of `reader`, kept alive until `body` returns.
    static func withUnretained<Result>(_ reader: Reader, _ body: (UnretainedReader<Reader>) -> Result) -> Result {
        let box = SharedReader(reader)
        return withExtendedLifetime(box) { body(UnretainedReader(box: .passUnretained(box))) }
    }
}
