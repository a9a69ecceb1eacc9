@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

@Suite struct SortedMergeTests {
    /// Random distinct keys dealt into `partCount` parts of uneven sizes, each sorted: the merge
    /// equals one sort of all of them, on any number of threads.
    @Test(arguments: [(1, 50), (2, 5_000), (3, 12_000), (7, 30_000), (16, 9_000)])
    func mergeEqualsOneSort(partCount: Int, total: Int) {
        var generator = SeededGenerator(seed: UInt64(partCount * 1_000 + total))
        var keys = Set<StateKey>()
        while keys.count < total {
            let address = Address(low: generator.next() % 4_000)
            keys.insert(generator.next() % 3 == 0 ? .nonce(address) : .storage(address, Hash(UInt256(generator.next()))))
        }
        var parts = [[WrittenEntry]](repeating: [], count: partCount)
        for key in keys {
            // Uneven: part 0 gets about half of everything, one part may stay empty.
            let part = generator.next() % 2 == 0 ? 0 : Int(generator.next() % UInt64(max(1, partCount - 1)))
            parts[part].append((key, UInt256(generator.next())))
        }
        parts = parts.map { $0.sorted { $0.key < $1.key } }
        let expected = parts.flatMap { $0 }.sorted { $0.key < $1.key }
        for threads in [1, 2, 3, 8] {
            let merged = mergeSortedParts(parts, workers: WorkerThreads(parallelism: threads))
            #expect(merged.map(\.key) == expected.map(\.key), "\(threads) threads")
            #expect(merged.map(\.value) == expected.map(\.value), "\(threads) threads")
        }
    }
}
