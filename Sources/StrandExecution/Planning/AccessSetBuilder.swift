import StrandTypes

/// Collects one transaction's access set into a slice of the executor's flat buffers, so
/// that planning allocates nothing per transaction. A key read and written counts as written.
struct AccessSetBuilder {
    /// Most keys a planned transaction touches: sender nonce and balance, receiver balance
    /// and code hash, two contract slots.
    static let capacity = 6

    let keys: UnsafeMutablePointer<StateKey>
    let isWrite: UnsafeMutablePointer<Bool>
    private(set) var count = 0

    init(keys: UnsafeMutablePointer<StateKey>, isWrite: UnsafeMutablePointer<Bool>) {
        self.keys = keys
        self.isWrite = isWrite
    }

    mutating func read(_ key: StateKey) { add(key, write: false) }
    mutating func write(_ key: StateKey) { add(key, write: true) }

    private mutating func add(_ key: StateKey, write: Bool) {
        for i in 0..<count where keys[i] == key {
            if write { isWrite[i] = true }
            return
        }
        precondition(count < Self.capacity, "access set larger than AccessSetBuilder.capacity")
        keys[count] = key
        isWrite[count] = write
        count += 1
    }
}
