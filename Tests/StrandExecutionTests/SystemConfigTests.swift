import StrandBench
import StrandCrypto
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// SystemConfig as FISCO's clients see it: a governor sets a limit, anyone else is told -50000,
/// an unknown key or a value out of range -51300, each with receipt status success; the limit
/// is state that the next block reads. Parallel equals serial.
@Suite struct SystemConfigTests {
    let context = BlockContext(number: 1, timestamp: 1, sealer: ExecutorWorkload.sender(999))
    static let governor = 1, stranger = 2
    static let genesis = InMemoryState([ChainGovernance.memberKey(ExecutorWorkload.sender(governor)): .one,
                                        .balance(ExecutorWorkload.sender(governor)): UInt256(1_000)])
    static let chain = ChainConfig(chainID: 7, validators: [try! NodeID(Array(repeating: 1, count: 64))])

    static func set(_ key: String, _ value: String, by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: SystemConfig.address, data: SystemConfig.calldata(key: key, value: value))
    }

    static func code(_ receipt: Receipt) -> Int64? { ContractCalldata.decodeInt256(receipt.output) }

    @Test func aGovernorSetsALimitAndOthersAreToldWhy() {
        let txs = [
            Self.set("tx_count_limit", "500", by: Self.governor, nonce: 0),
            Self.set("tx_count_limit", "7", by: Self.stranger, nonce: 0),
            Self.set("tx_gas_limit", "99999", by: Self.governor, nonce: 1),
            Self.set("tx_gas_limit", "12ab", by: Self.governor, nonce: 2),
            Self.set("block_size", "5", by: Self.governor, nonce: 3),
            Self.set("block_size", "5", by: Self.stranger, nonce: 1),
            Self.set("tx_gas_limit", "2000000", by: Self.governor, nonce: 4),
            Self.set("consensus_timeout", "2", by: Self.governor, nonce: 5),
            Self.set("consensus_timeout", "5", by: Self.governor, nonce: 6),
        ]
        let result = SerialExecutor().execute(txs, on: Self.genesis, context: context)
        #expect(result.excluded.isEmpty)
        #expect(result.receipts.allSatisfy { $0.status == .success })
        #expect(result.receipts.map(Self.code) == [1, -50000, -51300, -51300, -51300, -50000, 1, -51300, 1])
        var state = Self.genesis
        state.apply(result.changes)
        let limits = SystemConfig.Limits(chain: Self.chain, state: state)
        #expect(limits.txCountLimit == 500 && limits.txGasLimit == 2_000_000 && limits.consensusTimeout == .seconds(5))
        // Untouched, genesis rules: and never above what genesis allows a block.
        #expect(SystemConfig.Limits(chain: Self.chain, state: Self.genesis).txCountLimit == Self.chain.maxBlockTransactions)
        state.apply(StateChanges([SystemConfig.Key.txCountLimit.stateKey: UInt256(1_000_000)]))
        #expect(SystemConfig.Limits(chain: Self.chain, state: state).txCountLimit == Self.chain.maxBlockTransactions)
    }

    @Test func badCallsRevertAndValueIsRefused() {
        let txs = [
            ExecutorWorkload.transaction(sender: Self.governor, nonce: 0, to: SystemConfig.address, data: [1, 2]),
            ExecutorWorkload.transaction(sender: Self.governor, nonce: 1, to: SystemConfig.address, data: [0xde, 0xad, 0xbe, 0xef]),
            ExecutorWorkload.transaction(sender: Self.governor, nonce: 2, to: SystemConfig.address,
                                         data: Array(SystemConfig.calldata(key: "tx_count_limit", value: "5").dropLast(40))),
            ExecutorWorkload.transaction(sender: Self.governor, nonce: 3, to: SystemConfig.address, value: .one,
                                         data: SystemConfig.calldata(key: "tx_count_limit", value: "5")),
        ]
        let result = SerialExecutor().execute(txs, on: Self.genesis, context: context)
        #expect(result.receipts.map(\.status) == [.failure, .failure, .failure, .failure])
        #expect(result.receipts.map { ABI.revertReason($0.output) } == [
            "SystemConfig: calldata too short", "SystemConfig: unknown function", "SystemConfig: malformed calldata",
            "native contract: not payable",
        ])
        #expect(result.changes.entries.map(\.key) == [.nonce(ExecutorWorkload.sender(Self.governor))], "only the nonce moved")
    }

    @Test func parallelEqualsSerialWithConfigCallsAmongTransfers() {
        var txs: [RecoveredTransaction] = []
        for i in 0..<40 {
            if i % 5 == 0 {
                txs.append(Self.set("tx_count_limit", "\(100 + i)", by: i % 10 == 0 ? Self.governor : Self.stranger, nonce: UInt64(i / 10)))
            } else {
                txs.append(ExecutorWorkload.transaction(sender: 10 + i, nonce: 0, to: ParallelTransfer.address,
                                                        data: ParallelTransfer.Request.userSave(user: "u\(i % 3)", amount: UInt256(UInt64(i))).calldata))
            }
        }
        let serial = SerialExecutor().execute(txs, on: Self.genesis, context: context)
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: Self.genesis, context: context)
            #expect(parallel.receipts == serial.receipts, "\(threads) threads")
            #expect(parallel.changes == serial.changes, "\(threads) threads")
        }
    }
}
