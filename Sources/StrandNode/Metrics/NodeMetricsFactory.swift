import CoreMetrics
import Prometheus

/// swift-metrics' factory over one node's Prometheus registry, writing each metric's HELP line
/// (swift-prometheus's own factory writes none). One per node, not the process-wide
/// `MetricsSystem`: tests run several nodes in one process, each with its own `/metrics`.
struct NodeMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    /// Buckets of every timer: 100 µs to 30 s, roughly ×2.5 apart.
    static let timerBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: MetricsCatalog.help[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: Self.timerBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

/// Every metric the node exports, with its HELP text: one place to read what `/metrics` says.
enum MetricsCatalog {
    static let help: [String: String] = [
        "strand_transactions_received_total": "Raw transactions submitted over RPC.",
        "strand_transactions_rejected_total": "Transactions refused at admission, by reason.",
        "strand_transactions_excluded_total": "Transactions left out of blocks at execution.",
        "strand_transactions_committed_total": "Transactions in committed blocks.",
        "strand_transaction_latency_seconds": "From admission to this node's pool to the commit of its block.",
        "strand_block_height": "Number of the latest committed block.",
        "strand_txpool_size": "Pending transactions.",
        "strand_signatures_recovered_total": "Transaction signatures recovered (admission, gossip, proposals, sync): once per committed transaction when none is wasted.",
        "strand_block_transactions": "Transactions in the latest block.",
        "strand_block_execution_seconds": "Execution of each block this node committed (the build, for a block it built).",
        "strand_block_commit_seconds": "Ledger commit of each block.",
        "strand_ledger_commit_failing": "1 while block commits fail and are retried; transactions are refused meanwhile.",
        "strand_ledger_commit_failures_total": "Failed block commit attempts.",
        "strand_peers": "Connected peers.",
        "strand_peers_dropped_total": "Links ended, by reason.",
        "strand_network_messages_dropped_total": "Messages dropped at a full peer queue.",
        "strand_gossip_transactions_sent_total": "Transactions gossiped to peers.",
        "strand_gossip_transactions_received_total": "Transactions received from peers.",
        "strand_sync_blocks_imported_total": "Blocks imported from peers.",
        "strand_sync_blocks_served_total": "Blocks served to peers.",
        "strand_sync_bad_blocks_total": "Blocks from peers that did not import.",
        "strand_sync_lag_blocks": "Blocks between this node's head and the highest a peer reported.",
        "strand_consensus_view": "The PBFT view at the height being decided.",
        "strand_consensus_view_changes_total": "Views this validator left on timeout or with f + 1 others.",
        "strand_consensus_messages_sent_total": "Consensus messages broadcast.",
        "strand_consensus_messages_received_total": "Consensus messages received from validators.",
        "strand_consensus_blocks_decided_total": "Blocks decided by a quorum of Commits.",
        "strand_consensus_round_seconds": "Proposal (sent or received) to decision, per block.",
        "strand_consensus_execution_seconds": "This validator's execution of each proposal it voted on.",
        "strand_consensus_journal_write_seconds": "Synced writes of the vote journal.",
        "strand_consensus_misbehaviour_total": "Messages refused as no honest validator would send them, by sender.",
    ]
}
