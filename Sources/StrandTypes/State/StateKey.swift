import StrandPrimitives

/// One entry of the flat world state: an account field or a contract storage slot.
///
/// The state is a flat key/value map (DESIGN.md, "State model"). Values are `UInt256`:
/// nonce, balance, code hash (read as a number) or slot value; zero means absent, so an
/// emptied slot or account is deleted rather than stored as zero.
@frozen
public struct StateKey: Hashable, Sendable, BitwiseCopyable {
    public enum Kind: UInt8, Sendable, CaseIterable, BitwiseCopyable {
        case nonce = 0
        case balance = 1
        case codeHash = 2
        case storage = 3
    }

    public let address: Address
    public let kind: Kind
    /// The storage slot; zero for account fields.
    public let slot: Hash

    @inlinable
    init(address: Address, kind: Kind, slot: Hash) {
        self.address = address
        self.kind = kind
        self.slot = slot
    }

    public static func nonce(_ address: Address) -> StateKey { StateKey(address: address, kind: .nonce, slot: .zero) }
    public static func balance(_ address: Address) -> StateKey { StateKey(address: address, kind: .balance, slot: .zero) }
    public static func codeHash(_ address: Address) -> StateKey { StateKey(address: address, kind: .codeHash, slot: .zero) }
    public static func storage(_ address: Address, _ slot: Hash) -> StateKey {
        StateKey(address: address, kind: .storage, slot: slot)
    }

    /// A well-mixed 64-bit hash of every byte of the key, seeded with a per-process secret,
    /// for the executor's open-addressing tables: keys that come from the network (user
    /// names, addresses) cannot be chosen to pile up in one probe sequence.
    ///
    /// Always inlined, and seeded without a lazy global (`HashSeed`): a dictionary lookup that
    /// hashes through an opaque call cannot see that it releases nothing, so the caller retains
    /// the dictionary around every lookup — from every core at once, for a state shared by the
    /// executor's threads.
    @inlinable @inline(__always)
    public var mixedHash: UInt64 {
        var h = address.mixed(into: HashSeed.process ^ UInt64(kind.rawValue))
        if kind == .storage { h = slot.mixed(into: h) }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    /// Feeds the hasher one pre-mixed word instead of eight fields: dictionaries keyed by
    /// state keys (the EVM's views, in-memory states) hash several per transaction.
    @inlinable @inline(__always)
    public func hash(into hasher: inout Hasher) {
        hasher.combine(mixedHash)
    }

    @inlinable
    public static func == (lhs: StateKey, rhs: StateKey) -> Bool {
        lhs.address == rhs.address && lhs.kind == rhs.kind && lhs.slot == rhs.slot
    }

    /// Bytes of the storage form: address (20) ‖ kind (1) ‖ slot (32, storage only).
    public static let maxEncodedCount = 53

    /// Calls `body` with the storage form, built on the stack.
    @inlinable
    public func withEncodedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: Self.maxEncodedCount, alignment: 8) { buffer in
            address.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 20) }
            buffer[20] = kind.rawValue
            var count = 21
            if kind == .storage {
                slot.withUnsafeBytes { (buffer.baseAddress! + 21).copyMemory(from: $0.baseAddress!, byteCount: 32) }
                count = 53
            }
            return try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<count]))
        }
    }

    /// The storage form as an array.
    public var encoded: [UInt8] { withEncodedBytes { Array($0) } }

    /// Parses the storage form.
    public init?(encoded bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 21 || bytes.count == 53, let kind = Kind(rawValue: bytes[20]),
              (kind == .storage) == (bytes.count == 53) else { return nil }
        self.init(address: Address(loadingFrom: bytes.baseAddress!), kind: kind,
                  slot: kind == .storage ? Hash(loadingFrom: bytes.baseAddress! + 21) : .zero)
    }
}

extension StateKey {
    /// The first 24 bytes of the storage form as three big-endian words: comparing these
    /// orders keys as their bytes do, except for rare ties, which the full key settles.
    @usableFromInline
    var sortPrefix: (UInt64, UInt64, UInt64) {
        let (w0, w1, w2) = address.withUnsafeBytes { a in
            (UInt64(bigEndian: a.loadUnaligned(as: UInt64.self)),
             UInt64(bigEndian: a.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
             UInt64(UInt32(bigEndian: a.loadUnaligned(fromByteOffset: 16, as: UInt32.self))))
        }
        let slotHead: UInt64 = kind == .storage ? slot.withUnsafeBytes { s in
            UInt64(s[0]) << 16 | UInt64(s[1]) << 8 | UInt64(s[2])
        } : 0
        return (w0, w1, w2 << 32 | UInt64(kind.rawValue) << 24 | slotHead)
    }

    /// `entries` sorted by key, fast: small (prefix, index) records are sorted, so the large
    /// entries move once; ties of the 24-byte prefixes are settled by the full keys.
    ///
    /// - Complexity: O(*n* log *n*) comparisons of three machine words.
    public static func sorted(_ entries: [(key: StateKey, value: UInt256)]) -> [(key: StateKey, value: UInt256)] {
        var order = entries.indices.map { (prefix: entries[$0].key.sortPrefix, index: Int32($0)) }
        entries.withUnsafeBufferPointer { entries in
            order.sort { a, b in
                a.prefix != b.prefix ? a.prefix < b.prefix : entries[Int(a.index)].key < entries[Int(b.index)].key
            }
        }
        return order.map { entries[Int($0.index)] }
    }
}

extension StateKey: Comparable {
    /// The order of the storage form's bytes, which is the order the ledger commits in.
    public static func < (lhs: StateKey, rhs: StateKey) -> Bool {
        if lhs.address != rhs.address { return lhs.address < rhs.address }
        if lhs.kind != rhs.kind { return lhs.kind.rawValue < rhs.kind.rawValue }
        return lhs.slot < rhs.slot
    }
}

extension StateKey: CustomStringConvertible {
    public var description: String {
        kind == .storage ? "\(address).storage[\(slot)]" : "\(address).\(kind)"
    }
}
