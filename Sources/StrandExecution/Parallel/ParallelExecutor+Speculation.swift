import StrandPrimitives
import StrandTypes

extension Buffers {
    /// The largest speculated access set that goes into the DAG; a transaction with more keys
    /// is a barrier, which sends the block to serial execution.
    static let maximumSpeculatedKeys = 64

    /// A block with contract transactions:
    ///
    /// 1. Plan every transaction and, for contract transactions, learn the access set by
    ///    running it against the block's start state (`SpeculativeAccess`), all in parallel.
    /// 2. Build the DAG from the plans' exact sets and the speculated ones, with a stride of
    ///    the largest set.
    /// 3. and 4. as for native blocks: every access is checked against the set the DAG
    ///    assumed, and any access outside it makes the caller run the block serially.
    mutating func executeSpeculatively<Reader: StateReader & Sendable>(
        _ transactions: [RecoveredTransaction], on state: Reader, context: BlockContext, pool: WorkerPool
    ) -> BlockExecutionResult? {
        let count = transactions.count
        var statistics = ExecutionStatistics()
        let clock = ContinuousClock()
        var mark = clock.now

        let fits = blockGasLimitFits(transactions, gasLimit: context.gasLimit)
        let speculative = ContractContext(block: context, codeReader: { [state] in state.code(hash: $0) })
        Self.fit(&plans, count, .placeholder)
        var sets = [[(key: StateKey, isWrite: Bool)]](repeating: [], count: count)
        var speculations = [Speculation?](repeating: nil, count: count)
        plans.withUnsafeMutableBufferPointer { plansBuffer in
          speculations.withUnsafeMutableBufferPointer { speculationsBuffer in
            sets.withUnsafeMutableBufferPointer { setsBuffer in
                let (plansOut, setsOut, speculationsOut) = (plansBuffer, setsBuffer, speculationsBuffer)
                pool.threads.parallelFor(count, chunkSize: 8) { range in
                    let scratchKeys = UnsafeMutablePointer<StateKey>.allocate(capacity: AccessSetBuilder.capacity)
                    let scratchWrites = UnsafeMutablePointer<Bool>.allocate(capacity: AccessSetBuilder.capacity)
                    defer { scratchKeys.deallocate(); scratchWrites.deallocate() }
                    for i in range {
                        let plan = TransactionPlan(transactions[i], context: context, withinBlockGasLimit: fits[i])
                        plansOut[i] = plan
                        if plan.isContract {
                            let speculation = Speculation(transactions[i], plan: plan, reader: state, contracts: speculative)
                            setsOut[i] = speculation.accesses
                            speculationsOut[i] = speculation
                        } else {
                            var builder = AccessSetBuilder(keys: scratchKeys, isWrite: scratchWrites)
                            plan.recordAccess(of: transactions[i], into: &builder)
                            setsOut[i] = (0..<builder.count).map { (scratchKeys[$0], scratchWrites[$0]) }
                        }
                    }
                }
            }
          }
        }
        statistics.planningNanoseconds = (clock.now - mark).nanoseconds
        mark = clock.now

        let stride = max(1, min(sets.lazy.map(\.count).max() ?? 1, Self.maximumSpeculatedKeys))
        Self.fit(&keys, count * stride, .nonce(.zero))
        Self.fit(&isWrite, count * stride, false)
        Self.fit(&accessCounts, count, 0)
        Self.fit(&knownAccess, count, true)
        Self.fit(&outcomes, count, TransactionOutcome(status: nil))
        Self.fit(&violations, count, false)
        for i in 0..<count {
            let set = sets[i]
            knownAccess[i] = set.count <= stride
            accessCounts[i] = knownAccess[i] ? UInt8(set.count) : 0
            guard knownAccess[i] else { continue }
            for (a, access) in set.enumerated() {
                keys[i * stride + a] = access.key
                isWrite[i * stride + a] = access.isWrite
            }
        }
        keyIndex.reset(expectedKeys: count * stride)
        keys.withUnsafeBufferPointer { keys in
            isWrite.withUnsafeBufferPointer { isWrite in
                accessCounts.withUnsafeBufferPointer { accessCounts in
                    knownAccess.withUnsafeBufferPointer { knownAccess in
                        dag.build(count: count, stride: stride, keys: keys.baseAddress!, isWrite: isWrite.baseAddress!,
                                  accessCounts: accessCounts.baseAddress!, knownAccess: knownAccess.baseAddress!,
                                  keyIndex: keyIndex)
                    }
                }
            }
        }
        statistics.dagBuildNanoseconds = (clock.now - mark).nanoseconds
        statistics.edgeCount = dag.edgeCount
        statistics.criticalPathLength = dag.criticalPathLength
        statistics.maximumWidth = dag.maximumWidth

        // A transaction that depends on nothing earlier sees the start state: its speculative
        // run is its run.
        for i in 0..<count where speculations[i] != nil {
            if !(knownAccess[i] && dag.inDegree[i] == 0 && speculations[i]!.nonceWasDue) { speculations[i] = nil }
        }
        let contracts = ContractContext(block: context, codeReader: { [state] in state.code(hash: $0) })
        return executeAlongDAG(transactions, on: state, context: context, pool: pool, stride: stride,
                               contracts: contracts, statistics: statistics, reusable: speculations)
    }
}
