import CStrandIntrinsics
import StrandTypes

/// Interns a block's state keys into dense ids 0, 1, 2, … with an open-addressing table
/// (linear probing on the keyed `StateKey.mixedHash`). Its buffers are kept between blocks,
/// so steady state allocates nothing, and are raw memory, so the hot loop pays no
/// copy-on-write or bounds checks.
///
/// The keys themselves stay where the caller keeps them (the planners' access sets, the
/// serial view's key list): the index remembers each id's position there, its *reference*, so
/// that interning a new key writes 12 bytes, not a 56-byte copy. A table entry holds the id and
/// the hash's upper half, so that a probe touches one cache line: a key is compared only when
/// the halves match. The builder of a block's DAG interns tens of thousands of new keys, each a
/// likely cache miss; `prefetch` lets it ask for the entries of keys it will intern shortly.
///
/// Inlinable, for the serial executor's view (see `SlotView`); its fields are exempt from
/// dynamic exclusivity checks, which inlined class fields would otherwise pay per access
/// (one owner uses an index at a time).
///
/// - Complexity: expected O(1) per key.
@usableFromInline
final class KeyIndex {
    /// 0 for an empty entry, else `hash & tagMask | (id + 1)`.
    @usableFromInline @exclusivity(unchecked) var table: UnsafeMutablePointer<UInt64>
    @usableFromInline @exclusivity(unchecked) var tableCapacity: Int
    @usableFromInline @exclusivity(unchecked) var mask: Int
    /// Where each id's key sits in the caller's key buffer.
    @usableFromInline @exclusivity(unchecked) var references: UnsafeMutablePointer<Int32>
    /// Each key's `mixedHash`, so that growing never hashes again.
    @usableFromInline @exclusivity(unchecked) var hashStorage: UnsafeMutablePointer<UInt64>
    @usableFromInline @exclusivity(unchecked) var keyCapacity: Int
    @usableFromInline @exclusivity(unchecked) var count = 0

    /// The hash bits kept in an entry; the position comes from the low bits.
    @usableFromInline static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000

    init() {
        tableCapacity = 16
        mask = 15
        table = .allocate(capacity: 16)
        table.initialize(repeating: 0, count: 16)
        keyCapacity = 8
        references = .allocate(capacity: 8)
        hashStorage = .allocate(capacity: 8)
    }

    deinit {
        table.deallocate()
        references.deallocate()
        hashStorage.deallocate()
    }

    /// The position of id's key in the caller's key buffer.
    @inlinable
    func reference(of id: Int) -> Int { Int(references[id]) }

    /// Empties the index, sized for about `expectedKeys` keys.
    func reset(expectedKeys: Int) {
        var capacity = 16
        while capacity < expectedKeys * 2 { capacity <<= 1 }
        if capacity > tableCapacity {
            table.deallocate()
            table = .allocate(capacity: capacity)
            tableCapacity = capacity
        }
        mask = tableCapacity - 1
        table.update(repeating: 0, count: tableCapacity)
        reserveKeys(expectedKeys)
        count = 0
    }

    /// Starts loading the table entry where a key with `hash` is looked up first.
    @inlinable @inline(__always)
    func prefetch(hash: UInt64) {
        strand_prefetch(table + (Int(truncatingIfNeeded: hash) & mask))
    }

    /// The id of `key` (whose `mixedHash` is `hash`), adding it if new with `reference`, the
    /// position where the caller keeps it in `keys`; `isNew` says which. Interned keys are
    /// compared by reading `keys`: each must still sit at its reference until `reset`.
    @inlinable @inline(__always)
    func intern(_ key: StateKey, hash: UInt64, reference: Int, in keys: UnsafePointer<StateKey>) -> (id: Int32, isNew: Bool) {
        if count * 2 >= tableCapacity { grow() }
        let tag = hash & Self.tagMask
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[position]
            if entry == 0 {
                if count == keyCapacity { reserveKeys(keyCapacity * 2) }
                references[count] = Int32(truncatingIfNeeded: reference)
                hashStorage[count] = hash
                table[position] = tag | UInt64(count + 1)
                count += 1
                return (Int32(count - 1), true)
            }
            if entry & Self.tagMask == tag {
                let id = Int(truncatingIfNeeded: entry & ~Self.tagMask) - 1
                if keys[Int(references[id])] == key { return (Int32(id), false) }
            }
            position = (position + 1) & mask
        }
    }

    /// The id of `key` (whose `mixedHash` is `hash`), if interned; keys are read from `keys`.
    @inlinable
    func lookup(_ key: StateKey, hash: UInt64, in keys: UnsafePointer<StateKey>) -> Int32? {
        let tag = hash & Self.tagMask
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[position]
            if entry == 0 { return nil }
            if entry & Self.tagMask == tag {
                let id = Int(truncatingIfNeeded: entry & ~Self.tagMask) - 1
                if keys[Int(references[id])] == key { return Int32(id) }
            }
            position = (position + 1) & mask
        }
    }

    @usableFromInline
    func reserveKeys(_ capacity: Int) {
        guard capacity > keyCapacity else { return }
        let grown = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        grown.update(from: references, count: count)
        references.deallocate()
        references = grown
        let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        hashes.update(from: hashStorage, count: count)
        hashStorage.deallocate()
        hashStorage = hashes
        keyCapacity = capacity
    }

    @usableFromInline
    func grow() {
        let capacity = tableCapacity * 2
        table.deallocate()
        table = .allocate(capacity: capacity)
        table.initialize(repeating: 0, count: capacity)
        tableCapacity = capacity
        mask = capacity - 1
        for id in 0..<count {
            let hash = hashStorage[id]
            var position = Int(truncatingIfNeeded: hash) & mask
            while table[position] != 0 { position = (position + 1) & mask }
            table[position] = hash & Self.tagMask | UInt64(id + 1)
        }
    }
}
