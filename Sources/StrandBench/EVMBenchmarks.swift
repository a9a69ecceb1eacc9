import StrandEVM
import StrandExecution
import StrandPrimitives
import StrandWorkloads
import StrandTypes

/// The EVM's benchmarks: ERC-20 transfers through whole transactions, and long loops whose
/// time per executed instruction is compared with revm (scripts/bench-evm.sh runs pyrevm on
/// the same programs).
public struct EVMBenchmarks {
    /// A loop that does arithmetic, MSTORE and KECCAK256 of one word each iteration (21 instructions).
    public static func keccakLoop(iterations: UInt32) -> [UInt8] {
        program("5b80820260070180600052602060002018915060019003806007" + "57" + "00", iterations: iterations)
    }

    /// A loop of stack arithmetic only: MUL, ADD, XOR, SHR, SUB, DUP, SWAP, JUMPI (19 instructions).
    public static func arithmeticLoop(iterations: UInt32) -> [UInt8] {
        program("5b908102600701811860031c810190600190038060075700", iterations: iterations)
    }

    /// PUSH1 0 (the accumulator), PUSH4 iterations, then the loop body starting at pc 7.
    private static func program(_ body: String, iterations: UInt32) -> [UInt8] {
        [0x60, 0x00, 0x63] + withUnsafeBytes(of: iterations.bigEndian) { Array($0) } + (try! Hex.decode(body))
    }

    public struct Row: Sendable {
        public let name: String
        public let nanoseconds: Double
        public let unit: String
        public let instructions: Int
        /// The program, so that another EVM can run the same (hex).
        public let program: String?
    }

    let erc20: ERC20Artifact
    let iterations: UInt32
    let transfers: Int

    public init(erc20: ERC20Artifact, iterations: UInt32 = 1_000_000, transfers: Int = 2_000) {
        self.erc20 = erc20
        self.iterations = iterations
        self.transfers = transfers
    }

    static let sender = Address(low: 0x5E4D)
    static let block = BlockEnvironment(
        number: 1, timestamp: 1, gasLimit: .max, coinbase: Address(low: 0xC0FFEE), baseFee: .zero, chainID: .one
    )

    public func run(progress: (String) -> Void) -> [Row] {
        var rows: [Row] = []
        for (name, code) in [("keccak loop", Self.keccakLoop(iterations: iterations)),
                             ("arithmetic loop", Self.arithmeticLoop(iterations: iterations))] {
            progress(name)
            rows.append(loop(name, code))
        }
        progress("erc20 transfer")
        rows.append(erc20Transfers())
        progress("bn254 pairing")
        rows.append(pairing())
        return rows
    }

    /// e(G1, G2) · e(−G1, G2) = 1 through the 0x08 precompile, as a transaction: what a block
    /// full of pairing checks costs (Ethereum prices a pair at 34,000 gas).
    private func pairing() -> Row {
        func word(_ decimal: String) -> [UInt8] { try! UInt256(parsing: decimal).bigEndianBytes }
        let g2 = word("11559732032986387107991004021392285783925812861821192530917403151452391805634")
            + word("10857046999023057135944570762232829481370756359578518086990519993285655852781")
            + word("4082367875863433681332203403145435568316851327593401208105741076214120093531")
            + word("8495653923123431417604973247489272438418190587263600148770280649306958101930")
        let p = "21888242871839275222246405745257275088696311157297823662689037894645226208583"
        let input = word("1") + word("2") + g2 + word("1") + (try! UInt256(parsing: p) &- UInt256(2)).bigEndianBytes + g2
        let source = InMemoryEVMState()
        source.setAccount(Self.sender, balance: UInt256(1) << 200)
        let measurement = measure("bn254 pairing", samples: 5, minimumSampleTime: .milliseconds(1)) {
            let evm = EVM(state: WorldState(source: source), block: Self.block)
            let outcome = try! evm.transact(
                UnsignedTransaction(chainID: 1, nonce: 0, gasLimit: 1_000_000, to: Address(low: 8), data: input),
                sender: Self.sender
            )
            precondition(outcome.succeeded && outcome.output.last == 1, "the pairing check should hold")
        }
        return Row(name: "bn254 pairing", nanoseconds: measurement.nanosecondsPerOperation / 2, unit: "per pair (2-pair check)",
                   instructions: 0, program: nil)
    }

    private func loop(_ name: String, _ code: [UInt8]) -> Row {
        let contract = Address(low: 0x1000)
        let source = InMemoryEVMState()
        source.setAccount(Self.sender, balance: UInt256(1) << 200)
        source.setAccount(contract, code: code)
        var instructions = 0
        let measurement = measure(name, samples: 5, minimumSampleTime: .milliseconds(1)) {
            let evm = EVM(state: WorldState(source: source), block: Self.block)
            let outcome = try! evm.transact(
                UnsignedTransaction(chainID: 1, nonce: 0, gasLimit: 1 << 40, to: contract), sender: Self.sender
            )
            precondition(outcome.succeeded, "benchmark loop failed: \(String(describing: outcome.error))")
            instructions = evm.executedInstructions
        }
        return Row(name: name, nanoseconds: measurement.nanosecondsPerOperation / Double(instructions),
                   unit: "per instruction", instructions: instructions, program: Hex.encode(code))
    }

    /// Transfers from one holder to distinct recipients, each a whole transaction (validation,
    /// gas, journal, refunds), so an upper bound on the interpreter's share.
    private func erc20Transfers() -> Row {
        let source = InMemoryEVMState()
        source.setAccount(Self.sender, balance: UInt256(1) << 200)
        let deployState = WorldState(source: source)
        let deployer = EVM(state: deployState, block: Self.block)
        let created = try! deployer.transact(
            UnsignedTransaction(chainID: 1, nonce: 0, gasLimit: 5_000_000, to: nil,
                                data: erc20.deployment(supply: UInt256(1) << 128)),
            sender: Self.sender
        )
        guard let token = created.contractAddress else { fatalError("ERC-20 deployment failed: \(String(describing: created.error))") }
        source.apply(deployState.diff())
        let calls = (0..<transfers).map { i in
            ERC20Artifact.transfer(to: Address(low: 0x1_0000 + UInt64(i)), amount: UInt256(UInt64(i % 100 + 1)))
        }
        var instructions = 0
        let measurement = measure("erc20 transfer", operationsPerCall: transfers, samples: 7, minimumSampleTime: .milliseconds(1)) {
            let evm = EVM(state: WorldState(source: source), block: Self.block)
            let nonce = source.accounts[Self.sender]!.nonce
            for (i, data) in calls.enumerated() {
                let outcome = try! evm.transact(
                    UnsignedTransaction(chainID: 1, nonce: nonce + UInt64(i), gasLimit: 100_000, to: token, data: data),
                    sender: Self.sender
                )
                precondition(outcome.succeeded, "ERC-20 transfer failed")
            }
            instructions = evm.executedInstructions / transfers
        }
        return Row(name: "erc20 transfer", nanoseconds: measurement.nanosecondsPerOperation, unit: "per transaction",
                   instructions: instructions, program: nil)
    }
}
