import Foundation
import StrandCrypto
@testable import StrandEVM
import StrandExecution
import StrandPrimitives
import StrandBench
import StrandTestSupport
import StrandTypes
import Testing

/// The EVM through transactions: an ERC-20 deployed and used, invalid transactions left
/// without effect, and the access recorder.
@Suite struct EVMTests {
    static let sender = Address(low: 0xA11CE)
    static let block = BlockEnvironment(
        number: 1, timestamp: 1, gasLimit: 30_000_000, coinbase: Address(low: 0xC0FFEE), baseFee: UInt256(7), chainID: UInt256(20_200)
    )

    func transaction(nonce: UInt64, to: Address?, data: [UInt8], gas: UInt64 = 2_000_000) -> UnsignedTransaction {
        UnsignedTransaction(chainID: 20_200, nonce: nonce, maxPriorityFeePerGas: .one, maxFeePerGas: UInt256(10),
                            gasLimit: gas, to: to, data: data)
    }

    @Test func erc20DeployTransferAndRead() throws {
        let source = InMemoryEVMState()
        source.setAccount(Self.sender, balance: UInt256(10_000_000_000))
        let state = WorldState(source: source)
        let evm = EVM(state: state, block: Self.block)
        let supply = UInt256(1_000_000)
        let created = try evm.transact(transaction(nonce: 0, to: nil, data: try ERC20Artifact(path: TestPaths.erc20).deployment(supply: supply)), sender: Self.sender)
        #expect(created.succeeded)
        let token = try #require(created.contractAddress)
        #expect(token == Address.contract(createdBy: Self.sender, nonce: 0))

        let recipient = Address(low: 0xB0B)
        let transfer = try evm.transact(
            transaction(nonce: 1, to: token, data: ERC20Artifact.transfer(to: recipient, amount: UInt256(250))),
            sender: Self.sender)
        #expect(transfer.succeeded)
        #expect(transfer.logs.count == 1)
        #expect(transfer.logs.first?.topics.count == 3)
        #expect(transfer.output == UInt256.one.bigEndianBytes)

        let tooMuch = try evm.transact(
            transaction(nonce: 2, to: token, data: ERC20Artifact.transfer(to: recipient, amount: supply)), sender: Self.sender)
        #expect(tooMuch.error == .reverted)
        #expect(tooMuch.logs.isEmpty)

        let balance = try evm.transact(
            transaction(nonce: 3, to: token, data: ERC20Artifact.balanceOf(recipient)), sender: Self.sender)
        #expect(balance.output == UInt256(250).bigEndianBytes)

        source.apply(state.diff())
        #expect(source.accounts[Self.sender]?.nonce == 4)
        #expect(source.accounts[token]?.codeHash != EVMCode.emptyHash)
    }

    @Test func invalidTransactionsChangeNothing() throws {
        let source = InMemoryEVMState()
        source.setAccount(Self.sender, balance: UInt256(1_000_000))
        let state = WorldState(source: source)
        let evm = EVM(state: state, block: Self.block)
        let target = Address(low: 0xD00D)
        #expect(throws: TransactionValidityError.nonceTooHigh(expected: 0, actual: 5)) {
            try evm.transact(transaction(nonce: 5, to: target, data: []), sender: Self.sender)
        }
        #expect(throws: TransactionValidityError.insufficientFunds) {
            try evm.transact(transaction(nonce: 0, to: target, data: [], gas: 200_000), sender: Self.sender)
        }
        #expect(throws: TransactionValidityError.intrinsicGasTooLow(required: 21_000, gasLimit: 20_000)) {
            try evm.transact(transaction(nonce: 0, to: target, data: [], gas: 20_000), sender: Self.sender)
        }
        #expect(throws: TransactionValidityError.gasLimitExceedsBlock(gasLimit: 40_000_000, blockGasLimit: 30_000_000)) {
            try evm.transact(transaction(nonce: 0, to: target, data: [], gas: 40_000_000), sender: Self.sender)
        }
        #expect(state.diff().accounts.isEmpty)
    }

    @Test func contractSendersOnlyInSimulations() throws {
        let source = InMemoryEVMState()
        let contractSender = Address(low: 0xC0C0)
        source.setAccount(contractSender, balance: UInt256(1_000_000_000), code: [0x00])
        let evm = EVM(state: WorldState(source: source), block: Self.block)
        let tx = transaction(nonce: 0, to: Address(low: 0xD00D), data: [], gas: 21_000)
        #expect(throws: TransactionValidityError.senderNotEOA) { try evm.transact(tx, sender: contractSender) }
        let simulated = try evm.transact(tx, sender: contractSender, options: TransactOptions(checkSenderCode: false))
        #expect(simulated.succeeded)
    }

    @Test func recorderSeesStorageAndAccounts() throws {
        final class Recorder: AccessRecorder {
            var reads: Set<StateKey> = [], writes: Set<StateKey> = []
            func read(_ key: StateKey) { reads.insert(key) }
            func write(_ key: StateKey) { writes.insert(key) }
        }
        let source = InMemoryEVMState()
        source.setAccount(Self.sender, balance: UInt256(10_000_000))
        // SLOAD slot 1, add 1, SSTORE slot 2
        let contract = Address(low: 0xC0DE)
        source.setAccount(contract, code: hexBytes("0x6001546001016002555B00"), storage: [.one: UInt256(41)])
        let state = WorldState(source: source)
        let recorder = Recorder()
        state.recorder = recorder
        let evm = EVM(state: state, block: Self.block)
        let outcome = try evm.transact(transaction(nonce: 0, to: contract, data: [], gas: 100_000), sender: Self.sender)
        #expect(outcome.succeeded)
        #expect(recorder.reads.contains(.storage(contract, UInt256(1))))
        #expect(recorder.writes.contains(.storage(contract, UInt256(2))))
        #expect(recorder.writes.contains(.balance(Self.sender)))
        #expect(recorder.writes.contains(.nonce(Self.sender)))
        #expect(state.storageValue(contract, UInt256(2)) == UInt256(42))
    }
}
