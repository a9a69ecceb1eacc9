import StrandEVM
import StrandPrimitives
import StrandTypes

/// A contract transaction run against the block's start state, to learn its access set.
///
/// The set goes straight into the planner's buffers for the transaction (`AccessRecord`): the
/// keys it read and wrote, each key's start value and last value in the run, plus the storage
/// keys of its EIP-2930 access list as reads (a hint for paths the start state did not take).
/// The set is an assumption: execution along the DAG checks every access against it, and the
/// block is run again serially if any falls outside. Where nothing earlier in the block writes
/// a key of the set, the transaction sees exactly the start state, so the run's result is its
/// result and it is not run again.
struct Speculation: Sendable {
    /// The run's result, valid as the real one when nothing before the transaction in the
    /// block writes a key it touched and its nonce was due at the block's start.
    var outcome: TransactionOutcome
    var nonceWasDue: Bool
    /// Keys recorded, or nil when the set did not fit the record: the transaction is then a
    /// barrier, and this run's result is never used.
    var keyCount: Int?

    /// Runs `tx` against the block's start state; code it deploys stays in `outcome`.
    init<Reader: StateReader>(_ tx: RecoveredTransaction, plan: TransactionPlan, reader: Reader, contracts: ContractContext,
                              record: AccessRecord) {
        var view = RecordingView(reader: reader, record: record)
        // A creation that `_sys_tables_` refuses is no contract run: the block's run says so.
        let refused = !TransactionProcessor.mayDeploy(tx, view: &view, blockNumber: contracts.environment.number)
        outcome = refused ? TransactionOutcome(status: .noDeployPermission)
            : ContractCall.execute(tx, plan: plan, view: &view, contracts: contracts, speculative: true)
        for entry in tx.transaction.content.accessList {
            for slot in entry.storageKeys { view.hint(.storage(entry.address, slot)) }
        }
        keyCount = view.overflowed || refused ? nil : view.count
        guard tx.transaction.content.type.usesAccountNonce else {
            nonceWasDue = true
            return
        }
        // The run read the sender's nonce (the EVM checks it first): take its start value from
        // the record rather than reading the state again.
        let nonceKey = StateKey.nonce(tx.sender)
        let startNonce = RecordingView<Reader>.index(of: nonceKey, in: record, count: view.count)
            .map { record.startValues[$0] } ?? reader.value(of: nonceKey)
        nonceWasDue = startNonce == UInt256(tx.transaction.content.nonce)
    }
}

/// Where a speculative run records one transaction's access set: its stretch of the
/// planner's buffers, `capacity` entries long.
@usableFromInline
struct AccessRecord {
    @usableFromInline let keys: UnsafeMutablePointer<StateKey>
    @usableFromInline let isWrite: UnsafeMutablePointer<Bool>
    @usableFromInline let startValues: UnsafeMutablePointer<UInt256>
    @usableFromInline let lastValues: UnsafeMutablePointer<UInt256>
    @usableFromInline let capacity: Int
}

/// Reads the start state and records every key touched, whether it was written, its start
/// value and its last value, in an `AccessRecord`: no allocation per transaction.
///
/// A transaction touches a handful of keys, so they are searched from the most recent (touched
/// again soonest): cheaper than hashing each one. A set larger than the record stops the
/// recording; the run goes on (its result is discarded) reading the start state.
///
/// Inlinable for the reason `SlotView` is.
@usableFromInline
struct RecordingView<Reader: StateReader>: StateAccess {
    @usableFromInline let reader: Reader
    @usableFromInline let record: AccessRecord
    @usableFromInline var count = 0
    @usableFromInline var overflowed = false

    init(reader: Reader, record: AccessRecord) {
        self.reader = reader
        self.record = record
    }

    /// Static, so that calling it from a mutating accessor does not copy the view (and its reader).
    @inlinable
    static func index(of key: StateKey, in record: AccessRecord, count: Int) -> Int? {
        var i = count - 1
        while i >= 0 {
            if record.keys[i] == key { return i }
            i -= 1
        }
        return nil
    }

    @inlinable
    mutating func read(_ key: StateKey) -> UInt256 {
        if let i = Self.index(of: key, in: record, count: count) { return record.lastValues[i] }
        let value = reader.value(of: key)
        append(key, written: false, start: value, last: value)
        return value
    }

    @inlinable
    mutating func write(_ key: StateKey, _ value: UInt256) {
        if let i = Self.index(of: key, in: record, count: count) {
            record.isWrite[i] = true
            record.lastValues[i] = value
        } else {
            append(key, written: true, start: reader.value(of: key), last: value)
        }
    }

    /// Adds `key` as read, if it is not there yet.
    mutating func hint(_ key: StateKey) {
        _ = read(key)
    }

    @inlinable
    mutating func append(_ key: StateKey, written: Bool, start: UInt256, last: UInt256) {
        guard count < record.capacity else {
            overflowed = true
            return
        }
        record.keys[count] = key
        record.isWrite[count] = written
        record.startValues[count] = start
        record.lastValues[count] = last
        count += 1
    }
}
