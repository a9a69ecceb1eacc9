import StrandPrimitives
import StrandTypes

/// The account nonces the latest appended blocks left their senders at, oldest first.
///
/// Admission checks a transaction against a state it read before recovering signatures, and the
/// ledger commits behind the tip: without this record, a transaction that a block appended in
/// between included would pass that check after the block removed it from the pool, and wait in
/// it for good (counted as pending, so consensus would time out views over it).
struct AppendedNonces {
    /// Far more than an admission's state lags the tip: one block committing, one batch recovering.
    static let blocksKept = 32

    private var blocks: [(number: UInt64, nonces: [Address: UInt64])] = []

    mutating func record(block number: UInt64, nonces: [Address: UInt64]) {
        blocks.append((number, nonces))
        if blocks.count > Self.blocksKept { blocks.removeFirst() }
    }

    /// Whether the record holds every block after `stateBlock`.
    func covers(stateBlock: UInt64) -> Bool {
        guard let oldest = blocks.first else { return true }
        return stateBlock + 1 >= oldest.number
    }

    /// The nonce the newest block after `stateBlock` that included `sender` left it at.
    func nonce(of sender: Address, after stateBlock: UInt64) -> UInt64? {
        for block in blocks.reversed() {
            guard block.number > stateBlock else { return nil }
            if let nonce = block.nonces[sender] { return nonce }
        }
        return nil
    }
}
