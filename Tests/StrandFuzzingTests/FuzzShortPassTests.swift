import StrandFuzzing
import StrandPrimitives
import StrandTestSupport
import Testing

/// The short pass of every fuzz target that CI makes: each seed, then seeded mutations of them
/// (bit flips, byte changes, truncations, splices, length-header edits). A broken property stops
/// the test process. The long runs are libFuzzer's (`scripts/fuzz.sh`, FUZZING.md).
@Suite struct FuzzShortPassTests {
    static let mutationsPerTarget = 20_000

    @Test(arguments: FuzzTarget.allCases)
    func seedsAndMutationsKeepEveryProperty(_ target: FuzzTarget) {
        let seeds = target.seeds
        #expect(!seeds.isEmpty)
        for seed in seeds { target.run(seed) }
        var generator = SeededGenerator(seed: 18)
        for _ in 0..<Self.mutationsPerTarget {
            var input = seeds[Int(generator.next() % UInt64(seeds.count))]
            Self.mutate(&input, other: seeds[Int(generator.next() % UInt64(seeds.count))], using: &generator)
            target.run(input)
        }
    }

    /// One to four of libFuzzer's kinds of change.
    static func mutate(_ input: inout [UInt8], other: [UInt8], using generator: inout SeededGenerator) {
        for _ in 0...(generator.next() % 4) {
            let position = input.isEmpty ? 0 : Int(generator.next() % UInt64(input.count))
            switch generator.next() % 6 {
            case 0 where !input.isEmpty: input[position] ^= UInt8(1) << (generator.next() % 8)
            case 1 where !input.isEmpty: input[position] = UInt8(truncatingIfNeeded: generator.next())
            case 2: input.removeSubrange(position...)
            case 3: input.insert(contentsOf: other.prefix(Int(generator.next() % 64)), at: position)
            case 4 where !input.isEmpty: input[position] = [0x00, 0x7f, 0x80, 0xb7, 0xb8, 0xbf, 0xc0, 0xf7, 0xf8, 0xff][Int(generator.next() % 10)]
            default: input.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
            }
        }
    }
}
