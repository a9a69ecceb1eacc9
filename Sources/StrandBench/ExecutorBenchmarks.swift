import StrandExecution
import StrandPrimitives
import StrandWorkloads
import StrandTypes

/// One row of `strand bench executor`: a workload at one conflict ratio and thread count,
/// parallel against serial in the same run.
public struct ExecutorBenchmarkRow: Sendable {
    public let workload: String
    public let conflict: Double
    public let threads: Int
    public let txs: Int
    /// Median wall time of one block.
    public let serialSeconds: Double
    public let parallelSeconds: Double
    public var speedup: Double { serialSeconds / parallelSeconds }
    /// DAG build time ÷ parallel block time.
    public let dagBuildShare: Double
    public let statistics: ExecutionStatistics
    /// Heap allocations per transaction in the parallel executor's steady state, where jemalloc counts them.
    public let allocationsPerTransaction: Double?

    public var json: String {
        """
        {"workload": "\(workload)", "conflict": \(conflict), "threads": \(threads), "txs": \(txs), \
        "serialSeconds": \(serialSeconds), "parallelSeconds": \(parallelSeconds), "speedup": \(speedup), \
        "dagBuildShare": \(dagBuildShare), "criticalPath": \(statistics.criticalPathLength), \
        "maxWidth": \(statistics.maximumWidth), "workerIdleSeconds": \(Double(statistics.workerIdleNanoseconds) / 1e9), \
        "allocationsPerTx": \(allocationsPerTransaction.map { "\($0)" } ?? "null"), \
        "speculationSkipped": \(statistics.speculationSkipped)}
        """
    }
}

/// `strand bench executor`: blocks of ParallelTransfer or ERC-20 transfers on in-memory state.
public struct ExecutorBenchmarks {
    public enum Workload: Sendable {
        /// ParallelTransfer `userTransfer`s (native, exact access sets), each from its own sender.
        case dagTransfer
        /// The same, all signed by one account in FISCO BCOS 2.x's format (no nonce orders them).
        case oneAccountFisco
        /// The same, all signed by one account in Ethereum's format: one nonce chain.
        case oneAccountEthereum
        /// ERC-20 `transfer`s through the EVM (access sets learnt by speculation).
        case erc20(ERC20Artifact)
        /// The same with every 100th transaction a token deployment.
        case erc20WithCreations(ERC20Artifact)

        var name: String {
            switch self {
            case .dagTransfer: "dag-transfer"
            case .oneAccountFisco: "one-account-fisco"
            case .oneAccountEthereum: "one-account-eth"
            case .erc20: "erc20"
            case .erc20WithCreations: "erc20-create"
            }
        }

        func block(transactions: Int, conflict: Double) -> ExecutorWorkload {
            switch self {
            case .dagTransfer: ExecutorWorkload.parallelTransfers(count: transactions, conflict: conflict)
            case .oneAccountFisco: ExecutorWorkload.parallelTransfers(count: transactions, conflict: conflict, signers: .oneFiscoAccount)
            case .oneAccountEthereum:
                ExecutorWorkload.parallelTransfers(count: transactions, conflict: conflict, signers: .oneEthereumAccount)
            case .erc20(let artifact): ExecutorWorkload.erc20Transfers(count: transactions, conflict: conflict, artifact: artifact)
            case .erc20WithCreations(let artifact):
                ExecutorWorkload.erc20Transfers(count: transactions, conflict: conflict, artifact: artifact, creationEvery: 100)
            }
        }
    }

    public var workload: Workload
    public var transactions: Int
    public var conflicts: [Double]
    public var threadCounts: [Int]
    /// Timed blocks per measurement; the median is reported.
    public var repetitions: Int

    public init(workload: Workload = .dagTransfer, transactions: Int = 10_000, conflicts: [Double] = [0, 0.1, 0.5, 1],
                threadCounts: [Int] = [1, 2], repetitions: Int = 9) {
        self.workload = workload
        self.transactions = transactions
        self.conflicts = conflicts
        self.threadCounts = threadCounts
        self.repetitions = repetitions
    }

    /// Runs on a deep-stack thread, as the node's solo driver does, so that blocks with
    /// contracts need not hop onto one (`DeepStackThread.ensuring`).
    public func run(progress: (String) -> Void = { _ in }) -> [ExecutorBenchmarkRow] {
        DeepStackThread.ensuring { measureRows(progress: progress) }
    }

    private func measureRows(progress: (String) -> Void) -> [ExecutorBenchmarkRow] {
        var rows: [ExecutorBenchmarkRow] = []
        let executors = threadCounts.map { ParallelExecutor(threads: $0) }
        // A gas limit that holds the whole block: the benchmark is about execution, not selection.
        let context = BlockContext(number: 1, timestamp: 1, sealer: .zero, gasLimit: .max)
        for conflict in conflicts {
            progress("\(transactions) \(self.workload.name) transfers, \(Int(conflict * 100))% through one hot account")
            let workload = self.workload.block(transactions: transactions, conflict: conflict)
            let serial = SerialExecutor()
            let reference = serial.execute(workload.transactions, on: workload.state, context: context)
            precondition(reference.excluded.isEmpty && reference.receipts.allSatisfy { $0.status == .success },
                         "every benchmark transfer should succeed")
            for executor in executors {
                // Serial and parallel blocks interleaved, so that both see the same machine. Each
                // result is freed after its timing: in a node it outlives execution (commit, RPC).
                var serialTimes: [Double] = [], parallelTimes: [Double] = []
                var last: BlockExecutionResult?
                for _ in 0..<repetitions {
                    let (_, serialTime) = timed { serial.execute(workload.transactions, on: workload.state, context: context) }
                    serialTimes.append(serialTime)
                    let (result, parallelTime) = timed { executor.execute(workload.transactions, on: workload.state, context: context) }
                    parallelTimes.append(parallelTime)
                    last = result
                }
                precondition(last!.changes.digest == reference.changes.digest && last!.receipts == reference.receipts,
                             "parallel result differs from serial")
                let allocations = allocationsPerTransaction(executor, workload, context)
                let parallelSeconds = median(parallelTimes)
                rows.append(ExecutorBenchmarkRow(
                    workload: self.workload.name, conflict: conflict, threads: executor.threadCount, txs: transactions,
                    serialSeconds: median(serialTimes), parallelSeconds: parallelSeconds,
                    dagBuildShare: Double(last!.statistics.dagBuildNanoseconds) / 1e9 / parallelSeconds,
                    statistics: last!.statistics, allocationsPerTransaction: allocations))
            }
        }
        return rows
    }

    /// Allocation requests per transaction over a few blocks on a warmed-up executor.
    func allocationsPerTransaction(_ executor: ParallelExecutor, _ workload: ExecutorWorkload, _ context: BlockContext) -> Double? {
        _ = executor.execute(workload.transactions, on: workload.state, context: context)
        guard let before = AllocationCounter.requests else { return nil }
        let blocks = 3
        for _ in 0..<blocks { _ = executor.execute(workload.transactions, on: workload.state, context: context) }
        guard let after = AllocationCounter.requests else { return nil }
        return Double(after - before) / Double(blocks * max(1, workload.transactions.count))
    }

    /// Live heap bytes after blocks 1, 10 and `blocks` of the same block run again and again.
    public func memoryAcrossBlocks(_ blocks: Int = 100, threads: Int) -> [(block: Int, bytes: UInt64)] {
        let executor = ParallelExecutor(threads: threads)
        let workload = self.workload.block(transactions: transactions, conflict: 0.1)
        let context = BlockContext(number: 1, timestamp: 1, sealer: .zero, gasLimit: .max)
        var samples: [(block: Int, bytes: UInt64)] = []
        for block in 1...blocks {
            _ = executor.execute(workload.transactions, on: workload.state, context: context)
            if [1, 10, 50, blocks].contains(block), let bytes = AllocationCounter.allocatedBytes {
                samples.append((block, bytes))
            }
        }
        return samples
    }

    /// `body`'s result and its run time in seconds; the result is freed by the caller, untimed.
    private func timed(_ body: () -> BlockExecutionResult) -> (BlockExecutionResult, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = body()
        return (result, (clock.now - start).nanoseconds / 1e9)
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
