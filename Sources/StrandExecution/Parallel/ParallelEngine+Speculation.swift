import StrandPrimitives
import StrandTypes

extension ParallelEngine {
    /// The largest speculated access set that goes into the DAG; a transaction with more keys
    /// is a barrier: it runs alone, between the transactions before and after it.
    static let maximumSpeculatedKeys = 32
    /// Transactions speculated per claim, and added to the DAG per step.
    static let speculationChunk = 32
    /// A critical path of at least this share of the block pauses speculation: with K of N
    /// transactions in one chain, speculating costs about N/2 + K executions on two cores
    /// against N serially, so it stops paying near K = N/2.
    static let chainPercentToPause = 45
    static let blocksToPause = 7

    /// A block with contract transactions:
    ///
    /// 1. Plan every transaction and, for contract transactions, learn the access set by
    ///    running it against the block's start state (`Speculation`), all in parallel.
    /// 2. Build the DAG from the plans' exact sets and the speculated ones (recorded straight
    ///    into the planning buffers), chunk by chunk right behind the speculating threads (a
    ///    fixed stride of 32 keys; a larger set makes its transaction a barrier, which runs
    ///    alone with access to every key).
    /// 3. and 4. as for native blocks: every access is checked against the set the DAG
    ///    assumed, and any access outside it makes the caller run the block serially.
    mutating func executeSpeculatively<Reader: StateReader & Sendable>(
        _ transactions: [RecoveredTransaction], on state: Reader, context: BlockContext, pool: WorkerPool
    ) -> BlockExecutionResult? {
        let count = transactions.count
        let stride = Self.maximumSpeculatedKeys
        var statistics = ExecutionStatistics()
        let clock = ContinuousClock()
        let started = clock.now

        let fits = blockGasLimitFits(transactions, gasLimit: context.gasLimit)
        let feesEnabled = context.feesEnabled, suite = context.suite
        let speculative = ContractContext(block: context, reader: state)
        let freezes = speculative.freezes, anyFrozen = !freezes.isEmpty
        let sets = prepare(count, stride: stride)
        // Taken for the block and handed back empty, so that its pages stay mapped between blocks.
        var speculations = speculationBuffer
        speculationBuffer = []
        Self.fit(&speculations, count, nil)
        speculations.withUnsafeMutableBufferPointer { speculationsBuffer in
            let speculationsOut = speculationsBuffer
            // A contract call touches a handful of keys of its own (sender, slots) besides shared ones.
            planAndBuildDAG(
                count: count, sets: sets, chunkSize: Self.speculationChunk, expectedKeysPerTransaction: 6, pool: pool,
                statistics: &statistics
            ) { i, plans in
                plans[i] = TransactionPlan(transactions[i], feesEnabled: feesEnabled, withinBlockGasLimit: fits[i],
                                           frozen: anyFrozen ? freezes.status(of: transactions[i]) : nil, suite: suite)
                guard plans[i].isContract else { return sets.record(plans[i], of: transactions[i], at: i, reader: state) }
                let speculation = Speculation(transactions[i], plan: plans[i], reader: state, contracts: speculative,
                                              record: sets.speculationRecord(at: i))
                sets.knownAccess[i] = speculation.keyCount != nil
                sets.accessCounts[i] = UInt8(speculation.keyCount ?? 0)
                speculationsOut[i] = speculation
            }
        }
        statistics.planningNanoseconds = (clock.now - started).nanoseconds - statistics.dagBuildNanoseconds

        // Speculating a block that is mostly one chain costs more than it gains: the chain runs
        // again in order. Then the next contract blocks run serially, and every eighth is
        // speculated again to see whether the pattern changed. Only scheduling depends on this.
        if statistics.criticalPathLength * 100 >= count * Self.chainPercentToPause {
            speculationPaused = Self.blocksToPause
        }

        // A transaction that depends on nothing earlier sees the start state: its speculative
        // run is its run. The others' runs are dropped here (read in place: copying a
        // speculation retains its outcome's arrays).
        let contracts = ContractContext(block: context, reader: state)
        let result = speculations.withUnsafeMutableBufferPointer { speculations in
            var reused = 0
            for i in 0..<count where speculations[i] != nil {
                if sets.knownAccess[i] && dag.inDegree[i] == 0 && speculations[i]!.nonceWasDue {
                    reused += 1
                } else {
                    speculations[i] = nil
                }
            }
            return executeAlongDAG(transactions, on: state, context: context, pool: pool, sets: sets,
                                   contracts: contracts, statistics: statistics, reusable: speculations,
                                   everyTransactionReused: reused == count)
        }
        // Thousands of recorded sets to free: on all cores, not on this thread after the block.
        speculations.withUnsafeMutableBufferPointer { buffer in
            let speculationsOut = buffer
            pool.threads.parallelFor(count, chunkSize: 256) { range in
                for i in range { speculationsOut[i] = nil }
            }
        }
        speculationBuffer = speculations
        return result
    }
}
