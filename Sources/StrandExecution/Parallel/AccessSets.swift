import StrandPrimitives
import StrandTypes

/// One block's access sets in flat raw memory: transaction i's entries sit at i × `stride`,
/// `accessCounts[i]` of them. The planners write them; the DAG builder and the workers read
/// them. Raw pointers into `ParallelEngine`'s scratch memory, valid for one block.
struct AccessSets {
    let stride: Int
    let keys: UnsafeMutablePointer<StateKey>
    /// Each entry's `StateKey.mixedHash`, computed by the planners to intern it.
    let keyHashes: UnsafeMutablePointer<UInt64>
    /// Each entry's key as the block's `KeyIndex` knows it: the position of its first interned
    /// copy in `keys` (written by the planners).
    let keyPositions: UnsafeMutablePointer<Int32>
    /// Each entry's key id, its slot: -1 from the planners, then given by the DAG builder.
    let keyIDs: UnsafeMutablePointer<Int32>
    let isWrite: UnsafeMutablePointer<Bool>
    /// Each entry's value in the block's start state.
    let startValues: UnsafeMutablePointer<UInt256>
    /// Each speculated entry's value at the end of its speculative run (contract blocks only).
    let lastValues: UnsafeMutablePointer<UInt256>
    let accessCounts: UnsafeMutablePointer<UInt8>
    /// False for a barrier: a transaction whose set is unknown.
    let knownAccess: UnsafeMutablePointer<Bool>

    /// Transaction i's stretch of the sets, for its speculative run to record into.
    func speculationRecord(at i: Int) -> AccessRecord {
        let base = i * stride
        return AccessRecord(keys: keys + base, isWrite: isWrite + base, startValues: startValues + base,
                            lastValues: lastValues + base, capacity: stride)
    }

    /// Transaction i's entries, for its view.
    func range(of i: Int) -> Range<Int> { (i * stride)..<(i * stride + Int(accessCounts[i])) }

    /// Records the access set that `plan` declares for transaction i, with each key's start
    /// value and hash.
    func record(_ plan: TransactionPlan, of tx: RecoveredTransaction, at i: Int, reader: some StateReader) {
        var set = AccessSetBuilder(keys: keys + i * stride, isWrite: isWrite + i * stride)
        plan.recordAccess(of: tx, into: &set)
        knownAccess[i] = plan.hasKnownAccess
        accessCounts[i] = plan.hasKnownAccess ? UInt8(set.count) : 0
        for a in range(of: i) { startValues[a] = reader.value(of: keys[a]) }
    }
}
