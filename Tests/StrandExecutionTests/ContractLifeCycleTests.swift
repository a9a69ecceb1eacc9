import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// ContractLifeCycle: the committee or a contract's managers freeze it; from the next block a
/// transaction to it gets status 30 and a call from code fails, until it is unfrozen.
@Suite struct ContractLifeCycleTests {
    static let governor = 1, manager = 2, stranger = 3, caller = 4
    static let callee = Address(low: 0xB0B)
    static let relay = Address(low: 0xA11CE)
    /// Returns 42.
    static let calleeCode: [UInt8] = [0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]
    /// Calls `callee` and returns whether the call succeeded.
    static let relayCode: [UInt8] = [0x60, 0x20, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73] + callee.bytes
        + [0x5a, 0xf1, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]

    static var state: InMemoryState {
        var values: [StateKey: UInt256] = [ChainGovernance.memberKey(ExecutorWorkload.sender(governor)): .one]
        var code: [Hash: [UInt8]] = [:]
        for (address, program) in [(callee, calleeCode), (relay, relayCode)] {
            values[.codeHash(address)] = UInt256(Keccak256.hash(program))
            code[Keccak256.hash(program)] = program
        }
        return InMemoryState(values, code: code)
    }

    static func context(_ block: UInt64) -> BlockContext {
        var context = BlockContext(number: block, timestamp: block, sealer: ExecutorWorkload.sender(999))
        context.genesisGovernors = [ExecutorWorkload.sender(governor)]
        return context
    }

    static func lifeCycle(_ selector: UInt32, _ addresses: [Address], by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: ContractLifeCycle.address,
                                     data: ContractCalldata.encode(selector, strings: [], words: addresses.map { UInt256($0) }))
    }

    static func call(_ contract: Address, by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: contract, data: [0x01])
    }

    static func codes(_ result: BlockExecutionResult) -> [Int64?] { result.receipts.map { ContractCalldata.decodeInt256(Array($0.output.prefix(32))) } }

    @Test func aFrozenContractIsRefusedFromTheNextBlockUntilUnfrozen() throws {
        let manager = ExecutorWorkload.sender(Self.manager)
        var state = Self.state
        let first = SerialExecutor().execute([
            Self.lifeCycle(ContractLifeCycle.freeze, [Self.callee], by: Self.stranger, nonce: 0),                 // not a manager
            Self.lifeCycle(ContractLifeCycle.freeze, [ExecutorWorkload.sender(50)], by: Self.governor, nonce: 0),  // nothing there
            Self.lifeCycle(ContractLifeCycle.grantManager, [Self.callee, manager], by: Self.governor, nonce: 1),
            Self.lifeCycle(ContractLifeCycle.grantManager, [Self.callee, manager], by: Self.governor, nonce: 2),   // already
            Self.lifeCycle(ContractLifeCycle.freeze, [Self.callee], by: Self.manager, nonce: 0),
            Self.lifeCycle(ContractLifeCycle.freeze, [Self.callee], by: Self.governor, nonce: 3),                  // frozen already
            Self.call(Self.relay, by: Self.caller, nonce: 0),                                                      // still in force
        ], on: state, context: Self.context(1))
        #expect(Self.codes(first) == [-51905, -51904, 1, -51902, 1, -51900, 1])
        state.apply(first.changes)

        let txs = [Self.call(Self.relay, by: Self.caller, nonce: 1), Self.call(Self.callee, by: Self.caller, nonce: 2),
                   Self.lifeCycle(ContractLifeCycle.getStatus, [Self.callee], by: Self.stranger, nonce: 1),
                   Self.lifeCycle(ContractLifeCycle.listManager, [Self.callee], by: Self.stranger, nonce: 2),
                   Self.lifeCycle(ContractLifeCycle.unfreeze, [Self.callee], by: Self.manager, nonce: 1),
                   Self.lifeCycle(ContractLifeCycle.unfreeze, [Self.callee], by: Self.manager, nonce: 2)]
        let second = SerialExecutor().execute(txs, on: state, context: Self.context(2))
        #expect(second.receipts.map(\.status) == [.success, .contractFrozen, .success, .success, .success, .success])
        #expect(Self.codes(second)[0] == 0, "the relay's call of the frozen contract failed")
        #expect(second.receipts[1].gasUsed == 0)
        let status = second.receipts[2].output
        #expect(String(decoding: status[96..<(96 + Int(UInt256(bigEndian: status[64..<96])!.uint64!))], as: UTF8.self)
                == ContractLifeCycle.Status.frozen.rawValue)
        #expect(Array(second.receipts[3].output.suffix(32)) == UInt256(manager).bigEndianBytes)
        #expect(Self.codes(second).suffix(2) == [1, -51901])
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: state, context: Self.context(2))
            #expect(parallel.receipts == second.receipts && parallel.changes == second.changes, "\(threads) threads")
        }
        state.apply(second.changes)

        let third = SerialExecutor().execute([Self.call(Self.relay, by: Self.caller, nonce: 3)], on: state, context: Self.context(3))
        #expect(Self.codes(third) == [1])
    }
}
