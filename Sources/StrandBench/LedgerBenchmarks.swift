import CStrandReference
import Foundation
import StrandPrimitives
import StrandStorage
import StrandWorkloads
import StrandTypes

/// The ledger's per-block commit against raw LMDB puts of the same state entries from C,
/// in the same run, durable and unsafe no-sync.
public struct LedgerBenchmarks {
    /// State keys per block.
    public var blockSizes: [Int]
    /// Transactions (with receipts and index entries) per block.
    public var transactionsPerBlock: Int
    /// Timed blocks per size and mode.
    public var blocks: Int
    /// Where the temporary databases go.
    public var directory: String

    public init(blockSizes: [Int] = [10_000, 50_000], transactionsPerBlock: Int = 1_000, blocks: Int = 7,
                directory: String = FileManager.default.temporaryDirectory.path) {
        self.blockSizes = blockSizes
        self.transactionsPerBlock = transactionsPerBlock
        self.blocks = blocks
        self.directory = directory
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> [BenchmarkRow] {
        var rows: [BenchmarkRow] = []
        for durability in [LMDBOptions.Durability.durable, .unsafeNoSync] {
            for keys in blockSizes {
                progress("ledger commit, \(keys) keys, \(durability)")
                rows.append(try commit(keys: keys, durability: durability))
            }
        }
        for keys in blockSizes {
            progress("state changes assembly, \(keys) keys")
            rows.append(assembly(keys: keys))
        }
        return rows
    }

    /// What a block's assembler pays once, outside the commit: sorting the write set,
    /// encoding the change log and hashing it for the state root.
    func assembly(keys: Int) -> BenchmarkRow {
        var synthetic = SyntheticBlocks(seed: UInt64(keys))
        let sample = synthetic.stateChanges(keys, churn: false)
        let writes = Dictionary(uniqueKeysWithValues: sample.entries.map { ($0.key, $0.value) })
        let strand = measure("assembly", samples: 5) { blackHole(StateChanges(writes)) }
        var out = [UInt8](repeating: 0, count: 32)
        let reference = sample.encoded.withUnsafeBufferPointer { encoded in
            measure("C keccak", samples: 5) { strand_reference_keccak256(encoded.baseAddress, encoded.count, &out) }
        }
        return BenchmarkRow(
            name: "state changes assembly (sort, encode, digest), \(keys / 1000)k keys", strand: strand,
            reference: reference, ratioMeaning: "Strand time ÷ C keccak of the encoding alone",
            ratio: strand.nanosecondsPerOperation / reference.nanosecondsPerOperation, target: nil, targetMet: nil)
    }

    func commit(keys: Int, durability: LMDBOptions.Durability) throws -> BenchmarkRow {
        let base = URL(fileURLWithPath: directory).appendingPathComponent("strand-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        var synthetic = SyntheticBlocks(seed: UInt64(keys))
        let ledger = try Ledger(directory: base.appendingPathComponent("ledger").path,
                                options: LMDBOptions(mapSize: 32 << 30, durability: durability), genesis: synthetic.genesis)
        var raw: UnsafeMutableRawPointer?
        let rc = strand_reference_lmdb_open(base.appendingPathComponent("raw").path,
                                            durability == .durable ? 0 : 1, 32 << 30, &raw)
        guard rc == 0, let raw else { throw LMDBReferenceError(code: rc) }
        defer { strand_reference_lmdb_close(raw) }

        // Build every block before timing anything: signing is not what is measured.
        var head = ledger.head
        var prepared: [(block: Block, receipts: [Receipt], changes: StateChanges)] = []
        var parent = (number: head.number, hash: head.hash, stateRoot: head.stateRoot)
        for _ in 0..<(blocks + 1) {
            let next = synthetic.block(number: parent.number + 1, parentHash: parent.hash, parentStateRoot: parent.stateRoot,
                                       transactionCount: transactionsPerBlock, stateKeys: keys, churn: false)
            prepared.append(next)
            parent = (next.block.number, next.block.hash, next.block.header.stateRoot)
        }

        let clock = ContinuousClock()
        var ledgerSamples: [Double] = []
        var rawSamples: [Double] = []
        for (i, next) in prepared.enumerated() {
            // The same state entries, as the ledger stores them, packed for the C loop.
            var keyBytes = [UInt8](), keySizes = [Int](), valueBytes = [UInt8](), valueSizes = [Int]()
            for entry in next.changes.entries {
                let key = entry.key.encoded
                let value = entry.value.minimalBigEndianBytes
                keyBytes += key
                keySizes.append(key.count)
                valueBytes += value
                valueSizes.append(value.count)
            }
            let rawTime = clock.measure {
                let rc = strand_reference_lmdb_put_batch(raw, keyBytes, keySizes, valueBytes, valueSizes, keySizes.count)
                precondition(rc == 0, "raw LMDB put failed: \(rc)")
            }
            let ledgerTime = try clock.measure {
                try ledger.commit(next.block, receipts: next.receipts, changes: next.changes)
            }
            // The first block warms both files up; it is not counted.
            if i > 0 {
                rawSamples.append(rawTime.nanoseconds)
                ledgerSamples.append(ledgerTime.nanoseconds)
            }
        }
        head = ledger.head
        precondition(head.number == UInt64(blocks + 1))

        let strand = Measurement(name: "ledger", sampleNanoseconds: ledgerSamples)
        let reference = Measurement(name: "raw", sampleNanoseconds: rawSamples)
        let ratio = reference.nanosecondsPerOperation / strand.nanosecondsPerOperation
        return BenchmarkRow(
            name: "block commit, \(keys / 1000)k keys + \(transactionsPerBlock) txs, \(durability)",
            strand: strand, reference: reference,
            ratioMeaning: "raw puts time ÷ ledger commit time", ratio: ratio,
            target: "≥ 0.8", targetMet: ratio >= 0.8)
    }
}

struct LMDBReferenceError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "raw LMDB reference failed to open: \(code)" }
}
