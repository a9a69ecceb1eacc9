import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// The native contract's semantics, through the serial executor.
@Suite struct ParallelTransferTests {
    let context = BlockContext(number: 1, timestamp: 1, sealer: ExecutorWorkload.sender(999))

    func call(_ requests: [ParallelTransfer.Request], state: InMemoryState = InMemoryState(), gasLimit: UInt64 = 100_000)
        -> (BlockExecutionResult, InMemoryState) {
        let txs = requests.enumerated().map { i, request in
            ExecutorWorkload.transaction(sender: 1, nonce: UInt64(i), to: ParallelTransfer.address, data: request.calldata,
                                         gasLimit: gasLimit)
        }
        let result = SerialExecutor().execute(txs, on: state, context: context)
        var after = state
        after.apply(result.changes)
        return (result, after)
    }

    func balance(_ state: InMemoryState, _ user: String) -> UInt256? {
        ParallelTransfer.balance(state.value(of: ExecutorWorkload.userKey(user)))
    }

    func reason(_ receipt: Receipt) -> String? { ABI.revertReason(receipt.output) }

    @Test func operationsAndTheirFailures() {
        let (result, state) = call([
            .userAdd(user: "alice", balance: UInt256(100)),
            .userAdd(user: "alice", balance: UInt256(5)),            // exists
            .userSave(user: "bob", amount: UInt256(7)),              // creates bob
            .userDraw(user: "bob", amount: UInt256(8)),              // overdraw
            .userDraw(user: "carol", amount: UInt256(1)),            // unknown
            .userTransfer(from: "alice", to: "bob", amount: UInt256(30)),
            .userTransfer(from: "alice", to: "dave", amount: UInt256(1)),  // unknown receiver
            .userTransfer(from: "alice", to: "alice", amount: UInt256(70)),
            .userBalance(user: "bob"),
            .userAdd(user: "zero", balance: .zero),
        ])
        #expect(result.excluded.isEmpty)
        #expect(result.receipts.map(\.status) == [.success, .failure, .success, .failure, .failure, .success, .failure,
                                                  .success, .success, .success])
        #expect(reason(result.receipts[1]) == "ParallelTransfer: user exists")
        #expect(reason(result.receipts[3]) == "ParallelTransfer: insufficient balance")
        #expect(reason(result.receipts[4]) == "ParallelTransfer: unknown user")
        #expect(reason(result.receipts[6]) == "ParallelTransfer: unknown receiver user")
        #expect(result.receipts[8].output == UInt256(37).bigEndianBytes)
        #expect(balance(state, "alice") == UInt256(70))
        #expect(balance(state, "bob") == UInt256(37))
        #expect(balance(state, "carol") == nil)
        #expect(balance(state, "zero") == .zero)  // exists with zero balance
        #expect(state.value(of: .nonce(ExecutorWorkload.sender(1))) == UInt256(10))
        // Gas: intrinsic (calldata-dependent) plus the operation's fixed cost; cumulative adds up.
        let transfer = result.receipts[5]
        #expect(transfer.gasUsed == result.included[5].transaction.intrinsicGas + ParallelTransfer.GasCost.transfer)
        #expect(result.receipts.last?.cumulativeGasUsed == result.receipts.reduce(0) { $0 + $1.gasUsed })
    }

    @Test func balancesNeverOverflow() {
        let maximum = UInt256.max &- .one
        let (result, state) = call([
            .userAdd(user: "full", balance: maximum),
            .userAdd(user: "over", balance: .max),                    // above the largest balance
            .userSave(user: "full", amount: .one),                    // would pass the largest
            .userAdd(user: "one", balance: .one),
            .userTransfer(from: "one", to: "full", amount: .one),     // receiver would overflow
        ])
        #expect(result.receipts.map(\.status) == [.success, .failure, .failure, .success, .failure])
        #expect(result.receipts.dropFirst().allSatisfy { $0.status == .success || reason($0) == "ParallelTransfer: balance overflow" })
        #expect(balance(state, "full") == maximum && balance(state, "one") == .one && balance(state, "over") == nil)
    }

    @Test func badCalldataOutOfGasAndValueRevert() {
        let txs = [
            ExecutorWorkload.transaction(sender: 1, nonce: 0, to: ParallelTransfer.address, data: [1, 2, 3]),
            ExecutorWorkload.transaction(sender: 1, nonce: 1, to: ParallelTransfer.address, data: [0xde, 0xad, 0xbe, 0xef, 0]),
            ExecutorWorkload.transaction(sender: 1, nonce: 2, to: ParallelTransfer.address,
                                         data: ParallelTransfer.Request.userAdd(user: "a", balance: .one).calldata, gasLimit: 22_000),
            ExecutorWorkload.transaction(sender: 1, nonce: 3, to: ParallelTransfer.address,
                                         data: Array(ParallelTransfer.Request.userAdd(user: "a", balance: .one).calldata.dropLast(40))),
        ]
        let result = SerialExecutor().execute(txs, on: InMemoryState(), context: context)
        #expect(result.receipts.map(\.status) == [.failure, .failure, .failure, .failure])
        #expect(reason(result.receipts[0]) == "ParallelTransfer: calldata too short")
        #expect(reason(result.receipts[1]) == "ParallelTransfer: unknown function")
        #expect(reason(result.receipts[2]) == "out of gas")
        #expect(result.receipts[2].gasUsed == 22_000)
        #expect(reason(result.receipts[3]) == "ParallelTransfer: malformed calldata")
        // Only the nonce moved.
        #expect(result.changes.entries.map(\.key) == [.nonce(ExecutorWorkload.sender(1))])
    }

    @Test func exclusionsChangeNothing() {
        let rich = ExecutorWorkload.sender(1), poor = ExecutorWorkload.sender(2)
        let state = InMemoryState([.balance(rich): UInt256(1_000), .balance(poor): UInt256(10)])
        let txs = [
            ExecutorWorkload.transaction(sender: 1, nonce: 1, to: poor, value: .one),           // nonce too high
            ExecutorWorkload.transaction(sender: 2, nonce: 0, to: rich, value: UInt256(11)),    // unaffordable
            ExecutorWorkload.transaction(sender: 1, nonce: 0, to: poor, value: .one, gasLimit: 20_000),
            ExecutorWorkload.transaction(sender: 1, nonce: 0, to: poor, value: UInt256(400)),   // included
            ExecutorWorkload.transaction(sender: 1, nonce: 0, to: poor, value: .one),           // nonce too low now
        ]
        let result = SerialExecutor().execute(txs, on: state, context: context)
        #expect(result.excluded.map(\.reason) == [
            .nonceTooHigh(expected: 0, got: 1), .insufficientBalance(required: UInt256(11), available: UInt256(10)),
            .intrinsicGasTooLow(required: 21_000, gasLimit: 20_000), .nonceTooLow(expected: 1, got: 0),
        ])
        #expect(result.excluded.map(\.inputIndex) == [0, 1, 2, 4])
        #expect(result.included.count == 1 && result.receipts[0].transactionIndex == 0)
        var after = state
        after.apply(result.changes)
        #expect(after.value(of: .balance(rich)) == UInt256(600))
        #expect(after.value(of: .balance(poor)) == UInt256(410))
        #expect(after.value(of: .nonce(rich)) == .one)
    }

    @Test func feesGoToTheSealerAtBlockEnd() {
        let sender = ExecutorWorkload.sender(1)
        let state = InMemoryState([.balance(sender): UInt256(1_000_000)])
        let tx = ExecutorWorkload.transaction(sender: 1, nonce: 0, to: ExecutorWorkload.sender(2), value: UInt256(5),
                                              gasLimit: 30_000, maxFee: UInt256(3), priorityFee: UInt256(2))
        var feeContext = context
        feeContext.feesEnabled = true
        let result = SerialExecutor().execute([tx], on: state, context: feeContext)
        var after = state
        after.apply(result.changes)
        #expect(after.value(of: .balance(sender)) == UInt256(1_000_000 - 5 - 21_000 * 2))
        #expect(after.value(of: .balance(context.sealer)) == UInt256(21_000 * 2))
        // Without fees nothing but the value moves.
        let free = SerialExecutor().execute([tx], on: state, context: context)
        after = state
        after.apply(free.changes)
        #expect(after.value(of: .balance(sender)) == UInt256(1_000_000 - 5))
        #expect(after.value(of: .balance(context.sealer)) == .zero)
    }
}
