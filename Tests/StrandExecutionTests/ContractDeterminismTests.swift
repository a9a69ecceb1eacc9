import StrandBench
@testable import StrandExecution
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// Blocks with EVM transactions: parallel execution along speculated access sets must equal
/// serial execution, bit for bit, for any thread count.
@Suite struct ContractDeterminismTests {
    static let artifact = try! ERC20Artifact(path: TestPaths.erc20)
    static let executors = (1...8).map { ParallelExecutor(threads: $0) }
    let context = BlockContext(number: 3, timestamp: 3, sealer: ExecutorWorkload.sender(0))

    func expectSame(_ a: BlockExecutionResult, _ b: BlockExecutionResult, _ label: String) {
        #expect(a.included == b.included, "\(label): included")
        #expect(a.receipts == b.receipts, "\(label): receipts")
        #expect(a.excluded == b.excluded, "\(label): excluded")
        #expect(a.changes.encoded == b.changes.encoded, "\(label): state changes")
    }

    @Test(arguments: [(holders: 5, conflict: 0.0, seed: 1), (holders: 40, conflict: 0.3, seed: 2),
                      (holders: 200, conflict: 0.0, seed: 3), (holders: 200, conflict: 1.0, seed: 4)] as [(Int, Double, UInt64)])
    func mixedContractBlocks(holders: Int, conflict: Double, seed: UInt64) {
        let workload = ExecutorWorkload.erc20Mixed(count: 400, holders: holders, conflict: conflict,
                                                   artifact: Self.artifact, seed: seed)
        let serial = ReferenceExecutor().execute(workload.transactions, on: workload.state, context: context)
        #expect(serial.receipts.contains { $0.status == .failure }, "some transactions revert")
        #expect(serial.receipts.contains { $0.contractAddress != nil }, "some create contracts")
        #expect(serial.receipts.contains { !$0.logs.isEmpty }, "some emit events")
        #expect(!serial.excluded.isEmpty, "some are excluded")
        #expect(!serial.changes.code.isEmpty, "deployed code is in the changes")
        expectSame(serial, SerialExecutor().execute(workload.transactions, on: workload.state, context: context), "serial")
        for executor in Self.executors {
            expectSame(serial, executor.execute(workload.transactions, on: workload.state, context: context),
                       "\(executor.threadCount) threads")
        }
    }

    @Test func conflictFreeTransfersRunInParallelWithoutFallback() {
        let workload = ExecutorWorkload.erc20Transfers(count: 300, conflict: 0, artifact: Self.artifact)
        let serial = SerialExecutor().execute(workload.transactions, on: workload.state, context: context)
        #expect(serial.receipts.count == 300 && serial.receipts.allSatisfy { $0.status == .success })
        for threads in 1...4 {
            let executor = ParallelExecutor(threads: threads)
            let parallel = executor.execute(workload.transactions, on: workload.state, context: context)
            #expect(!parallel.statistics.reexecutedSerially)
            #expect(parallel.statistics.criticalPathLength == 1, "no two transfers conflict")
            expectSame(serial, parallel, "\(executor.threadCount) threads")
        }
    }

    @Test func hotRecipientFormsOneChainAndPausesSpeculation() {
        let workload = ExecutorWorkload.erc20Transfers(count: 200, conflict: 1, artifact: Self.artifact)
        let serial = SerialExecutor().execute(workload.transactions, on: workload.state, context: context)
        let executor = ParallelExecutor(threads: 2)
        let first = executor.execute(workload.transactions, on: workload.state, context: context)
        #expect(!first.statistics.reexecutedSerially && !first.statistics.speculationSkipped)
        #expect(first.statistics.criticalPathLength == 200)
        expectSame(serial, first, "speculated")
        // One chain: the next seven contract blocks run serially, with the same results.
        for block in 1...7 {
            let result = executor.execute(workload.transactions, on: workload.state, context: context)
            #expect(result.statistics.speculationSkipped, "block \(block)")
            expectSame(serial, result, "block \(block)")
        }
        // The eighth is speculated again; conflict-free, it stays parallel.
        let free = ExecutorWorkload.erc20Transfers(count: 100, conflict: 0, artifact: Self.artifact)
        let parallel = executor.execute(free.transactions, on: free.state, context: context)
        #expect(!parallel.statistics.speculationSkipped && parallel.statistics.criticalPathLength == 1)
    }
}
