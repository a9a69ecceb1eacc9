import StrandPrimitives
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

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

    @Test func agreesWithTheDefinitionForEveryShape() {
        // The levels are hashed in batches: odd nodes at every level, batches not a multiple of 8.
        for count in [6, 7, 8, 9, 15, 16, 17, 33, 100] {
            let hashes = (0..<count).map { Keccak256.hash([UInt8(truncatingIfNeeded: $0), 7]) }
            var level = hashes.map(leaf)
            while level.count > 1 {
                level = stride(from: 0, to: level.count, by: 2).map { $0 + 1 < level.count ? node(level[$0], level[$0 + 1]) : level[$0] }
            }
            #expect(merkleRoot(hashes) == level[0], "\(count) leaves")
        }
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

    /// Each thread runs the body once with its own index, the same thread the same index in
    /// every job: the executor plans on a thread and executes the same chunks there.
    @Test(arguments: [1, 2, 5])
    func onEveryThreadGivesEachThreadItsIndex(threads: Int) {
        let pool = WorkerThreads(parallelism: threads)
        let caller = pthread_self()
        var threadOfIndex: [Int: pthread_t] = [:]
        for job in 0..<20 {
            let seen = Mutex([Int: pthread_t]())
            pool.onEveryThread { index in seen.withLock { #expect($0.updateValue(pthread_self(), forKey: index) == nil) } }
            let indices = seen.withLock { $0 }
            #expect(indices.keys.sorted() == Array(0..<threads), "job \(job)")
            #expect(pthread_equal(indices[0]!, caller) != 0)
            for (index, thread) in indices {
                if let before = threadOfIndex[index] { #expect(pthread_equal(before, thread) != 0, "index \(index)") }
                threadOfIndex[index] = thread
            }
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
