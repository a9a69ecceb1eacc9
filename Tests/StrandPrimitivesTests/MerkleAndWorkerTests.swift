import StrandPrimitives
import Synchronization
import Testing

@Suite struct MerkleRootTests {
    func leaf(_ h: Hash) -> Hash { Keccak256.hash([0x00] + h.bytes) }
    func node(_ l: Hash, _ r: Hash) -> Hash { Keccak256.hash([0x01] + l.bytes + r.bytes) }

    @Test func matchesTheDefinition() {
        let h = (0..<5).map { Keccak256.hash([UInt8($0)]) }
        #expect(merkleRoot([Hash]()) == Keccak256.hash([UInt8]()))
        #expect(merkleRoot([h[0]]) == leaf(h[0]))
        #expect(merkleRoot(h.prefix(2)) == node(leaf(h[0]), leaf(h[1])))
        #expect(merkleRoot(h.prefix(3)) == node(node(leaf(h[0]), leaf(h[1])), leaf(h[2])))
        #expect(merkleRoot(h) == node(node(node(leaf(h[0]), leaf(h[1])), node(leaf(h[2]), leaf(h[3]))), leaf(h[4])))
    }

    @Test func orderAndDuplicationMatter() {
        let a = Keccak256.hash([1]), b = Keccak256.hash([2])
        #expect(merkleRoot([a, b]) != merkleRoot([b, a]))
        #expect(merkleRoot([a, b, b]) != merkleRoot([a, b]))
        #expect(merkleRoot([a, b]) != merkleRoot([node(leaf(a), leaf(b))]))
    }
}

@Suite struct WorkerThreadsTests {
    @Test(arguments: [1, 2, 3, 8])
    func everyIndexExactlyOnce(threads: Int) {
        let pool = WorkerThreads(parallelism: threads)
        for count in [0, 1, 15, 16, 17, 1000, 10_007] {
            let hits = Mutex([Int](repeating: 0, count: count))
            pool.parallelFor(count, chunkSize: 7) { range in
                hits.withLock { for i in range { $0[i] += 1 } }
            }
            #expect(hits.withLock { $0.allSatisfy { $0 == 1 } }, "count \(count), threads \(threads)")
        }
    }

    /// Many more threads than cores, jobs back to back: a worker that finishes a job while the
    /// submitter is still announcing it (preempted in its wake-up loop) must not run it again
    /// and count itself done twice, or `parallelFor` returns while chunks are still running.
    @Test func returnsOnlyWhenEveryChunkIsDone() {
        for _ in 0..<100 {
            let pool = WorkerThreads(parallelism: 16)
            for _ in 0..<25 {
                let done = Atomic<Int>(0)
                pool.parallelFor(12, chunkSize: 1) { _ in
                    var spin = 0
                    for k in 0..<2_000 { spin &+= k }
                    done.wrappingAdd(1 + spin & 0, ordering: .relaxed)
                }
                #expect(done.load(ordering: .relaxed) == 12)
            }
        }
    }
}
