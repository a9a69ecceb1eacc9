import StrandPrimitives

/// Everything a block wrote to the state: the final value of each key it touched (zero =
/// deleted), sorted by key, and the contract code it created, by code hash.
///
/// Its canonical encoding is what the state root commits to and what the ledger keeps
/// per block as a change log:
///
///     rlp([[key, minimal big-endian value]…], [code…])     keys ascending, code by ascending hash
///
/// The encoding and its digest are computed once, when the changes are built: the block's
/// assembler needs them for the header's state root, and the ledger reuses them to store
/// the change log and advance the root, so no block is encoded or hashed twice.
public struct StateChanges: Hashable, Sendable {
    /// Final values, sorted by key, each key once.
    public let entries: [(key: StateKey, value: UInt256)]
    /// New contract code, keyed by its Keccak-256.
    public let code: [Hash: [UInt8]]
    /// The canonical encoding (see the type's documentation).
    public let encoded: [UInt8]
    /// keccak(encoded).
    public let digest: Hash

    /// - Parameter writes: the final value of every key written; any order.
    /// - Complexity: O(*n* log *n*) to sort, then one encoding and one hash of it.
    public init(_ writes: [StateKey: UInt256], code: [[UInt8]] = []) {
        let entries = writes.map { (key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        let codeByHash = Dictionary(code.map { (Keccak256.hash($0), $0) }, uniquingKeysWith: { first, _ in first })
        self.init(sortedEntries: entries, code: codeByHash, encoded: Self.encode(entries, codeByHash))
    }

    private init(sortedEntries: [(key: StateKey, value: UInt256)], code: [Hash: [UInt8]], encoded: [UInt8]) {
        entries = sortedEntries
        self.code = code
        self.encoded = encoded
        digest = Keccak256.hash(encoded)
    }

    public static let empty = StateChanges([:])

    /// Equal changes have equal canonical encodings.
    public static func == (lhs: StateChanges, rhs: StateChanges) -> Bool { lhs.digest == rhs.digest && lhs.encoded == rhs.encoded }

    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    private static func encode(_ entries: [(key: StateKey, value: UInt256)], _ code: [Hash: [UInt8]]) -> [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: entries.count * 90 + code.values.reduce(16) { $0 + $1.count + 4 })
        encoder.appendList { outer in
            outer.appendList { list in
                for entry in entries {
                    list.appendList { pair in
                        entry.key.withEncodedBytes { pair.append(bytes: $0) }
                        pair.append(entry.value)
                    }
                }
            }
            outer.appendList { list in
                for hash in code.keys.sorted() { list.append(bytes: code[hash]!) }
            }
        }
        return encoder.bytes
    }

    /// Decodes a canonical encoding, rejecting unsorted or duplicate keys and code.
    public static func decode(_ bytes: [UInt8]) throws(BlockDecodingError) -> StateChanges {
        let (entries, code) = try decodeWhole(bytes, as: "state changes") {
            (reader: inout RLPReader) throws(RLPError) -> ([(key: StateKey, value: UInt256)], [Hash: [UInt8]]) in
            var outer = try reader.readList()
            var list = try outer.readList()
            var entries: [(key: StateKey, value: UInt256)] = []
            while !list.isAtEnd {
                var pair = try list.readList()
                guard let key = StateKey(encoded: try pair.readBytes()) else { throw .invalidValue("state key") }
                let value = try pair.readUInt256()
                try pair.finish()
                if let last = entries.last, !(last.key < key) { throw .invalidValue("state keys out of order") }
                entries.append((key, value))
            }
            var codeList = try outer.readList()
            var code: [Hash: [UInt8]] = [:]
            var lastHash: Hash?
            while !codeList.isAtEnd {
                let blob = Array(try codeList.readBytes())
                let hash = Keccak256.hash(blob)
                if let lastHash, !(lastHash < hash) { throw .invalidValue("code out of order") }
                code[hash] = blob
                lastHash = hash
            }
            try outer.finish()
            return (entries, code)
        }
        return StateChanges(sortedEntries: entries, code: code, encoded: bytes)
    }

    /// `keccak(previous ‖ digest)`: the state root after these changes.
    public func stateRoot(after previous: Hash) -> Hash {
        Self.stateRoot(after: previous, changesDigest: digest)
    }

    /// `keccak(previous ‖ changesDigest)`.
    public static func stateRoot(after previous: Hash, changesDigest: Hash) -> Hash {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { buffer in
            previous.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            changesDigest.withUnsafeBytes { (buffer.baseAddress! + 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            return Keccak256.hash(UnsafeRawBufferPointer(buffer))
        }
    }
}
