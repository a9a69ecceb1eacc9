import StrandEVM
import StrandPrimitives
import StrandTypes

/// A contract transaction run against the block's start state, to learn its access set.
///
/// Kept: the keys it read and wrote, plus the storage keys of its EIP-2930 access list as
/// reads (a hint for paths the start state did not take). The set is an assumption: execution
/// along the DAG checks every access against it, and the block is run again serially if any
/// falls outside. Where nothing earlier in the block writes a key of the set, the transaction
/// sees exactly the start state, so the run's result is its result and it is not run again.
struct Speculation: Sendable {
    /// The keys the run touched, in the order first touched; a key both read and written counts
    /// as written. `startValues` holds each key's value in the start state, `values` its last
    /// value in the run.
    var keys: [StateKey]
    var isWrite: [Bool]
    var startValues: [UInt256]
    var values: [UInt256]
    /// The run's result, valid as the real one when nothing before the transaction in the
    /// block writes a key it touched and its nonce was due at the block's start.
    var outcome: TransactionOutcome
    var nonceWasDue: Bool

    /// Runs `tx` against the block's start state; code it deploys stays in `outcome`.
    init(_ tx: RecoveredTransaction, plan: TransactionPlan, reader: some StateReader, contracts: ContractContext) {
        var view = RecordingView(reader: reader)
        outcome = ContractCall.execute(tx, plan: plan, view: &view, contracts: contracts, speculative: true)
        for entry in tx.transaction.content.accessList {
            for slot in entry.storageKeys { view.hint(.storage(entry.address, slot)) }
        }
        (keys, isWrite, startValues, values) = (view.keys, view.isWrite, view.startValues, view.values)
        nonceWasDue = reader.value(of: .nonce(tx.sender)) == UInt256(tx.transaction.content.nonce)
    }
}

/// Reads the start state and remembers every key touched, whether it was written, and its
/// start value.
///
/// A transaction touches a handful of keys, so they sit in a small array searched from the
/// end (recent keys are touched again soonest): cheaper than hashing each one.
struct RecordingView<Reader: StateReader>: StateAccess {
    let reader: Reader
    private(set) var keys: [StateKey] = []
    private(set) var isWrite: [Bool] = []
    private(set) var startValues: [UInt256] = []
    private(set) var values: [UInt256] = []

    init(reader: Reader) {
        self.reader = reader
        keys.reserveCapacity(16)
        isWrite.reserveCapacity(16)
        startValues.reserveCapacity(16)
        values.reserveCapacity(16)
    }

    private func index(of key: StateKey) -> Int? {
        var i = keys.count - 1
        while i >= 0 {
            if keys[i] == key { return i }
            i -= 1
        }
        return nil
    }

    mutating func read(_ key: StateKey) -> UInt256 {
        if let i = index(of: key) { return values[i] }
        let value = reader.value(of: key)
        append(key, written: false, start: value, last: value)
        return value
    }

    mutating func write(_ key: StateKey, _ value: UInt256) {
        if let i = index(of: key) {
            isWrite[i] = true
            values[i] = value
        } else {
            append(key, written: true, start: reader.value(of: key), last: value)
        }
    }

    /// Adds `key` as read, if it is not there yet.
    mutating func hint(_ key: StateKey) {
        guard index(of: key) == nil else { return }
        let value = reader.value(of: key)
        append(key, written: false, start: value, last: value)
    }

    private mutating func append(_ key: StateKey, written: Bool, start: UInt256, last: UInt256) {
        keys.append(key)
        isWrite.append(written)
        startValues.append(start)
        values.append(last)
    }
}
