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
    /// The keys the run touched; a key both read and written counts as written.
    var accesses: [(key: StateKey, isWrite: Bool)]
    /// The run's result, valid as the real one when nothing before the transaction in the
    /// block writes a key it touched and its nonce was due at the block's start.
    var outcome: TransactionOutcome
    var writes: [(key: StateKey, value: UInt256)]
    var deployedCode: [Hash: [UInt8]]
    var nonceWasDue: Bool

    /// Runs `tx` against the block's start state.
    init(_ tx: RecoveredTransaction, plan: TransactionPlan, reader: some StateReader & Sendable, context: BlockContext) {
        var view = RecordingView(reader: reader)
        let contracts = ContractContext(block: context, codeReader: { [reader] in reader.code(hash: $0) })
        outcome = ContractCall.execute(tx, plan: plan, view: &view, contracts: contracts, speculative: true)
        for entry in tx.transaction.content.accessList {
            for slot in entry.storageKeys where view.accesses[.storage(entry.address, slot)] == nil {
                view.accesses[.storage(entry.address, slot)] = false
            }
        }
        accesses = view.accesses.map { (key: $0.key, isWrite: $0.value) }
        writes = view.written.map { (key: $0.key, value: $0.value) }
        deployedCode = contracts.deployedCodeByHash
        nonceWasDue = reader.value(of: .nonce(tx.sender)) == UInt256(tx.transaction.content.nonce)
    }
}

/// Reads the start state and remembers every key touched, and whether it was written.
struct RecordingView<Reader: StateReader>: StateAccess {
    let reader: Reader
    var accesses: [StateKey: Bool] = [:]
    private(set) var written: [StateKey: UInt256] = [:]

    init(reader: Reader) { self.reader = reader }

    mutating func read(_ key: StateKey) -> UInt256 {
        if accesses[key] == nil { accesses[key] = false }
        return written[key] ?? reader.value(of: key)
    }

    mutating func write(_ key: StateKey, _ value: UInt256) {
        accesses[key] = true
        written[key] = value
    }
}
