/// A call frame's byte-addressed memory, grown in 32-byte words and zero-filled.
///
/// Frames borrow memories from the `EVM`'s pool and give them back, so the buffers are
/// allocated once per call depth reached, not once per call.
final class Memory {
    private(set) var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Size in bytes; always a multiple of 32.
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    func reset() { count = 0 }

    /// Grows to `newCount` bytes (a multiple of 32), zero-filling the new part.
    func grow(to newCount: Int) {
        guard newCount > count else { return }
        if newCount > capacity {
            var newCapacity = capacity * 2
            while newCapacity < newCount { newCapacity *= 2 }
            let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            newBase.copyMemory(from: base, byteCount: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }
        (base + count).initializeMemory(as: UInt8.self, repeating: 0, count: newCount - count)
        count = newCount
    }

    func bytes(at offset: Int, count length: Int) -> [UInt8] {
        guard length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }

    /// Copies `source[sourceOffset ..< sourceOffset + length]` to `offset`, zero-filling
    /// where the source runs out (the rule for CALLDATACOPY, CODECOPY, EXTCODECOPY).
    func store(_ source: UnsafeRawBufferPointer, from sourceOffset: UInt256Index, at offset: Int, count length: Int) {
        guard length > 0 else { return }
        let available = sourceOffset < source.count ? min(length, source.count - sourceOffset) : 0
        if available > 0 {
            (base + offset).copyMemory(from: source.baseAddress! + sourceOffset, byteCount: available)
        }
        if available < length {
            (base + offset + available).initializeMemory(as: UInt8.self, repeating: 0, count: length - available)
        }
    }
}

/// A source offset clamped to `Int`: offsets past any buffer are all the same.
typealias UInt256Index = Int
