import StrandPrimitives
import StrandTypes

/// A block executed on the local tip, kept by the host until it is decided or the height moves on.
public protocol ExecutedProposal {
    var block: Block { get }
    var executionMicros: UInt64 { get }
}

/// The chain a PBFT host extends: the node's builder, importer and appender, or the simulator's
/// stand-in. Called on the host's thread only.
public protocol ConsensusChain: AnyObject {
    associatedtype Executed: ExecutedProposal

    /// The local chain's height and the validators its state holds for the next; nil while it
    /// cannot be read.
    var tip: ConsensusTip? { get }
    /// Transactions ready for a block, and whether their gas fills one (`SealingPolicy.decide`).
    var pendingTransactions: (count: Int, fillsBlock: Bool) { get }
    /// The first view's timeout in force for the next height (a governor's setting); nil: the
    /// machine's own.
    var consensusTimeout: Duration? { get }
    /// A block at `height` built from pending transactions on the tip and executed; nil when
    /// nothing can be included (or the tip is no longer at `height - 1`).
    func build(height: UInt64) -> Executed?
    /// Checks and executes a proposal on the tip.
    func execute(_ block: Block) -> ExecutionVerdict<Executed>
    /// Appends a decided block under `seal`; false when the chain already had it (sync was first).
    func append(_ executed: Executed, seal: BlockSeal) -> Bool
}

/// Where the local chain ends, and who validates the height after it.
public struct ConsensusTip: Sendable, Equatable {
    public var height: UInt64
    public var nextValidators: ValidatorSet

    public init(height: UInt64, nextValidators: ValidatorSet) {
        self.height = height
        self.nextValidators = nextValidators
    }
}

/// What executing a proposal on the local tip showed.
public enum ExecutionVerdict<Executed> {
    case valid(Executed)
    /// It does not execute to its header: the proposer is to blame.
    case invalid(reason: String)
    /// The chain already holds a block at that height (sync added it meanwhile): nobody's fault.
    case chainAdvanced
    /// Nothing can be said now (the tip is unreadable, or the block is not its child); the
    /// machine hears nothing and its timer decides.
    case unavailable
    /// The answer comes later, through `PBFTHost.executed(_:verdict:now:)`.
    case later
}

/// Where the host keeps its journal: written, and synced, before any message that depends on it leaves.
public protocol ConsensusJournalStore: AnyObject {
    func write(_ journal: PBFTJournal) throws
}
