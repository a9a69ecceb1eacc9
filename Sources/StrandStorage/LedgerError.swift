import StrandPrimitives
import StrandTypes

/// Why the ledger refused a block or could not do what was asked.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data directory holds no chain and no genesis was given.
    case noChain(directory: String)
    /// The data directory holds a different chain than the genesis given.
    case genesisMismatch(stored: Hash, given: Hash)
    /// A block that does not extend the head.
    case notNextBlock(expected: UInt64, got: UInt64)
    case wrongParent(expected: Hash, got: Hash)
    /// A header root that its contents do not produce.
    case rootMismatch(field: String, inHeader: Hash, computed: Hash)
    case receiptCountMismatch(transactions: Int, receipts: Int)
    /// The memory map is full: the block was not written; reopen with a larger map size.
    case mapFull(mapSize: Int)
    /// Stored data that does not decode: the data directory is damaged.
    case corrupt(String)
    /// Another ledger (this process or another) holds the data directory.
    case locked(directory: String, holderPID: Int32?)
    /// Any other LMDB failure.
    case storage(LMDBError)

    public var description: String {
        switch self {
        case .noChain(let directory): "\(directory) holds no chain; initialise it with a genesis file"
        case .genesisMismatch(let stored, let given):
            "data directory holds the chain with genesis \(stored), not \(given)"
        case .notNextBlock(let expected, let got): "block \(got) does not follow the head; expected \(expected)"
        case .wrongParent(let expected, let got): "block's parent \(got) is not the head \(expected)"
        case .rootMismatch(let field, let inHeader, let computed): "\(field) \(inHeader) in header, \(computed) computed"
        case .receiptCountMismatch(let transactions, let receipts): "\(transactions) transactions but \(receipts) receipts"
        case .mapFull(let mapSize):
            "ledger map of \(mapSize >> 20) MiB is full; nothing was written. Reopen with a larger map size"
        case .corrupt(let what): "ledger data is damaged: \(what)"
        case .locked(let directory, let pid):
            "data directory \(directory) is in use by \(pid.map { "process \($0)" } ?? "another process"); one node per data directory"
        case .storage(let error): "storage: \(error)"
        }
    }
}

extension LedgerError {
    /// Maps LMDB's map-full to `.mapFull`, any other failure to `.storage`.
    init(_ error: LMDBError, mapSize: Int) {
        self = error.isMapFull ? .mapFull(mapSize: mapSize) : .storage(error)
    }
}

extension LedgerError {
    /// Any error from below as a ledger error: itself, an LMDB failure, or damaged data
    /// (stored bytes that do not decode).
    init(wrapping error: any Error, mapSize: Int) {
        switch error {
        case let error as LedgerError: self = error
        case let error as LMDBError: self.init(error, mapSize: mapSize)
        default: self = .corrupt("\(error)")
        }
    }
}
