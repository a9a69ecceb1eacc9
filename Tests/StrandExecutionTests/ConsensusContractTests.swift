import StrandBench
import StrandCrypto
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// The Consensus contract as FISCO's console sees it: a governor adds observers, promotes them
/// and removes nodes; FISCO's codes for the rest; the roster is state that the next height's
/// validators are read from. It runs as a barrier, so parallel equals serial around it.
@Suite struct ConsensusContractTests {
    static let governor = 1, stranger = 2
    static let nodes = (1...6).map { try! NodeID(Array(repeating: UInt8($0), count: 64)) }
    static let chain = ChainConfig(chainID: 7, validators: Array(nodes.prefix(4)))
    static let genesis = InMemoryState([ChainGovernance.memberKey(ExecutorWorkload.sender(governor)): .one])
    var context: BlockContext {
        var context = BlockContext(number: 1, timestamp: 1, sealer: ExecutorWorkload.sender(999))
        context.genesisValidators = Self.chain.validators
        return context
    }

    static func call(_ selector: UInt32, _ node: String, by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: ConsensusContract.address,
                                     data: ContractCalldata.encode(selector, strings: [node]))
    }

    static func codes(_ result: BlockExecutionResult) -> [Int64?] { result.receipts.map { ContractCalldata.decodeInt256($0.output) } }

    @Test func aNodeJoinsAsObserverThenSealsAndLeaves() {
        let five = Self.nodes[4].description, one = Self.nodes[0].description
        let txs = [
            Self.call(ConsensusContract.addSealer, five, by: Self.governor, nonce: 0),    // not an observer yet
            Self.call(ConsensusContract.addObserver, five, by: Self.stranger, nonce: 0),  // not a governor
            Self.call(ConsensusContract.addObserver, "12ab", by: Self.governor, nonce: 1),
            Self.call(ConsensusContract.addObserver, five, by: Self.governor, nonce: 2),
            Self.call(ConsensusContract.addObserver, five, by: Self.governor, nonce: 3),  // already one
            Self.call(ConsensusContract.addSealer, five, by: Self.governor, nonce: 4),
            Self.call(ConsensusContract.remove, one, by: Self.governor, nonce: 5),
            Self.call(ConsensusContract.remove, one, by: Self.governor, nonce: 6),        // gone already
        ]
        let result = SerialExecutor().execute(txs, on: Self.genesis, context: context)
        #expect(result.excluded.isEmpty && result.receipts.allSatisfy { $0.status == .success })
        #expect(Self.codes(result) == [-51104, -50000, -51100, 1, 0, 1, 1, -51103])
        var state = Self.genesis
        state.apply(result.changes)
        let roster = ConsensusRoster(chain: Self.chain, state: state)
        #expect(roster.sealers == Array(Self.nodes[1..<5]))
        #expect(roster.observers.isEmpty)
        #expect(roster.validators.quorum == 3)
        // Untouched state: genesis's validators.
        #expect(ConsensusRoster(chain: Self.chain, state: Self.genesis).sealers == Self.chain.validators)
    }

    @Test func theLastSealerStays() {
        let solo = ChainConfig(chainID: 7, validators: [Self.nodes[0]])
        var context = context
        context.genesisValidators = solo.validators
        let txs = [
            Self.call(ConsensusContract.remove, Self.nodes[0].description, by: Self.governor, nonce: 0),
            Self.call(ConsensusContract.addObserver, Self.nodes[0].description, by: Self.governor, nonce: 1),
            Self.call(ConsensusContract.addObserver, Self.nodes[1].description, by: Self.governor, nonce: 2),
            Self.call(ConsensusContract.remove, Self.nodes[1].description, by: Self.governor, nonce: 3),
        ]
        let result = SerialExecutor().execute(txs, on: Self.genesis, context: context)
        #expect(Self.codes(result) == [-51101, -51101, 1, 1])
        var state = Self.genesis
        state.apply(result.changes)
        #expect(ConsensusRoster(chain: solo, state: state).entries == [.init(node: Self.nodes[0], role: .sealer)])
        // The removed observer's slots are cleared, not left behind.
        #expect(!result.changes.entries.contains { $0.key == ConsensusContract.entryKeys(1).role && !$0.value.isZero })
    }

    @Test func parallelEqualsSerialWithRosterChangesAmongTransfers() {
        var txs: [RecoveredTransaction] = []
        var governorNonce: UInt64 = 0
        for i in 0..<40 {
            if i % 7 == 0 {
                let selector = [ConsensusContract.addObserver, ConsensusContract.addSealer, ConsensusContract.remove][(i / 7) % 3]
                txs.append(Self.call(selector, Self.nodes[4 + (i / 7) % 2].description, by: Self.governor, nonce: governorNonce))
                governorNonce += 1
            } else {
                txs.append(ExecutorWorkload.transaction(sender: 10 + i, nonce: 0, to: ParallelTransfer.address,
                                                        data: ParallelTransfer.Request.userSave(user: "u\(i % 3)", amount: UInt256(UInt64(i))).calldata))
            }
        }
        let serial = SerialExecutor().execute(txs, on: Self.genesis, context: context)
        #expect(Self.codes(serial).compactMap { $0 }.contains(1))
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: Self.genesis, context: context)
            #expect(parallel.receipts == serial.receipts)
            #expect(parallel.changes == serial.changes)
        }
    }
}
