import StrandPrimitives
import StrandTypes

/// Sorted lists of distinct keys merged into one, on all of `workers`' threads: the key space
/// is cut at splitters sampled from the parts, and each thread merges one slice of every part
/// into its own stretch of the output. No step is serial beyond choosing the splitters, so the
/// block's finish scales with the cores however many parts there are.
///
/// - Precondition: each part is strictly ascending by key, and no key is in two parts.
/// - Complexity: O(*n* × *k* / *t*) for *n* entries in *k* parts on *t* threads, plus
///   O(*k* × *t* log *n*) to cut the parts.
func mergeSortedParts(_ parts: [[WrittenEntry]], workers: WorkerThreads) -> [WrittenEntry] {
    let nonEmpty = parts.filter { !$0.isEmpty }
    guard nonEmpty.count > 1 else { return nonEmpty.first ?? [] }
    let total = nonEmpty.reduce(0) { $0 + $1.count }
    let sliceCount = max(1, min(workers.parallelism, total / 1_024))
    // Splitters: quantiles of evenly spaced samples from every part.
    let samplesPerPart = 16 * sliceCount
    var samples: [StateKey] = []
    for part in nonEmpty {
        for s in 0..<samplesPerPart { samples.append(part[s * part.count / samplesPerPart].key) }
    }
    samples.sort(by: <)
    let splitters = (1..<sliceCount).map { samples[$0 * samples.count / sliceCount] }
    // cuts[s][p]: where slice s starts in part p (the first key not below its splitter).
    let cuts: [[Int]] = (0...sliceCount).map { s in
        nonEmpty.map { part in
            s == 0 ? 0 : s == sliceCount ? part.count : lowerBound(of: splitters[s - 1], in: part)
        }
    }
    return withBuffers(of: nonEmpty[...]) { parts in
        [WrittenEntry](unsafeUninitializedCapacity: total) { out, initialized in
            let output = out.baseAddress!
            workers.parallelFor(sliceCount, chunkSize: 1) { slices in
                for s in slices {
                    var next = output + cuts[s].reduce(0, +)
                    var heads = cuts[s]
                    let ends = cuts[s + 1]
                    heads.withUnsafeMutableBufferPointer { heads in
                        while true {
                            // The smallest head among the parts (a handful: a scan beats a heap).
                            var smallest = -1
                            for p in 0..<parts.count where heads[p] < ends[p] {
                                if smallest < 0 || parts[p][heads[p]].key < parts[smallest][heads[smallest]].key {
                                    smallest = p
                                }
                            }
                            guard smallest >= 0 else { break }
                            next.initialize(to: parts[smallest][heads[smallest]])
                            next += 1
                            heads[smallest] += 1
                        }
                    }
                }
            }
            initialized = total
        }
    }
}

/// A block's written key with its final value.
typealias WrittenEntry = (key: StateKey, value: UInt256)

/// Runs `body` with every array's buffer: the merge reads the parts without retaining them.
private func withBuffers<Result>(
    of arrays: ArraySlice<[WrittenEntry]>, gathered: [UnsafeBufferPointer<WrittenEntry>] = [],
    _ body: ([UnsafeBufferPointer<WrittenEntry>]) -> Result
) -> Result {
    guard let first = arrays.first else { return body(gathered) }
    return first.withUnsafeBufferPointer { withBuffers(of: arrays.dropFirst(), gathered: gathered + [$0], body) }
}

/// The index of the first entry of `part` whose key is not below `key`.
private func lowerBound(of key: StateKey, in part: [WrittenEntry]) -> Int {
    var low = 0, high = part.count
    while low < high {
        let middle = (low + high) / 2
        if part[middle].key < key { low = middle + 1 } else { high = middle }
    }
    return low
}
