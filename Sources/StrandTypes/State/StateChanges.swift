import StrandCrypto
import StrandPrimitives

/// Everything a block wrote to the state: the final value of each key it touched (zero =
/// deleted), sorted by key, and the contract code it created, by code hash.
///
/// Its canonical encoding is the change log the ledger keeps per block; the entries are
/// cut into chunks of `chunkSize` so that encoding and hashing can run on all cores:
///
///     encoding = rlp([chunk₀, chunk₁, …, [code…]])      chunkᵢ = [[key, minimal big-endian value]…]
///     digest   = H(H(chunk₀) ‖ H(chunk₁) ‖ … ‖ H([code…]))
///
/// keys ascending, code by ascending Keccak-256 (code is addressed by it on every chain);
/// each H is of that item's RLP bytes, H the chain's hash (Keccak-256, SM3 on a 国密 chain).
/// The state root commits to the digest (`stateRoot(after:)`).
///
/// The encoding and digest are computed once, when the changes are built: the block's
/// assembler needs them for the header's state root, and the ledger reuses them to store
/// the change log and advance the root, so no block is encoded or hashed twice.
public struct StateChanges: Hashable, Sendable {
    /// Entries per chunk of the encoding; part of the state-root definition.
    public static let chunkSize = 1024

    /// Final values, sorted by key, each key once.
    public let entries: [(key: StateKey, value: UInt256)]
    /// New contract code, keyed by its Keccak-256.
    public let code: [Hash: [UInt8]]
    /// The canonical encoding (see the type's documentation).
    public let encoded: [UInt8]
    /// The chunked digest (see the type's documentation).
    public let digest: Hash
    /// The chain's suite, whose hash the digest and the state root are.
    public let suite: CryptoSuite

    /// - Parameter writes: the final value of every key written; any order.
    /// - Complexity: O(*n* log *n*) to sort, then one encoding and one hash of it.
    public init(_ writes: [StateKey: UInt256], code: [[UInt8]] = [], suite: CryptoSuite = .secp256k1) {
        self.init(sortedEntries: StateKey.sorted(writes.map { (key: $0.key, value: $0.value) }), code: code, suite: suite)
    }

    /// From entries already sorted by key, each key once; chunks are encoded and hashed on
    /// `workers` when given.
    ///
    /// - Precondition: `sortedEntries` is strictly ascending by key.
    public init(sortedEntries: [(key: StateKey, value: UInt256)], code: [[UInt8]] = [], suite: CryptoSuite, workers: WorkerThreads? = nil) {
        let codeByHash = Dictionary(code.map { (Keccak256.hash($0), $0) }, uniquingKeysWith: { first, _ in first })
        let chunkCount = (sortedEntries.count + Self.chunkSize - 1) / Self.chunkSize
        // Chunk i's encoding and hash, then the code list's as the last item.
        var items = [[UInt8]](repeating: [], count: chunkCount + 1)
        var hashes = [Hash](repeating: .zero, count: chunkCount + 1)
        items.withUnsafeMutableBufferPointer { itemBuffer in
            hashes.withUnsafeMutableBufferPointer { hashBuffer in
                let (items, hashes) = (itemBuffer, hashBuffer)
                let encodeChunks = { (range: Range<Int>) in
                    for chunk in range {
                        let slice = sortedEntries[(chunk * Self.chunkSize)..<min((chunk + 1) * Self.chunkSize, sortedEntries.count)]
                        items[chunk] = Self.encodeChunk(slice)
                    }
                }
                // Chunks of about one length, hashed eight at a time (`CryptoSuite.hashEach`), each
                // pinned by a closure around the next.
                func hashGroup(_ group: Range<Int>, pinned: [UnsafeRawBufferPointer] = []) {
                    let chunk = group.lowerBound + pinned.count
                    guard chunk < group.upperBound else {
                        return suite.hashEach(count: pinned.count, into: hashes.baseAddress! + group.lowerBound) { pinned[$0] }
                    }
                    items[chunk].withUnsafeBytes { hashGroup(group, pinned: pinned + [$0]) }
                }
                let hashChunks = { (range: Range<Int>) in
                    for start in stride(from: range.lowerBound, to: range.upperBound, by: 8) {
                        hashGroup(start..<min(start + 8, range.upperBound))
                    }
                }
                if let workers {
                    workers.parallelFor(chunkCount, chunkSize: 1, encodeChunks)
                    workers.parallelFor(chunkCount, chunkSize: 8, hashChunks)
                } else {
                    encodeChunks(0..<chunkCount)
                    hashChunks(0..<chunkCount)
                }
                var codeList = RLPEncoder(reservingCapacity: codeByHash.values.reduce(8) { $0 + $1.count + 4 })
                codeList.appendList { list in for hash in codeByHash.keys.sorted() { list.append(bytes: codeByHash[hash]!) } }
                items[chunkCount] = codeList.bytes
                hashes[chunkCount] = suite.hash(codeList.bytes)
            }
        }
        let encoded = Self.concatenate(items, workers: workers)
        var digestInput: [UInt8] = []
        digestInput.reserveCapacity(hashes.count * 32)
        for hash in hashes { hash.withUnsafeBytes { digestInput.append(contentsOf: $0) } }
        self.init(entries: sortedEntries, code: codeByHash, encoded: encoded, digest: suite.hash(digestInput), suite: suite)
    }

    /// rlp([items…]) from the items' encodings, copied into place on `workers` when given.
    private static func concatenate(_ items: [[UInt8]], workers: WorkerThreads?) -> [UInt8] {
        let payload = items.reduce(0) { $0 + $1.count }
        var header = RLPEncoder(reservingCapacity: 9)
        header.appendListHeader(payloadLength: payload)
        var offsets = [header.bytes.count]
        for item in items { offsets.append(offsets.last! + item.count) }
        return [UInt8](unsafeUninitializedCapacity: offsets.last!) { buffer, initialized in
            let out = buffer
            header.bytes.withUnsafeBufferPointer { _ = UnsafeMutableBufferPointer(rebasing: out[0..<$0.count]).initialize(fromContentsOf: $0) }
            let copy = { (range: Range<Int>) in
                for i in range {
                    items[i].withUnsafeBufferPointer { item in
                        _ = UnsafeMutableBufferPointer(rebasing: out[offsets[i]..<offsets[i + 1]]).initialize(fromContentsOf: item)
                    }
                }
            }
            if let workers { workers.parallelFor(items.count, chunkSize: 4, copy) } else { copy(0..<items.count) }
            initialized = offsets.last!
        }
    }

    private init(entries: [(key: StateKey, value: UInt256)], code: [Hash: [UInt8]], encoded: [UInt8], digest: Hash, suite: CryptoSuite) {
        self.suite = suite
        self.entries = entries
        self.code = code
        self.encoded = encoded
        self.digest = digest
    }

    private static func encodeChunk(_ entries: ArraySlice<(key: StateKey, value: UInt256)>) -> [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: entries.count * 92 + 8)
        encoder.appendList { list in
            for entry in entries {
                // Each pair's length is known up front, so its header is written first.
                let keyLength = entry.key.kind == .storage ? 53 : 21
                let valueWidth = entry.value.byteWidth
                let valueLength = RLPEncoder.encodedLength(ofBytes: valueWidth, first: UInt8(truncatingIfNeeded: entry.value.w0))
                list.appendListHeader(payloadLength: 1 + keyLength + valueLength)
                entry.key.withEncodedBytes { list.append(bytes: $0) }
                list.append(entry.value)
            }
        }
        return encoder.bytes
    }

    public static let empty = StateChanges([:])

    /// Equal changes have equal canonical encodings.
    public static func == (lhs: StateChanges, rhs: StateChanges) -> Bool { lhs.digest == rhs.digest && lhs.encoded == rhs.encoded }

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    /// Decodes a canonical encoding, rejecting unsorted or duplicate keys and code, and
    /// chunks of the wrong size.
    public static func decode(_ bytes: [UInt8], suite: CryptoSuite) throws(BlockDecodingError) -> StateChanges {
        let (entries, code, itemHashes) = try decodeWhole(bytes, as: "state changes") {
            (reader: inout RLPReader) throws(RLPError) -> ([(key: StateKey, value: UInt256)], [Hash: [UInt8]], [UInt8]) in
            var outer = try reader.readList()
            var items: [RLPItem] = []
            while !outer.isAtEnd { items.append(try outer.readItem()) }
            guard let codeItem = items.popLast(), codeItem.isList else { throw .invalidValue("state changes without a code list") }
            var entries: [(key: StateKey, value: UInt256)] = []
            var itemHashes: [UInt8] = []
            for (index, item) in items.enumerated() {
                guard item.isList else { throw .expectedList }
                var list = RLPReader(item.payload)
                let before = entries.count
                while !list.isAtEnd {
                    var pair = try list.readList()
                    guard let key = StateKey(encoded: try pair.readBytes()) else { throw .invalidValue("state key") }
                    let value = try pair.readUInt256()
                    try pair.finish()
                    if let last = entries.last, !(last.key < key) { throw .invalidValue("state keys out of order") }
                    entries.append((key, value))
                }
                let count = entries.count - before
                guard count == chunkSize || (index == items.count - 1 && count > 0) else {
                    throw .invalidValue("state changes chunk of \(count) entries")
                }
                suite.hash(item.encoding).withUnsafeBytes { itemHashes.append(contentsOf: $0) }
            }
            var codeList = RLPReader(codeItem.payload)
            var code: [Hash: [UInt8]] = [:]
            var lastHash: Hash?
            while !codeList.isAtEnd {
                let blob = Array(try codeList.readBytes())
                let hash = Keccak256.hash(blob)
                if let lastHash, !(lastHash < hash) { throw .invalidValue("code out of order") }
                code[hash] = blob
                lastHash = hash
            }
            suite.hash(codeItem.encoding).withUnsafeBytes { itemHashes.append(contentsOf: $0) }
            return (entries, code, itemHashes)
        }
        return StateChanges(entries: entries, code: code, encoded: bytes, digest: suite.hash(itemHashes), suite: suite)
    }

    /// `H(previous ‖ digest)`: the state root after these changes.
    public func stateRoot(after previous: Hash) -> Hash {
        Self.stateRoot(after: previous, changesDigest: digest, suite: suite)
    }

    /// `H(previous ‖ changesDigest)`, H the suite's hash.
    public static func stateRoot(after previous: Hash, changesDigest: Hash, suite: CryptoSuite) -> Hash {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { buffer in
            previous.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            changesDigest.withUnsafeBytes { (buffer.baseAddress! + 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            return suite.hash(UnsafeRawBufferPointer(buffer))
        }
    }
}
