import StrandEVM
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// Contract code comes from the network: random programs must never crash the EVM, and must
/// give the same result twice. Programs lean on real opcodes with small immediates, so that
/// they get past the first instruction: memory, storage, calls (to themselves, to precompiles,
/// to nothing), creations, returns and reverts, with large and tiny gas.
@Suite struct EVMFuzzTests {
    static let opcodes: [UInt8] = Array(0x00...0x0B) + Array(0x10...0x1D) + [0x20] + Array(0x30...0x3F)
        + Array(0x40...0x4A) + Array(0x50...0x5F) + [0x60, 0x61, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x9F]
        + Array(0xA0...0xA4) + [0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xFA, 0xFD, 0xFE, 0xFF, 0x0C, 0xEF]

    static let operands: [UInt8] = [0, 1, 2, 3, 4, 8, 9, 0x20, 0x40, 0xFF, 0x10]

    static func program(_ generator: inout SeededGenerator) -> [UInt8] {
        // Operands first, so that most instructions find their arguments.
        var code: [UInt8] = []
        for _ in 0..<12 { code += [0x60, operands[Int(generator.next() % UInt64(operands.count))]] }
        for _ in 0..<Int(generator.next() % 64) {
            switch generator.next() % 10 {
            case 0...5: code.append(opcodes[Int(generator.next() % UInt64(opcodes.count))])
            case 6...8:
                // A small operand: an offset, size, slot, address or gas amount.
                code += [0x60, operands[Int(generator.next() % UInt64(operands.count))]]
            default:
                code += [0x63] + withUnsafeBytes(of: UInt32(truncatingIfNeeded: generator.next()).bigEndian) { Array($0) }
            }
        }
        return code
    }

    @Test func randomProgramsNeverCrashAndRepeat() {
        let sender = Address(low: 0xF00D)
        let target = Address(low: 0xC0DE)
        let block = BlockEnvironment(number: 10, timestamp: 10, gasLimit: 30_000_000, coinbase: Address(low: 0xBEEF),
                                     baseFee: .one, chainID: .one, blockHash: { UInt256($0).bigEndianBytes.withUnsafeBytes { Hash(loadingFrom: $0.baseAddress!) } })
        let summaries = DeepStackThread.run { () -> [String] in
            var generator = SeededGenerator(seed: 0xEF)
            var seen: [String] = []
            for round in 0..<3_000 {
                let code = Self.program(&generator)
                let gas: UInt64 = [30_000, 100_000, 1_000_000, 5_000_000][round % 4]
                let data = Self.program(&generator)
                func run() -> String {
                    let source = InMemoryEVMState()
                    source.setAccount(sender, balance: UInt256(1) << 100)
                    source.setAccount(target, balance: UInt256(1_000), code: code, storage: [.one: UInt256(7)])
                    let world = WorldState(source: source)
                    let evm = EVM(state: world, block: block)
                    let tx = UnsignedTransaction(chainID: 1, nonce: 0, maxPriorityFeePerGas: .one, maxFeePerGas: UInt256(2),
                                                 gasLimit: gas, to: round % 5 == 0 ? nil : target, value: UInt256(UInt64(round % 3)),
                                                 data: round % 5 == 0 ? code : data)
                    do {
                        let outcome = try evm.transact(tx, sender: sender)
                        source.apply(world.diff())
                        return "\(outcome.error.map { "\($0)" } ?? "ok") \(outcome.gasUsed) \(outcome.logs.count) \(source.accounts.count)"
                    } catch {
                        return "invalid \(error)"
                    }
                }
                let first = run()
                #expect(first == run(), "round \(round) must repeat")
                seen.append(first)
            }
            return seen
        }
        // The programs reach more than one kind of ending.
        let endings = Dictionary(grouping: summaries, by: { String($0.split(separator: " ").first!) }).mapValues(\.count)
        #expect(endings.count >= 5)
    }
}
