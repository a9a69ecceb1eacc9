import CoreMetrics
import StrandConsensus
import StrandCrypto
import Synchronization

/// What the PBFT driver counts, through the node's swift-metrics factory; the counts that
/// `getConsensusStatus` reads (view changes, blocks decided) also stay in atomics.
final class ConsensusMetrics: Sendable {
    private let factory: NodeMetricsFactory
    let view: CoreMetrics.Gauge
    let messagesSent: CoreMetrics.Counter
    let messagesReceived: CoreMetrics.Counter
    let round: CoreMetrics.Timer
    let execution: CoreMetrics.Timer
    let journalWrite: CoreMetrics.Timer
    private let viewChangesCounter: CoreMetrics.Counter
    private let decidedCounter: CoreMetrics.Counter
    let viewChanges = Atomic<UInt64>(0)
    let decided = Atomic<UInt64>(0)
    private let misbehaviour = Mutex<[NodeID: (counter: CoreMetrics.Counter, count: UInt64)]>([:])

    init(factory: NodeMetricsFactory) {
        self.factory = factory
        view = CoreMetrics.Gauge(label: "strand_consensus_view", factory: factory)
        viewChangesCounter = CoreMetrics.Counter(label: "strand_consensus_view_changes_total", factory: factory)
        messagesSent = CoreMetrics.Counter(label: "strand_consensus_messages_sent_total", factory: factory)
        messagesReceived = CoreMetrics.Counter(label: "strand_consensus_messages_received_total", factory: factory)
        decidedCounter = CoreMetrics.Counter(label: "strand_consensus_blocks_decided_total", factory: factory)
        round = CoreMetrics.Timer(label: "strand_consensus_round_seconds", factory: factory)
        execution = CoreMetrics.Timer(label: "strand_consensus_execution_seconds", factory: factory)
        journalWrite = CoreMetrics.Timer(label: "strand_consensus_journal_write_seconds", factory: factory)
        view.record(0)
    }

    func viewChanged() {
        viewChanges.wrappingAdd(1, ordering: .relaxed)
        viewChangesCounter.increment()
    }

    func blockDecided() {
        decided.wrappingAdd(1, ordering: .relaxed)
        decidedCounter.increment()
    }

    /// Counted by the sender's node ID, shown by its first 16 hex digits (validator indexes
    /// change with the validator set).
    func misbehaved(_ validator: NodeID) {
        misbehaviour.withLock { counts in
            let label = String(validator.description.prefix(16))
            let entry = counts[validator] ?? (CoreMetrics.Counter(label: "strand_consensus_misbehaviour_total",
                                                                  dimensions: [("node", label)], factory: factory), 0)
            entry.counter.increment()
            counts[validator] = (entry.counter, entry.count + 1)
        }
    }

    var misbehaviourByValidator: [NodeID: UInt64] { misbehaviour.withLock { $0.mapValues(\.count) } }
}
