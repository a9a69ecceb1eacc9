/// Raw memory for plain values, kept and reused across blocks: the executor's hot loops
/// index it without copy-on-write checks, bounds checks, reallocation or dynamic
/// exclusivity checks (one owner uses a buffer at a time).
@usableFromInline
final class ScratchBuffer<Element: BitwiseCopyable> {
    @usableFromInline @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<Element>
    @usableFromInline @exclusivity(unchecked) private(set) var capacity: Int

    init() {
        capacity = 16
        base = .allocate(capacity: 16)
    }

    deinit { base.deallocate() }

    /// Makes room for `count` elements (contents are not kept) and fills them with `value`.
    func reset(count: Int, to value: Element) {
        reserve(count)
        base.update(repeating: value, count: count)
    }

    /// Makes room for `count` elements, keeping the first `kept` (none by default).
    @usableFromInline
    func reserve(_ count: Int, keeping kept: Int = 0) {
        guard count > capacity else { return }
        capacity = max(count, capacity * 2)
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        grown.moveInitialize(from: base, count: kept)
        base.deallocate()
        base = grown
    }

    @inlinable @inline(__always)
    subscript(index: Int) -> Element {
        get { base[index] }
        set { base[index] = newValue }
    }
}
