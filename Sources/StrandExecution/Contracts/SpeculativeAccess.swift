import StrandEVM
import StrandPrimitives
import StrandTypes

/// Learns a contract transaction's access set by running it against the block's start state.
///
/// The run is thrown away; only the keys it read and wrote are kept (a key both read and
/// written counts as written), plus the storage keys of its EIP-2930 access list as reads,
/// a hint for paths the start state did not take. The set is an assumption: execution along
/// the DAG checks every access against it, and the block is run again serially if any falls
/// outside.
enum SpeculativeAccess {
    static func record(
        _ tx: RecoveredTransaction, plan: TransactionPlan, reader: some StateReader, contracts: ContractContext
    ) -> [(key: StateKey, isWrite: Bool)] {
        var view = RecordingView(reader: reader)
        _ = ContractCall.execute(tx, plan: plan, view: &view, contracts: contracts, speculative: true)
        for entry in tx.transaction.content.accessList {
            for slot in entry.storageKeys where view.accesses[.storage(entry.address, slot)] == nil {
                view.accesses[.storage(entry.address, slot)] = false
            }
        }
        return view.accesses.map { (key: $0.key, isWrite: $0.value) }
    }
}

/// Reads the start state and remembers every key touched, and whether it was written.
struct RecordingView<Reader: StateReader>: StateAccess {
    let reader: Reader
    var accesses: [StateKey: Bool] = [:]
    private var written: [StateKey: UInt256] = [:]

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
