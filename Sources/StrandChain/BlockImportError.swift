import StrandCrypto
import StrandPrimitives
import StrandStorage
import StrandTypes

/// Why the importer refused a block. Every case but `storage` is the fault of whoever built
/// or sent the block (`isPeerFault`), so the network can drop and count that peer.
public enum BlockImportError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongNumber(expected: UInt64, got: UInt64)
    case wrongParent(expected: Hash, got: Hash)
    case timestampNotAfterParent(parent: UInt64, got: UInt64)
    case timestampInFuture(now: UInt64, got: UInt64)
    case wrongGasLimit(expected: UInt64, got: UInt64)
    case wrongSuite(expected: CryptoSuite, got: CryptoSuite)
    case tooManyTransactions(limit: Int, got: Int)
    case tooLarge(limit: Int, got: Int)
    case transactionsRootMismatch(inHeader: Hash, computed: Hash)
    case badTransaction(index: Int, reason: String)
    case receiptsRootMismatch(inHeader: Hash, computed: Hash)
    case stateRootMismatch(inHeader: Hash, computed: Hash)
    case gasUsedMismatch(inHeader: UInt64, computed: UInt64)
    case badSeal(SealError)
    /// The local ledger failed; the block may be fine.
    case storage(LedgerError)

    public var isPeerFault: Bool {
        if case .storage = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .wrongNumber(let expected, let got): "block number \(got), expected \(expected)"
        case .wrongParent(let expected, let got): "parent \(got) is not the tip \(expected)"
        case .timestampNotAfterParent(let parent, let got): "timestamp \(got) ms is not after the parent's \(parent) ms"
        case .timestampInFuture(let now, let got): "timestamp \(got) ms is too far ahead of this node's clock (\(now) ms)"
        case .wrongGasLimit(let expected, let got): "gas limit \(got), the chain's is \(expected)"
        case .wrongSuite(let expected, let got): "header of the \(got) crypto suite, the chain's is \(expected)"
        case .tooManyTransactions(let limit, let got): "\(got) transactions, the chain allows \(limit)"
        case .tooLarge(let limit, let got): "body of \(got) bytes, the chain allows \(limit)"
        case .transactionsRootMismatch(let inHeader, let computed): "transactions root \(inHeader) in header, \(computed) computed"
        case .badTransaction(let index, let reason): "transaction \(index): \(reason)"
        case .receiptsRootMismatch(let inHeader, let computed): "receipts root \(inHeader) in header, \(computed) computed"
        case .stateRootMismatch(let inHeader, let computed): "state root \(inHeader) in header, \(computed) computed"
        case .gasUsedMismatch(let inHeader, let computed): "gas used \(inHeader) in header, \(computed) computed"
        case .badSeal(let error): "\(error)"
        case .storage(let error): "local ledger: \(error)"
        }
    }
}
