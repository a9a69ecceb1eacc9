import StrandTypes

/// The conflict DAG of a block: an edge j → i (j < i) when transaction i must run after j
/// because one writes a key the other reads or writes. Readers of a key do not depend on
/// each other. A transaction whose access set is unknown is a barrier: it waits for every
/// earlier transaction and every later one waits for it.
///
/// Built in one pass over the access sets with a per-key index (last writer, and the
/// readers since it, chained through the access entries): O(total keys), never pairwise.
/// The keys come interned (`KeyIndex`, by the planners, on every core): the builder, the one
/// serial step of a block, follows positions and never hashes or compares a key.
/// Successors are kept in compressed rows, in increasing order, so the DAG is deterministic.
/// Its fields are exempt from dynamic exclusivity checks: one thread builds it, and the
/// builder's loop would otherwise pay a check per access of each counter.
final class TxDAG {
    /// Successors of transaction i: `successors[successorStart[i]..<successorStart[i + 1]]`.
    let successorStart = ScratchBuffer<Int32>()
    let successors = ScratchBuffer<Int32>()
    let inDegree = ScratchBuffer<Int32>()
    /// The position (see `KeyIndex`) of each key id's key, ids counted from 0 in block order.
    let positionsByID = ScratchBuffer<Int32>()
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private(set) var keyCount = 0
    @exclusivity(unchecked) private(set) var edgeCount = 0
    @exclusivity(unchecked) private(set) var criticalPathLength = 0
    @exclusivity(unchecked) private(set) var maximumWidth = 0

    // Scratch, kept between blocks.
    private let depth = ScratchBuffer<Int32>()
    private let lastEdgeTarget = ScratchBuffer<Int32>()
    private let edgeSources = ScratchBuffer<Int32>()
    private let edgeTargets = ScratchBuffer<Int32>()
    private let lastWriter = ScratchBuffer<Int32>()
    private let readerHead = ScratchBuffer<Int32>()
    private let nextReader = ScratchBuffer<Int32>()
    private let widths = ScratchBuffer<Int32>()

    @exclusivity(unchecked) private var stride = 1
    @exclusivity(unchecked) private var lastBarrier: Int32 = -1
    @exclusivity(unchecked) private var added = 0

    /// Builds the DAG of `count` transactions whose access sets sit in `keys`/`isWrite` at
    /// `i × stride`, `accessCounts[i]` long; `knownAccess[i] == false` makes i a barrier.
    /// Interns the keys itself, on this thread.
    func build(
        count: Int, stride: Int, keys: UnsafePointer<StateKey>, isWrite: UnsafePointer<Bool>,
        accessCounts: UnsafePointer<UInt8>, knownAccess: UnsafePointer<Bool>
    ) {
        let index = KeyIndex()
        index.reset(expectedKeys: count * stride)
        var positions = [Int32](repeating: 0, count: count * stride)
        var keyIDs = [Int32](repeating: -1, count: count * stride)
        for i in 0..<count {
            for a in (i * stride)..<(i * stride + Int(accessCounts[i])) {
                positions[a] = index.intern(keys[a], hash: keys[a].mixedHash, position: a, in: keys).position
            }
        }
        begin(count: count, stride: stride)
        add(0..<count, keyPositions: positions, keyIDs: &keyIDs, isWrite: isWrite, accessCounts: accessCounts,
            knownAccess: knownAccess)
        finish()
    }

    /// Starts a DAG of `count` transactions, to be added in order by `add` and closed by `finish`.
    func begin(count: Int, stride: Int) {
        self.count = count
        self.stride = stride
        let accesses = count * stride
        inDegree.reset(count: count, to: 0)
        depth.reset(count: count, to: 0)
        lastEdgeTarget.reset(count: count, to: -1)
        // Written before they are read (a reader link when its access is added, a key's fields
        // when its id is given).
        nextReader.reserve(accesses)
        // At most one new key per access: room for every key up front.
        positionsByID.reserve(accesses)
        lastWriter.reserve(accesses)
        readerHead.reserve(accesses)
        keyCount = 0
        edgeCount = 0
        lastBarrier = -1
        added = 0
    }

    /// Adds the transactions of `range`, which must start where the previous one ended.
    /// `keyPositions[a]` is the position of access a's key in the block's `KeyIndex`; `keyIDs`
    /// must hold -1 for each access on entry, and gets each access's key id: a dense number,
    /// given in order of first access, which the DAG keeps at the key's position meanwhile.
    func add(
        _ range: Range<Int>, keyPositions: UnsafePointer<Int32>, keyIDs: UnsafeMutablePointer<Int32>,
        isWrite: UnsafePointer<Bool>, accessCounts: UnsafePointer<UInt8>, knownAccess: UnsafePointer<Bool>
    ) {
        precondition(range.lowerBound == added, "TxDAG.add out of order")
        added = range.upperBound
        for i in range {
            let tx = Int32(i)
            if !knownAccess[i] {
                for j in (lastBarrier + 1)..<tx { addEdge(from: j, to: tx) }
                addEdge(from: lastBarrier, to: tx)
                lastBarrier = tx
                continue
            }
            if lastBarrier >= 0 { addEdge(from: lastBarrier, to: tx) }
            let base = i * stride
            for a in base..<(base + Int(accessCounts[i])) {
                let position = Int(keyPositions[a])
                var id = keyIDs[position]
                if id < 0 {
                    id = Int32(keyCount)
                    keyIDs[position] = id
                    positionsByID[keyCount] = Int32(position)
                    lastWriter[keyCount] = -1
                    readerHead[keyCount] = -1
                    keyCount += 1
                }
                keyIDs[a] = id
                let k = Int(id)
                if lastWriter[k] >= 0 { addEdge(from: lastWriter[k], to: tx) }
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
    }

    /// Closes the DAG: compressed rows and shape statistics.
    func finish() {
        precondition(added == count, "TxDAG.finish before every transaction was added")
        buildRows()
    }

    @inline(__always)
    private func addEdge(from source: Int32, to target: Int32) {
        guard source >= 0, lastEdgeTarget[Int(source)] != target else { return }
        lastEdgeTarget[Int(source)] = target
        if edgeCount == edgeSources.capacity {
            edgeSources.reserve(edgeCount + 1, keeping: edgeCount)
            edgeTargets.reserve(edgeCount + 1, keeping: edgeCount)
        }
        edgeSources[edgeCount] = source
        edgeTargets[edgeCount] = target
        edgeCount += 1
        inDegree[Int(target)] += 1
        depth[Int(target)] = max(depth[Int(target)], depth[Int(source)] + 1)
    }

    /// Compressed rows from the edge list, plus the shape statistics.
    private func buildRows() {
        successorStart.reset(count: count + 1, to: 0)
        for e in 0..<edgeCount { successorStart[Int(edgeSources[e]) + 1] += 1 }
        for i in 0..<count { successorStart[i + 1] += successorStart[i] }
        successors.reserve(edgeCount)
        // Reuse lastEdgeTarget as each row's fill cursor.
        for i in 0..<count { lastEdgeTarget[i] = successorStart[i] }
        for e in 0..<edgeCount {
            let source = Int(edgeSources[e])
            successors[Int(lastEdgeTarget[source])] = edgeTargets[e]
            lastEdgeTarget[source] += 1
        }
        widths.reset(count: count + 1, to: 0)
        var deepest = -1
        var widest: Int32 = 0
        for i in 0..<count {
            let d = Int(depth[i])
            widths[d] += 1
            widest = max(widest, widths[d])
            deepest = max(deepest, d)
        }
        criticalPathLength = deepest + 1
        maximumWidth = Int(widest)
    }
}
