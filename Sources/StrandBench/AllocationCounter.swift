import CJemalloc

/// Reads jemalloc's own statistics: how many allocations were requested and how many bytes
/// are live. Meaningful only in executables that run on jemalloc (`strand` does).
public enum AllocationCounter {
    /// Allocation requests since start, small and large, or nil without jemalloc statistics.
    public static var requests: UInt64? {
        refresh()
        guard let small = read("stats.arenas.4096.small.nrequests"), let large = read("stats.arenas.4096.large.nrequests")
        else { return nil }
        return small + large
    }

    /// Bytes currently allocated by the application.
    public static var allocatedBytes: UInt64? {
        refresh()
        return read("stats.allocated")
    }

    private static func refresh() {
        var epoch: UInt64 = 1
        _ = mallctl("epoch", nil, nil, &epoch, MemoryLayout<UInt64>.size)
    }

    private static func read(_ name: String) -> UInt64? {
        var value: UInt64 = 0
        var size = MemoryLayout<UInt64>.size
        guard mallctl(name, &value, &size, nil, 0) == 0 else { return nil }
        return value
    }
}
