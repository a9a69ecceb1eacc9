import Foundation
import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// The committee changes by its members' votes: a change is made once the voters' weight exceeds
/// the threshold's share; FISCO's codes for what cannot be; a new member governs at once after.
@Suite struct ChainGovernanceTests {
    static let a = 1, b = 2, c = 3, stranger = 9
    static let genesis = [ExecutorWorkload.sender(a), ExecutorWorkload.sender(b)]
    static let state = InMemoryState(Dictionary(uniqueKeysWithValues: genesis.map { (ChainGovernance.memberKey($0), UInt256.one) }))
    var context: BlockContext {
        var context = BlockContext(number: 1, timestamp: 1, sealer: ExecutorWorkload.sender(999))
        context.genesisGovernors = Self.genesis
        return context
    }

    static func vote(_ selector: UInt32, _ words: [UInt256], by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: ChainGovernance.address,
                                     data: ContractCalldata.encode(selector, strings: [], words: words))
    }

    static func account(_ index: Int) -> UInt256 { UInt256(ExecutorWorkload.sender(index)) }
    static func codes(_ result: BlockExecutionResult) -> [Int64?] { result.receipts.map { ContractCalldata.decodeInt256($0.output) } }

    @Test func aMajorityOfWeightAddsAMemberWhoGovernsAtOnce() throws {
        let txs = [
            Self.vote(ChainGovernance.grantCommitteeMember, [Self.account(Self.c)], by: Self.stranger, nonce: 0),  // not a member
            Self.vote(ChainGovernance.grantCommitteeMember, [Self.account(Self.c)], by: Self.a, nonce: 0),         // 1 of 2: waits
            Self.vote(ChainGovernance.grantCommitteeMember, [Self.account(Self.c)], by: Self.a, nonce: 1),         // again: no double count
            Self.vote(ChainGovernance.grantCommitteeMember, [Self.account(Self.c)], by: Self.b, nonce: 0),         // 2 of 2: made
            Self.vote(ChainGovernance.grantCommitteeMember, [Self.account(Self.c)], by: Self.a, nonce: 2),         // exists
            ExecutorWorkload.transaction(sender: Self.c, nonce: 0, to: SystemConfig.address,
                                         data: SystemConfig.calldata(key: "tx_count_limit", value: "7")),         // C governs
            Self.vote(ChainGovernance.updateThreshold, [ContractCalldata.int256(100)], by: Self.a, nonce: 3),
            Self.vote(ChainGovernance.revokeCommitteeMember, [Self.account(Self.stranger)], by: Self.a, nonce: 4),
            Self.vote(ChainGovernance.updateCommitteeMemberWeight, [Self.account(Self.b), ContractCalldata.int256(0)], by: Self.a, nonce: 5),
            ExecutorWorkload.transaction(sender: Self.stranger, nonce: 1, to: ChainGovernance.address,
                                         data: ContractCalldata.encode(ChainGovernance.listCommitteeMembers, strings: [])),
        ]
        let result = SerialExecutor().execute(txs, on: Self.state, context: context)
        #expect(result.receipts.allSatisfy { $0.status == .success })
        #expect(Self.codes(result).prefix(9) == [-50000, 0, 0, 1, -52000, 1, -52003, -52001, -52002])
        let output = result.receipts[9].output
        let json = String(decoding: output[64..<(64 + Int(UInt256(bigEndian: output[32..<64])!.uint64!))], as: UTF8.self)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]])
        #expect(listed.map { $0["address"] } == [Self.genesis[0], Self.genesis[1], ExecutorWorkload.sender(Self.c)].map(\.description))
    }

    @Test func weightsAndThresholdDecide() {
        var state = Self.state
        // A weighs 3: alone it outweighs half of 4, so it also removes B alone; the last member stays.
        let first = SerialExecutor().execute([
            Self.vote(ChainGovernance.updateCommitteeMemberWeight, [Self.account(Self.a), ContractCalldata.int256(3)], by: Self.a, nonce: 0),
            Self.vote(ChainGovernance.updateCommitteeMemberWeight, [Self.account(Self.a), ContractCalldata.int256(3)], by: Self.b, nonce: 0),
        ], on: state, context: context)
        #expect(Self.codes(first) == [0, 1])
        state.apply(first.changes)
        let second = SerialExecutor().execute([
            Self.vote(ChainGovernance.revokeCommitteeMember, [Self.account(Self.b)], by: Self.a, nonce: 1),
            Self.vote(ChainGovernance.revokeCommitteeMember, [Self.account(Self.a)], by: Self.a, nonce: 2),
            ExecutorWorkload.transaction(sender: Self.b, nonce: 1, to: SystemConfig.address,
                                         data: SystemConfig.calldata(key: "tx_count_limit", value: "7")),
        ], on: state, context: context)
        #expect(Self.codes(second) == [1, -52002, -50000])
        state.apply(second.changes)
        let committee = ChainGovernance.committee(genesis: Self.genesis) { state.value(of: $0) }
        #expect(committee.members.map(\.account) == [ExecutorWorkload.sender(Self.a)] && committee.totalWeight == 3)
    }

    @Test func parallelEqualsSerialWithVotesAmongTransfers() {
        var txs: [RecoveredTransaction] = []
        for i in 0..<30 {
            if i % 5 == 0 {
                txs.append(Self.vote(ChainGovernance.grantCommitteeMember, [Self.account(20 + i / 10)], by: [Self.a, Self.b][(i / 5) % 2], nonce: UInt64(i / 10)))
            } else {
                txs.append(ExecutorWorkload.transaction(sender: 40 + i, nonce: 0, to: ParallelTransfer.address,
                                                        data: ParallelTransfer.Request.userSave(user: "u\(i % 3)", amount: UInt256(UInt64(i))).calldata))
            }
        }
        let serial = SerialExecutor().execute(txs, on: Self.state, context: context)
        #expect(Self.codes(serial).contains(1))
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: Self.state, context: context)
            #expect(parallel.receipts == serial.receipts && parallel.changes == serial.changes, "\(threads) threads")
        }
    }
}
