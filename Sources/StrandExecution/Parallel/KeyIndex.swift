import CStrandIntrinsics
import StrandTypes
import Synchronization

/// Finds a block's state keys by value: an open-addressing table (linear probing on the keyed
/// `StateKey.mixedHash`) from each key to its *position*, the index of its first interned
/// copy in the caller's key buffer (the planners' access sets, the serial view's key list).
/// Two accesses of one key get one position, so a position names a key.
///
/// The keys stay where the caller keeps them: interning a new key writes one 8-byte entry,
/// the hash's upper half with the position, so that a probe touches one cache line and a key
/// is compared only when the halves match. The table is kept between blocks, so steady state
/// allocates nothing.
///
/// Two ways to intern:
/// - `intern`, one thread at a time, growing as needed (the serial executor's view);
/// - `internConcurrently`, from many threads at once, with a compare-and-swap per new key and
///   no growth (the parallel executor's planners, which size the table first and never fill it
///   past `concurrentLoadLimit`).
///
/// Inlinable, for the serial executor's view (see `SlotView`); its fields are exempt from
/// dynamic exclusivity checks, which inlined class fields would otherwise pay per access
/// (a table is resized only while no one else uses it).
///
/// - Complexity: expected O(1) per key.
@usableFromInline
final class KeyIndex: @unchecked Sendable {
    /// 0 for an empty entry, else `hash & tagMask | (position + 1)`.
    @usableFromInline @exclusivity(unchecked) var table: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline @exclusivity(unchecked) var capacity: Int
    @usableFromInline @exclusivity(unchecked) var mask: Int
    /// Keys added by `intern` since the last reset (`internConcurrently` keeps no count).
    @usableFromInline @exclusivity(unchecked) var count = 0

    /// The hash bits kept in an entry; the position comes from the low bits.
    @usableFromInline static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000

    init() {
        capacity = 16
        mask = 15
        table = .allocate(capacity: 16)
        for i in 0..<16 { (table + i).initialize(to: Atomic(0)) }
    }

    deinit {
        table.deinitialize(count: capacity)
        table.deallocate()
    }

    /// How many keys `internConcurrently` may add to a table of `capacity` entries: its probe
    /// sequences stay short, and it can never fill up.
    static func concurrentLoadLimit(capacity: Int) -> Int { capacity / 2 }

    /// Empties the index, sized for about `expectedKeys` keys (at least half its entries free).
    /// A table much larger than that is given back, so that one unusual block does not make
    /// every later one clear it.
    func reset(expectedKeys: Int) {
        var wanted = 16
        while wanted < expectedKeys * 2 { wanted <<= 1 }
        if wanted > capacity || capacity > wanted * 4 {
            table.deinitialize(count: capacity)
            table.deallocate()
            table = .allocate(capacity: wanted)
            for i in 0..<wanted { (table + i).initialize(to: Atomic(0)) }
            capacity = wanted
        } else {
            for i in 0..<capacity { table[i].store(0, ordering: .relaxed) }
        }
        mask = capacity - 1
        count = 0
    }

    /// Starts taking ownership of the table entry where a key with `hash` is interned first,
    /// for `internConcurrently`.
    @inlinable @inline(__always)
    func prefetchForInterning(hash: UInt64) {
        strand_prefetch_for_write(table + (Int(truncatingIfNeeded: hash) & mask))
    }

    /// The position of `key` (whose `mixedHash` is `hash`), adding it at `position`, where the
    /// caller has put it in `keys`, if it is new; `isNew` says which. One thread at a time.
    /// Interned keys are compared by reading `keys`: each must stay at its position until `reset`.
    @inlinable @inline(__always)
    func intern(_ key: StateKey, hash: UInt64, position: Int, in keys: UnsafePointer<StateKey>) -> (position: Int32, isNew: Bool) {
        if count * 2 >= capacity { grow(keys: keys) }
        let tag = hash & Self.tagMask
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[slot].load(ordering: .relaxed)
            if entry == 0 {
                table[slot].store(tag | UInt64(position + 1), ordering: .relaxed)
                count += 1
                return (Int32(truncatingIfNeeded: position), true)
            }
            if let found = Self.match(entry, tag: tag, key: key, in: keys) { return (found, false) }
            slot = (slot + 1) & mask
        }
    }

    /// The position of `key` (whose `mixedHash` is `hash`): that of whichever thread interned it
    /// first, or `position`, where the caller has put it in `keys`, if this call added it.
    /// Safe from many threads at once, as long as the caller keeps the number of distinct keys
    /// within `concurrentLoadLimit` (the table does not grow).
    @inlinable @inline(__always)
    func internConcurrently(_ key: StateKey, hash: UInt64, position: Int, in keys: UnsafePointer<StateKey>) -> Int32 {
        let tag = hash & Self.tagMask
        let mine = tag | UInt64(position + 1)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            // Acquiring: the key behind another thread's entry was written before the entry.
            // No plain load first: the line would come shared, then again to be written.
            let (added, entry) = table[slot].compareExchange(expected: 0, desired: mine, ordering: .acquiringAndReleasing)
            if added { return Int32(truncatingIfNeeded: position) }
            if let found = Self.match(entry, tag: tag, key: key, in: keys) { return found }
            slot = (slot + 1) & mask
        }
    }

    /// The position of `key` (whose `mixedHash` is `hash`), if interned.
    @inlinable
    func lookup(_ key: StateKey, hash: UInt64, in keys: UnsafePointer<StateKey>) -> Int32? {
        let tag = hash & Self.tagMask
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[slot].load(ordering: .relaxed)
            if entry == 0 { return nil }
            if let found = Self.match(entry, tag: tag, key: key, in: keys) { return found }
            slot = (slot + 1) & mask
        }
    }

    /// The entry's position if it holds `key`.
    @inlinable @inline(__always)
    static func match(_ entry: UInt64, tag: UInt64, key: StateKey, in keys: UnsafePointer<StateKey>) -> Int32? {
        guard entry & tagMask == tag else { return nil }
        let position = Int(truncatingIfNeeded: entry & ~tagMask) - 1
        return keys[position] == key ? Int32(truncatingIfNeeded: position) : nil
    }

    /// Doubles the table, hashing the interned keys again from `keys` (rare: callers size the
    /// table for the block).
    @usableFromInline
    func grow(keys: UnsafePointer<StateKey>) {
        let old = table
        let oldCapacity = capacity
        capacity *= 2
        mask = capacity - 1
        table = .allocate(capacity: capacity)
        for i in 0..<capacity { (table + i).initialize(to: Atomic(0)) }
        for i in 0..<oldCapacity {
            let entry = old[i].load(ordering: .relaxed)
            guard entry != 0 else { continue }
            let hash = keys[Int(truncatingIfNeeded: entry & ~Self.tagMask) - 1].mixedHash
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot].load(ordering: .relaxed) != 0 { slot = (slot + 1) & mask }
            table[slot].store(entry, ordering: .relaxed)
        }
        old.deinitialize(count: oldCapacity)
        old.deallocate()
    }
}
