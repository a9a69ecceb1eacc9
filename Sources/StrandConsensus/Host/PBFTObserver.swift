import StrandCrypto
import StrandPrimitives
import StrandTypes

/// What a PBFT host reports as it goes: the node turns it into logs and metrics, the simulator
/// into counts and checks.
public protocol PBFTObserver: AnyObject {
    func observe(_ event: PBFTHostEvent)
}

public enum PBFTHostEvent {
    case messageReceived
    case messageSent(ConsensusMessage)
    /// A validator sent something no honest one would (counted against it; its link stays unless
    /// its bytes were unreadable, when the host disconnects it).
    case misbehaved(validator: NodeID, reason: String)
    case viewChanged(height: UInt64, view: UInt64, leader: UInt32)
    case leading(height: UInt64, view: UInt64)
    case nothingToPropose(height: UInt64, pending: Int)
    case proposalRefused(Block, reason: String)
    /// The journal could not be written: the validator stays silent until a write succeeds.
    case journalFailing(String)
    /// A quorum decided `block`; `appended` is false when the chain already had it.
    case decided(Block, view: UInt64, round: Duration?, executionMicros: UInt64, appended: Bool)
    /// Decided by a quorum but never executed here: sync is to bring it.
    case decidedUnexecuted(Block)
}
