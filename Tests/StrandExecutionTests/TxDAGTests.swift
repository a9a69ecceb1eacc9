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
        let index = KeyIndex()
        index.reset(expectedKeys: 8)
        dag.build(count: sets.count, stride: stride, keys: keys, isWrite: writes, accessCounts: counts,
                  knownAccess: known, keyIndex: index)
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
