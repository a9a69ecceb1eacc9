import StrandTypes

/// Interns a block's state keys into dense ids 0, 1, 2, … with an open-addressing table
/// (linear probing on `StateKey.mixedHash`), kept between blocks so that steady state
/// allocates nothing.
///
/// - Complexity: expected O(1) per key.
struct KeyIndex {
    private var table: [Int32] = []
    private var mask = 0
    /// Key of each id.
    private(set) var keys: [StateKey] = []

    var count: Int { keys.count }

    /// Empties the index, sized for about `expectedKeys` keys.
    mutating func reset(expectedKeys: Int) {
        var capacity = 16
        while capacity < expectedKeys * 2 { capacity <<= 1 }
        if table.count != capacity {
            table = [Int32](repeating: -1, count: capacity)
        } else {
            table.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
        }
        mask = capacity - 1
        keys.removeAll(keepingCapacity: true)
    }

    /// The id of `key`, adding it if new; `isNew` says which.
    mutating func intern(_ key: StateKey) -> (id: Int32, isNew: Bool) {
        if keys.count * 2 >= table.count { grow() }
        var position = Int(truncatingIfNeeded: key.mixedHash) & mask
        while true {
            let id = table[position]
            if id < 0 {
                let newID = Int32(keys.count)
                table[position] = newID
                keys.append(key)
                return (newID, true)
            }
            if keys[Int(id)] == key { return (id, false) }
            position = (position + 1) & mask
        }
    }

    /// The id of `key`, if interned.
    func lookup(_ key: StateKey) -> Int32? {
        var position = Int(truncatingIfNeeded: key.mixedHash) & mask
        while true {
            let id = table[position]
            if id < 0 { return nil }
            if keys[Int(id)] == key { return id }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        let capacity = max(16, table.count * 2)
        table = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (id, key) in keys.enumerated() {
            var position = Int(truncatingIfNeeded: key.mixedHash) & mask
            while table[position] >= 0 { position = (position + 1) & mask }
            table[position] = Int32(id)
        }
    }
}
