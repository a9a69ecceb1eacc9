import CoreMetrics
import Prometheus
import StrandTxPool
import Synchronization

/// A node's metrics, through swift-metrics on a Prometheus registry of its own, served at
/// `GET /metrics`. What the node itself reads back (whether commits fail) stays in atomics
/// beside the handles, since swift-metrics' handles cannot be read.
public final class NodeMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: NodeMetricsFactory

    let received: CoreMetrics.Counter
    let committed: CoreMetrics.Counter
    let excluded: CoreMetrics.Counter
    let blockHeight: CoreMetrics.Gauge
    let poolSize: CoreMetrics.Gauge
    let blockTransactions: CoreMetrics.Gauge
    let blockExecution: CoreMetrics.Timer
    let blockCommit: CoreMetrics.Timer
    let transactionLatency: CoreMetrics.Timer
    let peers: CoreMetrics.Gauge
    let syncLag: CoreMetrics.Gauge
    let channelSessions: CoreMetrics.Gauge
    private let rejected: [TxPoolError.Code: CoreMetrics.Counter]
    private let commitFailingGauge: CoreMetrics.Gauge
    private let commitFailuresCounter: CoreMetrics.Counter
    /// 1 while the ledger's commits fail (and are retried); admission is paused meanwhile.
    let commitFailing = Atomic<UInt64>(0)
    let commitFailures = Atomic<UInt64>(0)
    /// Counters whose counts other modules keep (the network's, sync's), brought up to date at each scrape.
    let mirrors: CounterMirrors

    public init() {
        let registry = PrometheusCollectorRegistry()
        let factory = NodeMetricsFactory(registry: registry)
        self.registry = registry
        self.factory = factory
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
            CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory)
        }
        func gauge(_ name: String) -> CoreMetrics.Gauge { CoreMetrics.Gauge(label: name, factory: factory) }
        func timer(_ name: String) -> CoreMetrics.Timer { CoreMetrics.Timer(label: name, factory: factory) }
        received = counter("strand_transactions_received_total")
        rejected = Dictionary(uniqueKeysWithValues: TxPoolError.Code.allCases.map {
            ($0, counter("strand_transactions_rejected_total", [("reason", $0.rawValue)]))
        })
        excluded = counter("strand_transactions_excluded_total")
        committed = counter("strand_transactions_committed_total")
        transactionLatency = timer("strand_transaction_latency_seconds")
        blockHeight = gauge("strand_block_height")
        poolSize = gauge("strand_txpool_size")
        blockTransactions = gauge("strand_block_transactions")
        blockExecution = timer("strand_block_execution_seconds")
        blockCommit = timer("strand_block_commit_seconds")
        commitFailingGauge = gauge("strand_ledger_commit_failing")
        commitFailuresCounter = counter("strand_ledger_commit_failures_total")
        peers = gauge("strand_peers")
        syncLag = gauge("strand_sync_lag_blocks")
        channelSessions = gauge("strand_channel_sessions")
        commitFailingGauge.record(0)
        mirrors = CounterMirrors(factory: factory)
    }

    func reject(_ code: TxPoolError.Code) { rejected[code]?.increment() }

    /// Whether commits fail now; returns what it was.
    @discardableResult
    public func setCommitFailing(_ failing: Bool) -> Bool {
        commitFailingGauge.record(failing ? 1 : 0)
        return commitFailing.exchange(failing ? 1 : 0, ordering: .relaxed) == 1
    }

    public func commitFailed() {
        commitFailures.wrappingAdd(1, ordering: .relaxed)
        commitFailuresCounter.increment()
    }

    /// The Prometheus text exposition of everything registered.
    var text: String { registry.emitToString() }
}

/// Counters kept as counts elsewhere (in the network and sync modules, which know nothing of
/// metrics backends), each brought level with its count when `/metrics` is read.
final class CounterMirrors: Sendable {
    private let factory: NodeMetricsFactory
    private let state = Mutex<[String: (counter: CoreMetrics.Counter, reported: UInt64)]>([:])

    init(factory: NodeMetricsFactory) { self.factory = factory }

    func update(_ name: String, _ dimensions: [(String, String)] = [], to count: UInt64) {
        let key = name + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        state.withLock { mirrors in
            let entry = mirrors[key] ?? (CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory), 0)
            if count > entry.reported { entry.counter.increment(by: Int64(clamping: count - entry.reported)) }
            mirrors[key] = (entry.counter, max(count, entry.reported))
        }
    }
}
