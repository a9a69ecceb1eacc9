import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// Contract code on FISCO's table objects (Asset.vy): the calls run through the EVM's journaled
/// state, so parallel execution along speculated access sets equals serial execution, and
/// accounts that do not share a row run side by side.
@Suite struct TableObjectTests {
    static let deployer = 1
    static let asset = Address.contract(createdBy: ExecutorWorkload.sender(deployer), nonce: 0)

    static func context(_ block: UInt64) -> BlockContext { BlockContext(number: block, timestamp: block, sealer: ExecutorWorkload.sender(999)) }

    static func call(_ signature: String, _ strings: [String], _ words: [UInt256] = [], by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: asset,
                                     data: ContractCalldata.encode(ContractCalldata.selector(signature), strings: strings, words: words),
                                     gasLimit: 3_000_000)
    }

    func expectSame(_ serial: BlockExecutionResult, on state: InMemoryState, _ txs: [RecoveredTransaction], block: UInt64) {
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: state, context: Self.context(block))
            #expect(parallel.receipts == serial.receipts, "\(threads) threads: receipts")
            #expect(parallel.changes.encoded == serial.changes.encoded, "\(threads) threads: state changes")
        }
    }

    @Test func assetSampleRunsInParallelAsSerially() throws {
        var state = InMemoryState()
        let deploy = ExecutorWorkload.transaction(sender: Self.deployer, nonce: 0, to: nil, data: AssetArtifact.creationCode, gasLimit: 10_000_000)
        let deployed = SerialExecutor().execute([deploy], on: state, context: Self.context(1))
        #expect(deployed.receipts.map(\.status) == [.success])
        state.apply(deployed.changes)
        #expect(Tables.schema(of: "u_t_asset") { state.value(of: $0) } == Tables.Schema(keyField: "account", valueFields: ["asset_value"]))

        // Forty accounts registered, each by its own sender: rows under forty keys.
        let registrations = (0..<40).map { Self.call("register(string,uint256)", ["a\($0)"], [UInt256(UInt64(100 + $0))], by: 10 + $0, nonce: 0) }
        let registered = SerialExecutor().execute(registrations, on: state, context: Self.context(2))
        #expect(registered.receipts.allSatisfy { $0.status == .success && $0.logs.count == 1 })
        expectSame(registered, on: state, registrations, block: 2)
        let statistics = ParallelExecutor(threads: 4).execute(registrations, on: state, context: Self.context(2)).statistics
        #expect(statistics.maximumWidth > 1 && !statistics.reexecutedSerially && !statistics.speculationSkipped,
                "disjoint registrations run side by side: \(statistics)")
        state.apply(registered.changes)

        // Transfers in pairs, some sharing an account, one overdrawn, one to a missing account.
        var transfers = (0..<20).map { Self.call("transfer(string,string,uint256)", ["a\($0)", "a\(($0 * 7 + 3) % 40)"], [UInt256(UInt64($0 + 1))],
                                                 by: 10 + $0, nonce: 1) }
        transfers.append(Self.call("transfer(string,string,uint256)", ["a30", "a31"], [UInt256(1_000)], by: 60, nonce: 0))
        transfers.append(Self.call("transfer(string,string,uint256)", ["a32", "nobody"], [UInt256(1)], by: 61, nonce: 0))
        transfers.append(Self.call("kvSet(string,uint256)", ["a5"], [UInt256(9)], by: 62, nonce: 0))
        let moved = SerialExecutor().execute(transfers, on: state, context: Self.context(3))
        #expect(moved.receipts.map(\.status) == Array(repeating: .success, count: 20) + [.failure, .failure, .success])
        expectSame(moved, on: state, transfers, block: 3)
        state.apply(moved.changes)

        // Every asset moved is conserved.
        let total = (0..<40).reduce(UInt64(0)) { sum, index in
            let row = Tables.rows(table: "u_t_asset", key: "a\(index)") { state.value(of: $0) }.first
            return sum + (row?.first { $0.field == "asset_value" }.flatMap { UInt64($0.value) } ?? 0)
        }
        #expect(total == (0..<40).reduce(0) { $0 + 100 + UInt64($1) })
        #expect(Tables.rows(table: "u_t_kv_asset", key: "a5") { state.value(of: $0) }.first?.last?.value == "9")
    }

    @Test func contractsDeclareOnlyTheirOwnParallelFunctions() {
        var state = InMemoryState()
        let deploy = ExecutorWorkload.transaction(sender: Self.deployer, nonce: 0, to: nil, data: AssetArtifact.creationCode, gasLimit: 10_000_000)
        state.apply(SerialExecutor().execute([deploy], on: state, context: Self.context(1)).changes)
        let direct = ExecutorWorkload.transaction(
            sender: 2, nonce: 0, to: ParallelConfig.address,
            data: withUnsafeBytes(of: ParallelConfig.register.bigEndian) { Array($0) }
                + UInt256(Self.asset).bigEndianBytes + UInt256(96).bigEndianBytes + UInt256(2).bigEndianBytes
                + UInt256(31).bigEndianBytes + Array("transfer(string,string,uint256)".utf8) + [0])
        let result = SerialExecutor().execute([Self.call("enableParallel()", [], by: 3, nonce: 0), direct], on: state, context: Self.context(2))
        #expect(result.receipts.map { ContractCalldata.decodeInt256($0.output) } == [1, -50000])
        state.apply(result.changes)
        #expect(ParallelConfig.declarations(of: Self.asset) { state.value(of: $0) }
                == [ParallelConfig.Declaration(selector: ContractCalldata.selector("transfer(string,string,uint256)"), criticalSize: 2)])
    }
}
