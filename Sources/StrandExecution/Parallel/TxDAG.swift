import StrandTypes

/// The conflict DAG of a block: an edge j → i (j < i) when transaction i must run after j
/// because one writes a key the other reads or writes. Readers of a key do not depend on
/// each other. A transaction whose access set is unknown is a barrier: it waits for every
/// earlier transaction and every later one waits for it.
///
/// Built in one pass over the access sets with a per-key index (last writer, and the
/// readers since it, chained through the access entries): O(total keys), never pairwise.
/// Successors are kept in compressed rows, in increasing order, so the DAG is deterministic.
struct TxDAG {
    /// Successors of transaction i: `successors[successorStart[i]..<successorStart[i + 1]]`.
    private(set) var successorStart: [Int32] = []
    private(set) var successors: [Int32] = []
    private(set) var inDegree: [Int32] = []
    /// The key id of each access entry (entry a of transaction i is at i × stride + a).
    private(set) var keyIDs: [Int32] = []
    private(set) var edgeCount = 0
    private(set) var criticalPathLength = 0
    private(set) var maximumWidth = 0

    // Scratch, kept between blocks.
    private var depth: [Int32] = []
    private var lastEdgeTarget: [Int32] = []
    private var edgeSources: [Int32] = []
    private var edgeTargets: [Int32] = []
    private var lastWriter: [Int32] = []
    private var readerHead: [Int32] = []
    private var nextReader: [Int32] = []

    /// Builds the DAG of `count` transactions whose access sets sit in `keys`/`isWrite` at
    /// `i × stride`, `accessCounts[i]` long; `knownAccess[i] == false` makes i a barrier.
    mutating func build(
        count: Int, stride: Int, keys: UnsafePointer<StateKey>, isWrite: UnsafePointer<Bool>,
        accessCounts: UnsafePointer<UInt8>, knownAccess: UnsafePointer<Bool>, keyIndex: inout KeyIndex
    ) {
        reset(&inDegree, count, 0)
        reset(&depth, count, 0)
        reset(&lastEdgeTarget, count, -1)
        reset(&keyIDs, count * stride, -1)
        reset(&nextReader, count * stride, -1)
        edgeSources.removeAll(keepingCapacity: true)
        edgeTargets.removeAll(keepingCapacity: true)
        lastWriter.removeAll(keepingCapacity: true)
        readerHead.removeAll(keepingCapacity: true)

        var lastBarrier: Int32 = -1
        for i in 0..<count {
            let tx = Int32(i)
            if !knownAccess[i] {
                for j in (lastBarrier + 1)..<tx { addEdge(from: j, to: tx) }
                addEdge(from: lastBarrier, to: tx)
                lastBarrier = tx
                continue
            }
            addEdge(from: lastBarrier, to: tx)
            let base = i * stride
            for a in base..<(base + Int(accessCounts[i])) {
                let (id, isNew) = keyIndex.intern(keys[a])
                if isNew {
                    lastWriter.append(-1)
                    readerHead.append(-1)
                }
                let k = Int(id)
                keyIDs[a] = id
                addEdge(from: lastWriter[k], to: tx)
                if isWrite[a] {
                    var reader = readerHead[k]
                    while reader >= 0 {
                        addEdge(from: reader / Int32(stride), to: tx)
                        reader = nextReader[Int(reader)]
                    }
                    readerHead[k] = -1
                    lastWriter[k] = tx
                } else {
                    nextReader[a] = readerHead[k]
                    readerHead[k] = Int32(a)
                }
            }
        }
        buildRows(count: count)
    }

    private mutating func addEdge(from source: Int32, to target: Int32) {
        guard source >= 0, lastEdgeTarget[Int(source)] != target else { return }
        lastEdgeTarget[Int(source)] = target
        edgeSources.append(source)
        edgeTargets.append(target)
        inDegree[Int(target)] += 1
        depth[Int(target)] = max(depth[Int(target)], depth[Int(source)] + 1)
    }

    /// Compressed rows from the edge list, plus the shape statistics.
    private mutating func buildRows(count: Int) {
        edgeCount = edgeSources.count
        reset(&successorStart, count + 1, 0)
        for source in edgeSources { successorStart[Int(source) + 1] += 1 }
        for i in 0..<count { successorStart[i + 1] += successorStart[i] }
        reset(&successors, edgeCount, 0)
        // Reuse lastEdgeTarget as each row's fill cursor.
        for i in 0..<count { lastEdgeTarget[i] = successorStart[i] }
        for e in 0..<edgeCount {
            let source = Int(edgeSources[e])
            successors[Int(lastEdgeTarget[source])] = edgeTargets[e]
            lastEdgeTarget[source] += 1
        }
        var widths = [Int](repeating: 0, count: count + 1)
        var deepest = -1
        for i in 0..<count {
            let d = Int(depth[i])
            widths[d] += 1
            deepest = max(deepest, d)
        }
        criticalPathLength = deepest + 1
        maximumWidth = widths.max() ?? 0
    }

    private func reset(_ array: inout [Int32], _ count: Int, _ value: Int32) {
        if array.count == count {
            array.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
        } else {
            array.removeAll(keepingCapacity: true)
            array.append(contentsOf: repeatElement(value, count: count))
        }
    }
}
