import StrandTxPool
import Synchronization

/// Counters and gauges of a running node, exposed as Prometheus text at `GET /metrics`.
public final class NodeMetrics: Sendable {
    let received = Atomic<UInt64>(0)
    let committed = Atomic<UInt64>(0)
    let blockHeight = Atomic<UInt64>(0)
    let lastExecutionMicros = Atomic<UInt64>(0)
    let lastCommitMicros = Atomic<UInt64>(0)
    let lastBlockTransactions = Atomic<UInt64>(0)
    let excluded = Atomic<UInt64>(0)
    /// 1 while the ledger's commits fail (and are retried); admission is paused meanwhile.
    let commitFailing = Atomic<UInt64>(0)
    let commitFailures = Atomic<UInt64>(0)
    private let rejected = Mutex<[TxPoolError.Code: UInt64]>([:])

    func reject(_ code: TxPoolError.Code) {
        rejected.withLock { $0[code, default: 0] += 1 }
    }

    /// The Prometheus text exposition (format 0.0.4).
    func text(poolSize: Int) -> String {
        var out = PrometheusText()
        out.metric("strand_transactions_received_total", "counter", "Raw transactions submitted over RPC.",
               [("", received.load(ordering: .relaxed))])
        let byCode = rejected.withLock { $0 }
        out.metric("strand_transactions_rejected_total", "counter", "Transactions refused at admission, by reason.",
               TxPoolError.Code.allCases.map { ("{reason=\"\($0.rawValue)\"}", byCode[$0] ?? 0) })
        out.metric("strand_transactions_excluded_total", "counter", "Transactions left out of blocks at execution.",
               [("", excluded.load(ordering: .relaxed))])
        out.metric("strand_transactions_committed_total", "counter", "Transactions in committed blocks.",
               [("", committed.load(ordering: .relaxed))])
        out.metric("strand_block_height", "gauge", "Number of the latest committed block.", [("", blockHeight.load(ordering: .relaxed))])
        out.metric("strand_txpool_size", "gauge", "Pending transactions.", [("", UInt64(poolSize))])
        out.metric("strand_block_transactions", "gauge", "Transactions in the latest block.",
               [("", lastBlockTransactions.load(ordering: .relaxed))])
        out.metric("strand_block_execution_microseconds", "gauge", "Execution time of the latest block.",
               [("", lastExecutionMicros.load(ordering: .relaxed))])
        out.metric("strand_block_commit_microseconds", "gauge", "Ledger commit time of the latest block.",
               [("", lastCommitMicros.load(ordering: .relaxed))])
        out.metric("strand_ledger_commit_failing", "gauge", "1 while block commits fail and are retried; transactions are refused meanwhile.",
               [("", commitFailing.load(ordering: .relaxed))])
        out.metric("strand_ledger_commit_failures_total", "counter", "Failed block commit attempts.",
               [("", commitFailures.load(ordering: .relaxed))])
        return out.text
    }
}
