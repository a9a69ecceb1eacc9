import StrandEVM
import StrandPrimitives
import StrandTypes

/// Why a transaction was left out of the block: it changed nothing and has no receipt.
public enum ExclusionReason: Hashable, Sendable, CustomStringConvertible {
    case nonceTooLow(expected: UInt64, got: UInt64)
    case nonceTooHigh(expected: UInt64, got: UInt64)
    case insufficientBalance(required: UInt256, available: UInt256)
    case intrinsicGasTooLow(required: UInt64, gasLimit: UInt64)
    /// The block's gas limit is used up by the transactions before this one.
    case blockGasLimitReached
    /// gasLimit × gas price overflows 256 bits.
    case feeOverflow
    /// A contract transaction the EVM found invalid before running it (e.g. its sender has
    /// code, or cannot pay value + gas).
    case rejectedByEVM(TransactionValidityError)

    public var description: String {
        switch self {
        case .nonceTooLow(let expected, let got): "nonce too low: expected \(expected), got \(got)"
        case .nonceTooHigh(let expected, let got): "nonce too high: expected \(expected), got \(got)"
        case .insufficientBalance(let required, let available): "insufficient balance: needs \(required), has \(available)"
        case .intrinsicGasTooLow(let required, let gasLimit): "intrinsic gas too low: needs \(required), gas limit \(gasLimit)"
        case .blockGasLimitReached: "block gas limit reached"
        case .feeOverflow: "gas limit × gas price overflows"
        case .rejectedByEVM(let error): "\(error)"
        }
    }
}

/// A transaction that was left out, with its position in the input and the reason.
public struct ExcludedTransaction: Hashable, Sendable {
    public let inputIndex: Int
    public let hash: Hash
    public let reason: ExclusionReason
}

/// Where a parallel block's time went.
public struct ExecutionStatistics: Sendable, Equatable {
    /// Deriving each transaction's access set and call (nanoseconds, wall time, less the
    /// DAG work done meanwhile).
    public var planningNanoseconds: UInt64 = 0
    /// Building the conflict DAG: one thread's work, partly overlapped with planning.
    public var dagBuildNanoseconds: UInt64 = 0
    /// Running the transactions.
    public var executionNanoseconds: UInt64 = 0
    /// Receipts, the sorted write set, its encoding and the state root.
    public var finalizationNanoseconds: UInt64 = 0
    /// Longest chain of dependent transactions.
    public var criticalPathLength = 0
    /// Most transactions at one depth of the DAG: the parallelism available.
    public var maximumWidth = 0
    /// Dependency edges.
    public var edgeCount = 0
    /// Time workers spent waiting for a ready transaction, summed over workers.
    public var workerIdleNanoseconds: UInt64 = 0
    /// Whether a transaction touched a key outside its access set, so that the block was
    /// executed again serially.
    public var reexecutedSerially = false
    /// Whether this contract block ran serially without speculating, because the last
    /// speculated one was mostly one chain of dependent transactions.
    public var speculationSkipped = false

    public init() {}
}

/// A block's execution: the included transactions with their receipts, what was left out,
/// and the state changes with the state root they give.
public struct BlockExecutionResult: Sendable {
    public var included: [RecoveredTransaction]
    public var receipts: [Receipt]
    public var excluded: [ExcludedTransaction]
    public var changes: StateChanges
    public var statistics: ExecutionStatistics

    public var gasUsed: UInt64 { receipts.last?.cumulativeGasUsed ?? 0 }

    /// The state root after this block, on top of the parent's.
    public func stateRoot(after parentStateRoot: Hash) -> Hash { changes.stateRoot(after: parentStateRoot) }
}
