@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

@Suite struct TxDAGTests {
    /// Builds a DAG from access sets written as [(key number, isWrite)], nil for unknown.
    func dag(_ sets: [[(Int, Bool)]?]) -> (TxDAG, [[Int]]) {
        let stride = AccessSetBuilder.capacity
        var keys = [StateKey](repeating: .nonce(.zero), count: sets.count * stride)
        var writes = [Bool](repeating: false, count: sets.count * stride)
        var counts = [UInt8](repeating: 0, count: sets.count)
        var known = [Bool](repeating: true, count: sets.count)
        for (i, set) in sets.enumerated() {
            guard let set else { known[i] = false; continue }
            for (a, (key, write)) in set.enumerated() {
                keys[i * stride + a] = .balance(Address(lastBytesOf: Keccak256.hash([UInt8(key)])))
                writes[i * stride + a] = write
            }
            counts[i] = UInt8(set.count)
        }
        let dag = TxDAG()
        dag.build(count: sets.count, stride: stride, keys: keys, isWrite: writes, accessCounts: counts, knownAccess: known)
        let successors = (0..<sets.count).map { i in
            (Int(dag.successorStart[i])..<Int(dag.successorStart[i + 1])).map { Int(dag.successors[$0]) }
        }
        return (dag, successors)
    }

    @Test func readersShareWritersOrder() {
        // 0 writes k; 1 and 2 read k; 3 writes k; 4 reads k; 5 touches only j.
        let (dag, successors) = dag([[(1, true)], [(1, false)], [(1, false)], [(1, true)], [(1, false)], [(2, true)]])
        #expect(successors == [[1, 2, 3], [3], [3], [4], [], []])
        #expect((0..<6).map { dag.inDegree[$0] } == [0, 1, 1, 3, 1, 0])
        #expect(dag.criticalPathLength == 4)  // 0 → 1 → 3 → 4
        #expect(dag.maximumWidth == 2)
    }

    @Test func duplicateEdgesAreMerged() {
        // 1 conflicts with 0 on two keys: one edge.
        let (dag, successors) = dag([[(1, true), (2, true)], [(1, true), (2, false)]])
        #expect(successors == [[1], []])
        #expect(dag.edgeCount == 1)
    }

    @Test func unknownAccessIsABarrier() {
        let (_, successors) = dag([[(1, true)], [(2, true)], nil, [(3, true)], [(4, false)]])
        #expect(successors == [[2], [2], [3, 4], [], []])
    }

    @Test func independentTransactionsHaveNoEdges() {
        let (dag, _) = dag((0..<50).map { [($0, true), (200, false)] })
        #expect(dag.edgeCount == 0)
        #expect(dag.criticalPathLength == 1 && dag.maximumWidth == 50)
    }
}

@Suite struct SlotViewTests {
    @Test func accessOutsideTheSetIsDetected() {
        let declared = StateKey.balance(Address(lastBytesOf: Keccak256.hash([1])))
        let readOnly = StateKey.nonce(Address(lastBytesOf: Keccak256.hash([2])))
        let stranger = StateKey.balance(Address(lastBytesOf: Keccak256.hash([3])))
        var keys = [declared, readOnly]
        var writes = [true, false]
        var ids: [Int32] = [0, 1]
        var startValues = [UInt256(5), UInt256.zero]
        var slots = [Slot(), Slot()]
        slots.withUnsafeMutableBufferPointer { slots in
            func view() -> SlotView {
                SlotView(slots: slots.baseAddress!, keys: &keys, isWrite: &writes, keyIDs: &ids, startValues: &startValues, count: 2)
            }
            var inside = view()
            #expect(inside.read(declared) == UInt256(5))
            inside.write(declared, UInt256(6))
            #expect(inside.read(declared) == UInt256(6) && !inside.violated)

            var outside = view()
            _ = outside.read(stranger)
            #expect(outside.violated)

            var writesReadOnly = view()
            writesReadOnly.write(readOnly, .one)
            #expect(writesReadOnly.violated)
        }
    }
}

@Suite struct KeyIndexTests {
    static func key(_ n: Int) -> StateKey { .balance(Address(lastBytesOf: Keccak256.hash(Array(String(n).utf8)))) }

    @Test func concurrentInterningGivesOnePositionPerKey() {
        // Four threads intern 20,000 accesses of 3,000 keys, many of them at the same moment.
        let threads = 4, perThread = 5_000
        var generator = SeededGenerator(seed: 7)
        let numbers = (0..<threads * perThread).map { _ in Int(generator.next() % 3_000) }
        let keys = numbers.map(Self.key)
        let index = KeyIndex()
        index.reset(expectedKeys: keys.count)
        var positions = [Int32](repeating: -1, count: keys.count)
        let workers = WorkerThreads(parallelism: threads)
        keys.withUnsafeBufferPointer { keys in
            positions.withUnsafeMutableBufferPointer { out in
                let (keys, out) = (keys, out)
                workers.parallelFor(threads, chunkSize: 1) { range in
                    for t in range {
                        for a in (t * perThread)..<((t + 1) * perThread) {
                            out[a] = index.internConcurrently(keys[a], hash: keys[a].mixedHash, position: a,
                                                              in: keys.baseAddress!)
                        }
                    }
                }
            }
        }
        var positionOfNumber: [Int: Int32] = [:]
        for (a, number) in numbers.enumerated() {
            #expect(keys[Int(positions[a])] == keys[a])
            #expect(positionOfNumber[number, default: positions[a]] == positions[a], "key \(number) got two positions")
            positionOfNumber[number] = positions[a]
        }
        #expect(Set(positionOfNumber.values).count == positionOfNumber.count)
        keys.withUnsafeBufferPointer { keys in
            for (number, position) in positionOfNumber {
                #expect(index.lookup(Self.key(number), hash: Self.key(number).mixedHash, in: keys.baseAddress!) == position)
            }
            #expect(index.lookup(Self.key(-1), hash: Self.key(-1).mixedHash, in: keys.baseAddress!) == nil)
        }
    }

    @Test func serialInterningGrows() {
        let keys = (0..<1_000).map(Self.key)
        let index = KeyIndex()
        index.reset(expectedKeys: 4)
        keys.withUnsafeBufferPointer { keys in
            for (a, key) in keys.enumerated() {
                #expect(index.intern(key, hash: key.mixedHash, position: a, in: keys.baseAddress!) == (Int32(a), true))
            }
            for (a, key) in keys.enumerated() {
                #expect(index.intern(key, hash: key.mixedHash, position: 0, in: keys.baseAddress!) == (Int32(a), false))
            }
        }
        #expect(index.count == 1_000 && index.capacity >= 2_000)
    }

    /// The planners' DAG (keys interned concurrently, or again by the builder when the index was
    /// sized too small) equals the one built on one thread from the same sets.
    @Test(arguments: [1, 12])
    func plannedDAGEqualsReference(expectedKeysPerTransaction: Int) {
        let count = 3_000, stride = AccessSetBuilder.capacity
        var generator = SeededGenerator(seed: 11)
        let sets = (0..<count).map { _ in
            (0..<(1 + Int(generator.next() % UInt64(stride - 1)))).map { _ in
                (Self.key(Int(generator.next() % 4_000)), generator.next() % 3 == 0)
            }
        }
        var buffers = ParallelEngine()
        ParallelEngine.fit(&buffers.plans, count, .placeholder)
        let prepared = buffers.prepare(count, stride: stride)
        let pool = WorkerPool(threads: 2)
        var statistics = ExecutionStatistics()
        buffers.planAndBuildDAG(count: count, sets: prepared, chunkSize: 64,
                                expectedKeysPerTransaction: expectedKeysPerTransaction, pool: pool,
                                statistics: &statistics) { i, _ in
            for (a, (key, write)) in sets[i].enumerated() {
                prepared.keys[i * stride + a] = key
                prepared.isWrite[i * stride + a] = write
            }
            prepared.accessCounts[i] = UInt8(sets[i].count)
            prepared.knownAccess[i] = true
        }
        let reference = TxDAG()
        reference.build(count: count, stride: stride, keys: prepared.keys, isWrite: prepared.isWrite,
                        accessCounts: prepared.accessCounts, knownAccess: prepared.knownAccess)
        let planned = buffers.dag
        #expect(planned.keyCount == reference.keyCount && planned.edgeCount == reference.edgeCount)
        #expect(statistics.edgeCount == reference.edgeCount && statistics.criticalPathLength == reference.criticalPathLength)
        #expect((0...count).allSatisfy { planned.successorStart[$0] == reference.successorStart[$0] })
        #expect((0..<planned.edgeCount).allSatisfy { planned.successors[$0] == reference.successors[$0] })
        #expect((0..<planned.keyCount).allSatisfy { id in
            prepared.keys[Int(planned.positionsByID[id])] == prepared.keys[Int(reference.positionsByID[id])]
        })
    }
}
