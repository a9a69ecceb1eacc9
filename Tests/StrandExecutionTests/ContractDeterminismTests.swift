import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// Blocks with EVM transactions: parallel execution along speculated access sets must equal
/// serial execution, bit for bit, for any thread count.
@Suite struct ContractDeterminismTests {
    static let artifact = try! ERC20Artifact(path: TestPaths.erc20)
    static let executors = (1...8).map { ParallelExecutor(threads: $0) }
    let context = BlockContext(number: 3, timestamp: 3, sealer: ExecutorWorkload.sender(0))

    /// `state` with `program` as the code of `address`.
    static func deploying(_ program: [UInt8], at address: Address, in state: InMemoryState) -> InMemoryState {
        var values = state.values, code = state.code
        values[.codeHash(address)] = UInt256(Keccak256.hash(program))
        code[Keccak256.hash(program)] = program
        return InMemoryState(values, code: code)
    }

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

    /// On a 国密 chain (KECCAK256 and CREATE addresses by SM3, SM3 state digests) parallel equals
    /// serial too, and the suite shows: created addresses and storage slots are SM3's.
    @Test func mixedContractBlocksOnASMChain() {
        let workload = ExecutorWorkload.erc20Mixed(count: 400, holders: 40, conflict: 0.3, artifact: Self.artifact, seed: 5)
        var sm = context
        sm.suite = .sm
        let serial = ReferenceExecutor().execute(workload.transactions, on: workload.state, context: sm)
        let secp = ReferenceExecutor().execute(workload.transactions, on: workload.state, context: context)
        #expect(serial.receipts.contains { $0.contractAddress != nil })
        #expect(serial.receipts.map(\.contractAddress) != secp.receipts.map(\.contractAddress), "CREATE addresses are SM3's")
        #expect(serial.changes.digest != secp.changes.digest)
        expectSame(serial, SerialExecutor().execute(workload.transactions, on: workload.state, context: sm), "serial")
        for executor in Self.executors {
            expectSame(serial, executor.execute(workload.transactions, on: workload.state, context: sm), "\(executor.threadCount) threads")
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

    /// Random contracts (storage, calls between them, logs, creations, reverts) called at
    /// random: parallel blocks must equal serial ones whatever the code does.
    @Test func randomContractsAgree() {
        var generator = SeededGenerator(seed: 77)
        let operands: [UInt8] = [0, 1, 2, 3, 0x20, 0x40]
        let contracts = (0..<6).map { Address(low: 0xC000 + UInt64($0)) }
        var values: [StateKey: UInt256] = [:]
        var code: [Hash: [UInt8]] = [:]
        for s in 0..<40 { values[.balance(ExecutorWorkload.sender(s))] = UInt256(1) << 90 }
        for contract in contracts {
            // SLOAD/SSTORE on small slots, CALL to another contract, LOG, RETURN or REVERT.
            var program: [UInt8] = []
            for _ in 0..<24 {
                switch generator.next() % 8 {
                case 0: program += [0x60, operands[Int(generator.next() % 6)], 0x54]                      // SLOAD
                case 1: program += [0x60, UInt8(generator.next() % 9), 0x60, operands[Int(generator.next() % 6)], 0x55] // SSTORE
                case 2:                                                                                     // CALL a peer
                    let peer = contracts[Int(generator.next() % 6)]
                    program += [0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73] + peer.bytes + [0x61, 0x30, 0x00, 0xF1, 0x50]
                case 3: program += [0x60, 0x20, 0x60, 0, 0xA0]                                            // LOG0
                case 4: program += [0x60, 1, 0x60, 0, 0x55]                                                 // SSTORE slot 0
                case 5: program += [0x43, 0x60, 2, 0x55]                                                    // NUMBER → slot 2
                case 6: program += [0x33, 0x31, 0x60, 3, 0x55]                                              // BALANCE(caller) → slot 3
                default: program += [0x5B]
                }
            }
            let reverts = contract == contracts[0] || generator.next() % 4 == 0
            program += reverts ? [0x60, 0, 0x60, 0, 0xFD] : [0x60, 0, 0x60, 0, 0xF3]
            let hash = Keccak256.hash(program)
            code[hash] = program
            values[.codeHash(contract)] = UInt256(hash)
        }
        var nonces = [UInt64](repeating: 0, count: 40)
        let transactions = (0..<300).map { _ -> RecoveredTransaction in
            let s = Int(generator.next() % 40)
            defer { nonces[s] += 1 }
            return ExecutorWorkload.transaction(
                sender: s, nonce: nonces[s], to: contracts[Int(generator.next() % 6)],
                value: UInt256(generator.next() % 3), data: [UInt8(generator.next() % 256)], gasLimit: 300_000)
        }
        let state = InMemoryState(values, code: code)
        let serial = ReferenceExecutor().execute(transactions, on: state, context: context)
        #expect(serial.receipts.contains { $0.status == .success } && serial.receipts.contains { $0.status == .failure })
        #expect(serial.receipts.contains { !$0.logs.isEmpty })
        for threads in [1, 2, 3, 8] {
            let executor = ParallelExecutor(threads: threads)
            for run in 0..<2 {
                expectSame(serial, executor.execute(transactions, on: state, context: context), "\(threads) threads, run \(run)")
            }
        }
    }

    /// A transaction that touches more keys than a DAG entry holds is a barrier: it runs alone,
    /// with access to every key, and the block stays parallel around it.
    @Test func wideTransactionsAreBarriersNotFallbacks() {
        var workload = ExecutorWorkload.erc20Transfers(count: 120, conflict: 0, artifact: Self.artifact)
        // SSTORE(k, k + block number) for 40 slots: more than 32 keys.
        var program: [UInt8] = []
        for k in 1...40 { program += [0x43, 0x60, UInt8(k), 0x01, 0x60, UInt8(k), 0x55] }
        program.append(0x00)
        let wide = Address(low: 0x3333)
        workload.state = Self.deploying(program, at: wide, in: workload.state)
        for position in [0, 60, 119] {
            workload.transactions[position] = ExecutorWorkload.transaction(
                sender: 5_000 + position, nonce: 0, to: wide, data: [0x01], gasLimit: 2_000_000)
        }
        let serial = SerialExecutor().execute(workload.transactions, on: workload.state, context: context)
        #expect(serial.receipts.allSatisfy { $0.status == .success })
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(workload.transactions, on: workload.state, context: context)
            #expect(!parallel.statistics.reexecutedSerially, "\(threads) threads: barriers run in place")
            expectSame(serial, parallel, "\(threads) threads")
        }
    }

    /// Transactions touching many more keys than a fresh executor sizes its key index for: the
    /// first block overflows the shared index and is interned again by the DAG builder, the next
    /// is sized from it; both equal serial execution and stay conflict-free.
    @Test func manyKeysPerTransactionOverflowTheSizedIndex() {
        var workload = ExecutorWorkload.erc20Transfers(count: 200, conflict: 0, artifact: Self.artifact)
        // SSTORE(caller + k, block number) for 20 slots: 20 keys of the caller's own.
        var program: [UInt8] = []
        for k in 1...20 { program += [0x43, 0x33, 0x60, UInt8(k), 0x01, 0x55] }
        program.append(0x00)
        let many = Address(low: 0x4444)
        workload.state = Self.deploying(program, at: many, in: workload.state)
        workload.transactions = (0..<200).map { i in
            ExecutorWorkload.transaction(sender: 6_000 + i, nonce: 0, to: many, data: [0x01], gasLimit: 1_000_000)
        }
        let serial = SerialExecutor().execute(workload.transactions, on: workload.state, context: context)
        #expect(serial.receipts.count == 200 && serial.receipts.allSatisfy { $0.status == .success })
        #expect(serial.changes.entries.count >= 200 * 20)
        for threads in [2, 3] {
            let executor = ParallelExecutor(threads: threads)
            for block in 0..<2 {
                let parallel = executor.execute(workload.transactions, on: workload.state, context: context)
                #expect(!parallel.statistics.reexecutedSerially && parallel.statistics.criticalPathLength == 1,
                        "\(threads) threads, block \(block)")
                expectSame(serial, parallel, "\(threads) threads, block \(block)")
            }
        }
    }
}
