import Foundation
import StrandBench
import StrandCrypto
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// Permission as FISCO's console drives it: governors grant, list and revoke; a table with grants
/// in force admits only its grantees, from the block after the grant: a deploy is refused with
/// FISCO's status 18, a CNS registration, a SystemConfig or Consensus call with -50000.
@Suite struct PermissionTests {
    static let governor = 1, deployer = 2, stranger = 3
    static let state = InMemoryState([ChainGovernance.memberKey(ExecutorWorkload.sender(governor)): .one])
    /// PUSH1 0 PUSH1 0 RETURN: a creation that deploys empty code.
    static let initCode: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0xf3]

    static func context(block: UInt64) -> BlockContext {
        var context = BlockContext(number: block, timestamp: block, sealer: ExecutorWorkload.sender(999))
        context.genesisValidators = [try! NodeID(Array(repeating: 1, count: 64))]
        return context
    }

    static func call(_ selector: UInt32, _ strings: [String], by sender: Int, nonce: UInt64, to: Address = Permission.address) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: to, data: ContractCalldata.encode(selector, strings: strings))
    }

    static func grant(_ table: String, to account: Int, nonce: UInt64, by sender: Int = governor) -> RecoveredTransaction {
        call(Permission.insert, [table, ExecutorWorkload.sender(account).description], by: sender, nonce: nonce)
    }

    static func deploy(by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: nil, data: initCode)
    }

    static func codes(_ result: BlockExecutionResult) -> [Int64?] { result.receipts.map { ContractCalldata.decodeInt256($0.output) } }

    static func listed(_ receipt: Receipt) throws -> [String] {
        let length = Int(UInt256(bigEndian: receipt.output[32..<64])!.uint64!)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(receipt.output[64..<(64 + length)])) as? [[String: String]])
        return rows.map { $0["address"]! }
    }

    @Test func governorsGrantListAndRevoke() throws {
        let txs = [
            Self.grant(Permission.deployAndCreateTable, to: Self.deployer, nonce: 0),
            Self.grant(Permission.deployAndCreateTable, to: Self.deployer, nonce: 1),              // again
            Self.grant(Permission.deployAndCreateTable, to: Self.stranger, nonce: 0, by: Self.stranger), // not a governor
            Self.call(Permission.remove, [Permission.deployAndCreateTable, ExecutorWorkload.sender(Self.stranger).description], by: Self.governor, nonce: 2),
            Self.call(Permission.insert, ["_sys_tables_", "0x12"], by: Self.governor, nonce: 3),
            Self.grant(Permission.deployAndCreateTable, to: Self.governor, nonce: 4),
            Self.call(Permission.remove, [Permission.deployAndCreateTable, ExecutorWorkload.sender(Self.governor).description], by: Self.governor, nonce: 5),
            Self.call(Permission.queryByName, [Permission.deployAndCreateTable], by: Self.stranger, nonce: 1),
        ]
        let result = SerialExecutor().execute(txs, on: Self.state, context: Self.context(block: 5))
        #expect(Self.codes(result).prefix(4) == [1, -51000, -50000, -51001])
        #expect(Self.codes(result)[4...6] == [-50102, 1, 1])
        #expect(try Self.listed(result.receipts[7]) == [ExecutorWorkload.sender(Self.deployer).description])
        var state = Self.state
        state.apply(result.changes)
        #expect(Permission.grants(table: Permission.deployAndCreateTable) { state.value(of: $0) }
                == [Permission.Grant(account: ExecutorWorkload.sender(Self.deployer), enableNumber: 6)])
    }

    @Test func aDeployIsRefusedFromTheBlockAfterTheGrant() {
        // Block 5: the grant, and deploys that still pass (it is in force from block 6).
        let first = SerialExecutor().execute([Self.grant(Permission.deployAndCreateTable, to: Self.deployer, nonce: 0),
                                              Self.deploy(by: Self.stranger, nonce: 0)], on: Self.state, context: Self.context(block: 5))
        #expect(first.receipts.map(\.status) == [.success, .success])
        var state = Self.state
        state.apply(first.changes)
        // Block 6: the stranger's deploy is refused with FISCO's status 18, its nonce spent; the grantee's passes.
        let txs = [Self.deploy(by: Self.stranger, nonce: 1), Self.deploy(by: Self.deployer, nonce: 0)]
        let second = SerialExecutor().execute(txs, on: state, context: Self.context(block: 6))
        #expect(second.receipts.map(\.status) == [.noDeployPermission, .success])
        #expect(second.receipts[0].contractAddress == nil && second.receipts[1].contractAddress != nil)
        #expect(second.changes.entries.contains { $0.key == .nonce(ExecutorWorkload.sender(Self.stranger)) && $0.value == UInt256(2) })
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: state, context: Self.context(block: 6))
            #expect(parallel.receipts == second.receipts && parallel.changes == second.changes, "\(threads) threads")
        }
    }

    @Test func systemTablesGuardWhatTheyName() throws {
        var state = Self.state
        state.apply(StateChanges([ChainGovernance.memberKey(ExecutorWorkload.sender(Self.stranger)): .one]))
        let grants = SerialExecutor().execute([
            Self.grant(Permission.config, to: Self.governor, nonce: 0),
            Self.grant(Permission.consensus, to: Self.governor, nonce: 1),
            Self.grant(Permission.cns, to: Self.governor, nonce: 2),
        ], on: state, context: Self.context(block: 1))
        #expect(Self.codes(grants) == [1, 1, 1])
        state.apply(grants.changes)
        // The other governor lacks the grants: refused; the granted one passes.
        let node = try NodeID(Array(repeating: 7, count: 64)).description
        let txs = [
            ExecutorWorkload.transaction(sender: Self.stranger, nonce: 0, to: SystemConfig.address, data: SystemConfig.calldata(key: "tx_count_limit", value: "9")),
            Self.call(ConsensusContract.addObserver, [node], by: Self.stranger, nonce: 1, to: ConsensusContract.address),
            Self.call(CNS.insert, ["A", "1", "0x01", "[]"], by: Self.stranger, nonce: 2, to: CNS.address),
            ExecutorWorkload.transaction(sender: Self.governor, nonce: 3, to: SystemConfig.address, data: SystemConfig.calldata(key: "tx_count_limit", value: "9")),
            Self.call(ConsensusContract.addObserver, [node], by: Self.governor, nonce: 4, to: ConsensusContract.address),
            Self.call(CNS.insert, ["A", "1", "0x01", "[]"], by: Self.governor, nonce: 5, to: CNS.address),
        ]
        let result = SerialExecutor().execute(txs, on: state, context: Self.context(block: 2))
        #expect(Self.codes(result) == [-50000, -50000, -50000, 1, 1, 1])
    }
}
