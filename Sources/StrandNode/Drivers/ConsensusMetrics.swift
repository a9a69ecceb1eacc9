import StrandConsensus
import Synchronization

/// What the PBFT driver counts, for `/metrics` and `getConsensusStatus`.
final class ConsensusMetrics: Sendable {
    let view = Atomic<UInt64>(0)
    let viewChanges = Atomic<UInt64>(0)
    let messagesSent = Atomic<UInt64>(0)
    let messagesReceived = Atomic<UInt64>(0)
    let decided = Atomic<UInt64>(0)
    /// From the proposal (sent or received) to the decision, for the latest block.
    let lastRoundMicros = Atomic<UInt64>(0)
    /// This node's execution of the latest decided block (0 for the leader, which built it).
    let lastExecutionMicros = Atomic<UInt64>(0)
    let journalWrites = Atomic<UInt64>(0)
    let lastJournalWriteMicros = Atomic<UInt64>(0)
    private let misbehaviour = Mutex<[UInt32: UInt64]>([:])

    func misbehaved(_ validator: UInt32) { misbehaviour.withLock { $0[validator, default: 0] += 1 } }

    var misbehaviourByValidator: [UInt32: UInt64] { misbehaviour.withLock { $0 } }

    func write(to out: inout PrometheusText) {
        out.metric("strand_consensus_view", "gauge", "The PBFT view at the height being decided.", [("", view.load(ordering: .relaxed))])
        out.metric("strand_consensus_view_changes_total", "counter", "Views this validator left on timeout or with f + 1 others.",
                   [("", viewChanges.load(ordering: .relaxed))])
        out.metric("strand_consensus_messages_sent_total", "counter", "Consensus messages broadcast.", [("", messagesSent.load(ordering: .relaxed))])
        out.metric("strand_consensus_messages_received_total", "counter", "Consensus messages received from validators.",
                   [("", messagesReceived.load(ordering: .relaxed))])
        out.metric("strand_consensus_blocks_decided_total", "counter", "Blocks decided by a quorum of Commits.", [("", decided.load(ordering: .relaxed))])
        out.metric("strand_consensus_round_microseconds", "gauge", "Proposal to decision, latest block.",
                   [("", lastRoundMicros.load(ordering: .relaxed))])
        out.metric("strand_consensus_execution_microseconds", "gauge", "This node's execution of the latest proposal it voted on.",
                   [("", lastExecutionMicros.load(ordering: .relaxed))])
        out.metric("strand_consensus_journal_write_microseconds", "gauge", "Latest synced write of the vote journal.",
                   [("", lastJournalWriteMicros.load(ordering: .relaxed))])
        let counts = misbehaviourByValidator
        out.metric("strand_consensus_misbehaviour_total", "counter", "Messages refused as no honest validator would send them, by sender.",
                   counts.sorted { $0.key < $1.key }.map { ("{validator=\"\($0.key)\"}", $0.value) })
    }
}
