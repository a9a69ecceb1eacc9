import StrandPrimitives

/// Everything a block wrote to the state: the final value of each key it touched (zero =
/// deleted), sorted by key, and the contract code it created, by code hash.
///
/// Its canonical encoding is what the state root commits to and what the ledger keeps
/// per block as a change log:
///
///     rlp([[key, minimal big-endian value]…, ], [code…])     keys ascending, code by ascending hash
public struct StateChanges: Hashable, Sendable {
    /// Final values, sorted by key, each key once.
    public private(set) var entries: [(key: StateKey, value: UInt256)]
    /// New contract code, keyed by its Keccak-256.
    public private(set) var code: [Hash: [UInt8]]

    /// - Parameter writes: the final value of every key written; any order.
    public init(_ writes: [StateKey: UInt256], code: [[UInt8]] = []) {
        entries = writes.map { (key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        self.code = Dictionary(code.map { (Keccak256.hash($0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// From entries already sorted by key with no duplicates, e.g. decoded from the ledger.
    init(sortedEntries: [(key: StateKey, value: UInt256)], code: [Hash: [UInt8]]) {
        entries = sortedEntries
        self.code = code
    }

    public static let empty = StateChanges([:])

    public static func == (lhs: StateChanges, rhs: StateChanges) -> Bool {
        lhs.code == rhs.code && lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
        hasher.combine(code.count)
    }

    /// The canonical encoding (see the type's documentation).
    public var encoded: [UInt8] {
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

    /// Decodes the canonical encoding, rejecting unsorted or duplicate keys.
    public static func decode(_ bytes: [UInt8]) throws(BlockDecodingError) -> StateChanges {
        try decodeWhole(bytes, as: "state changes") { (reader: inout RLPReader) throws(RLPError) in
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
            while !codeList.isAtEnd {
                let blob = Array(try codeList.readBytes())
                code[Keccak256.hash(blob)] = blob
            }
            try outer.finish()
            return StateChanges(sortedEntries: entries, code: code)
        }
    }

    /// `keccak(previous ‖ keccak(encoded))`: the state root after these changes.
    public func stateRoot(after previous: Hash) -> Hash {
        Self.stateRoot(after: previous, changeLog: encoded)
    }

    /// The state root after the changes whose canonical encoding is `changeLog`.
    public static func stateRoot(after previous: Hash, changeLog: [UInt8]) -> Hash {
        Keccak256.hash(previous.bytes + Keccak256.hash(changeLog).bytes)
    }
}
