import Foundation
import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// ChainGovernance's unvoted acts — operators, frozen accounts — and votes that expire.
@Suite struct AccountGovernanceTests {
    static let member = 1, otherMember = 2, userIndex = 5, operatorAccount = 6, stranger = 9
    static let genesis = [ExecutorWorkload.sender(member), ExecutorWorkload.sender(otherMember)]
    static let contractAccount = ExecutorWorkload.sender(77)
    static let state = InMemoryState(Dictionary(uniqueKeysWithValues: genesis.map { (ChainGovernance.memberKey($0), UInt256.one) }
        + [(StateKey.codeHash(contractAccount), UInt256.one), (StateKey.balance(ExecutorWorkload.sender(userIndex)), UInt256(1_000)),
           (StateKey.balance(ExecutorWorkload.sender(40)), UInt256(1_000))]))
    static let initCode: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0xf3]

    static func context(block: UInt64) -> BlockContext {
        var context = BlockContext(number: block, timestamp: block, sealer: ExecutorWorkload.sender(999))
        context.genesisGovernors = genesis
        return context
    }

    static func call(_ selector: UInt32, _ account: Address, by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: ChainGovernance.address,
                                     data: ContractCalldata.encode(selector, strings: [], words: [UInt256(account)]))
    }

    static func pay(from sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: ExecutorWorkload.sender(500), value: UInt256(10))
    }

    static func codes(_ result: BlockExecutionResult) -> [Int64?] { result.receipts.map { ContractCalldata.decodeInt256($0.output) } }

    static func string(_ receipt: Receipt) -> String {
        let length = Int(UInt256(bigEndian: receipt.output[32..<64])!.uint64!)
        return String(decoding: receipt.output[64..<(64 + length)], as: UTF8.self)
    }

    static let user = ExecutorWorkload.sender(userIndex)

    @Test func aFreezeIsInForceFromTheNextBlockAndOnlySpendsTheNonce() {
        let first = SerialExecutor().execute([
            Self.call(ChainGovernance.freezeAccount, Self.user, by: Self.stranger, nonce: 0),            // not a member
            Self.call(ChainGovernance.freezeAccount, Self.genesis[1], by: Self.member, nonce: 0),        // a member
            Self.call(ChainGovernance.freezeAccount, Self.contractAccount, by: Self.member, nonce: 1),   // a contract
            Self.call(ChainGovernance.freezeAccount, Self.user, by: Self.member, nonce: 2),
            Self.call(ChainGovernance.freezeAccount, Self.user, by: Self.member, nonce: 3),              // frozen already
            Self.pay(from: Self.userIndex, nonce: 0),                                                          // still passes
        ], on: Self.state, context: Self.context(block: 1))
        #expect(first.receipts.map(\.status) == Array(repeating: .success, count: 6))
        #expect(Self.codes(first).prefix(5) == [-50000, -50000, -52009, 1, -52011])
        var state = Self.state
        state.apply(first.changes)

        // Block 2: the frozen account's transaction is included with status 31; only its nonce moves.
        let txs = [Self.pay(from: Self.userIndex, nonce: 1), Self.pay(from: 40, nonce: 0),
                   Self.call(ChainGovernance.getAccountStatus, Self.user, by: Self.stranger, nonce: 1),
                   Self.call(ChainGovernance.unfreezeAccount, Self.user, by: Self.member, nonce: 4),
                   Self.call(ChainGovernance.unfreezeAccount, Self.user, by: Self.member, nonce: 5)]
        let second = SerialExecutor().execute(txs, on: state, context: Self.context(block: 2))
        #expect(second.receipts.map(\.status) == [.accountFrozen, .success, .success, .success, .success])
        #expect(second.receipts[0].gasUsed == 0)
        #expect(Self.string(second.receipts[2]) == ChainGovernance.AccountStatus.frozen.rawValue)
        #expect(Self.codes(second).suffix(2) == [1, -52010])
        let userKeys = second.changes.entries.filter { $0.key == .nonce(Self.user) || $0.key == .balance(Self.user) }
        #expect(userKeys.map(\.key) == [.nonce(Self.user)] && userKeys.first?.value == UInt256(2))
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: state, context: Self.context(block: 2))
            #expect(parallel.receipts == second.receipts && parallel.changes == second.changes, "\(threads) threads")
        }
        state.apply(second.changes)

        // Block 3: unfrozen.
        let third = SerialExecutor().execute([Self.pay(from: Self.userIndex, nonce: 2)], on: state, context: Self.context(block: 3))
        #expect(third.receipts.map(\.status) == [.success])
    }

    @Test func operatorsDeployAloneOnceNamed() {
        let operatorAddress = ExecutorWorkload.sender(Self.operatorAccount)
        let first = SerialExecutor().execute([
            Self.call(ChainGovernance.grantOperator, operatorAddress, by: Self.stranger, nonce: 0),     // not a member
            Self.call(ChainGovernance.grantOperator, Self.genesis[1], by: Self.member, nonce: 0),       // a member
            Self.call(ChainGovernance.grantOperator, operatorAddress, by: Self.member, nonce: 1),
            Self.call(ChainGovernance.grantOperator, operatorAddress, by: Self.member, nonce: 2),       // already
            Self.call(ChainGovernance.grantCommitteeMember, operatorAddress, by: Self.member, nonce: 3), // an operator
            ExecutorWorkload.transaction(sender: Self.stranger, nonce: 1, to: ChainGovernance.address,
                                         data: ContractCalldata.encode(ChainGovernance.listOperators, strings: [])),
        ], on: Self.state, context: Self.context(block: 1))
        #expect(Self.codes(first).prefix(5) == [-50000, -52005, 1, -52006, -52004])
        #expect(Self.string(first.receipts[5]) == "[{\"address\":\"\(operatorAddress)\",\"enable_num\":\"2\"}]")
        var state = Self.state
        state.apply(first.changes)

        let deploy = { (sender: Int, nonce: UInt64) in ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: nil, data: Self.initCode) }
        let second = SerialExecutor().execute([
            deploy(Self.stranger, 2), deploy(Self.operatorAccount, 0),
            Self.call(ChainGovernance.revokeOperator, operatorAddress, by: Self.member, nonce: 4),
            Self.call(ChainGovernance.revokeOperator, operatorAddress, by: Self.member, nonce: 5),       // gone
        ], on: state, context: Self.context(block: 2))
        #expect(second.receipts.prefix(2).map(\.status) == [.noDeployPermission, .success])
        #expect(Self.codes(second).suffix(2) == [1, -52007])
        state.apply(second.changes)
        #expect(ChainGovernance.operators { state.value(of: $0) }.isEmpty)
        #expect(Permission.grants(table: Permission.deployAndCreateTable) { state.value(of: $0) }.isEmpty)
    }

    @Test func votesExpireAfterTheirLifetime() {
        let candidate = ExecutorWorkload.sender(3)
        let grant = { (sender: Int, nonce: UInt64) in Self.call(ChainGovernance.grantCommitteeMember, candidate, by: sender, nonce: nonce) }
        var state = Self.state
        let cast = SerialExecutor().execute([grant(Self.member, 0)], on: state, context: Self.context(block: 1))
        #expect(Self.codes(cast) == [0])
        state.apply(cast.changes)
        // The first vote counted through block 10,000 only: the second alone is half, not more.
        let late = SerialExecutor().execute([grant(Self.otherMember, 0)], on: state, context: Self.context(block: 1 + ChainGovernance.voteLifetime))
        #expect(Self.codes(late) == [0])
        state.apply(late.changes)
        let again = SerialExecutor().execute([grant(Self.member, 1)], on: state, context: Self.context(block: 2 + ChainGovernance.voteLifetime))
        #expect(Self.codes(again) == [1])
    }
}
