import StrandCrypto
import StrandPrimitives
import StrandTypes

/// What happens to a validator, fed to `PBFTStateMachine.handle(_:now:)`.
public enum PBFTEvent: Sendable {
    /// A message from the peer `from` (its signature not yet checked).
    case message(ConsensusMessage, from: NodeID)
    /// The timer the machine last set has fired.
    case timeout
    /// The block asked for by `.execute` ran: `valid` when it checks against its parent and
    /// its header's roots.
    case executed(blockHash: Hash, valid: Bool)
    /// The block asked for by `.build`, built and executed on the local tip.
    case built(Block)
    /// Whether the pool holds transactions ready for a block.
    case workPending(Bool)
    /// The chain now ends at `height` (a block this machine decided, or one sync imported), and
    /// its state holds `validators` for the next height.
    case chainAdvanced(to: UInt64, validators: ValidatorSet)
    /// Send again what this validator said at this height (a peer reconnected, or a view
    /// change drags on): messages sent over a link that was down are lost.
    case retransmit
}

/// What the driver is to do, in order.
public enum PBFTAction: Sendable {
    /// Write the journal durably before carrying out the actions after this one.
    case persist(PBFTJournal)
    case broadcast(ConsensusMessage)
    /// Check and execute `block` on the local tip; answer with `.executed`.
    case execute(Block)
    /// This validator leads (height, view): build a block from the pool once one is ready,
    /// and answer with `.built`. An idle leader stays silent.
    case build(height: UInt64, view: UInt64)
    /// The block is decided: commit it with this seal.
    case commit(Block, BlockSeal)
    /// Fire `.timeout` at this monotonic instant, replacing any timer set before.
    case setTimer(at: Duration)
    case cancelTimer
    /// A validator sent something no honest one would: count it against its link.
    case misbehaved(validator: NodeID, reason: String)
}
