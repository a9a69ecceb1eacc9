import StrandPrimitives

/// Remembers the Keccak-256 of recent 64-byte inputs.
///
/// Solidity finds a mapping entry at keccak(key ‖ slot), a 64-byte input, and recomputes it
/// at every access: an ERC-20 transfer hashes the same two inputs twice or more. A direct-mapped
/// table turns the repeats into a 64-byte comparison. One per `EVM`, so per thread.
final class KeccakCache {
    private struct Entry {
        var input: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        var hash: Hash
        var occupied: Bool
    }

    private static let capacity = 1024
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: Self.capacity)
        entries.initialize(repeating: Entry(input: (0, 0, 0, 0, 0, 0, 0, 0), hash: .zero, occupied: false), count: Self.capacity)
    }

    deinit { entries.deallocate() }

    /// Keccak-256 of the 64 bytes at `input`.
    func hash64(_ input: UnsafeRawPointer) -> Hash {
        let words = (
            input.loadUnaligned(fromByteOffset: 0, as: UInt64.self), input.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            input.loadUnaligned(fromByteOffset: 16, as: UInt64.self), input.loadUnaligned(fromByteOffset: 24, as: UInt64.self),
            input.loadUnaligned(fromByteOffset: 32, as: UInt64.self), input.loadUnaligned(fromByteOffset: 40, as: UInt64.self),
            input.loadUnaligned(fromByteOffset: 48, as: UInt64.self), input.loadUnaligned(fromByteOffset: 56, as: UInt64.self)
        )
        var h = words.0 ^ words.1 &* 0x9E37_79B9_7F4A_7C15 ^ words.2 ^ words.3 &* 0xC2B2_AE3D_27D4_EB4F
        h ^= words.4 &* 0x1656_67B1_9E37_79F9 ^ words.5 ^ words.6 &* 0x27D4_EB2F_1656_67C5 ^ words.7
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        let entry = entries + Int(h & UInt64(Self.capacity - 1))
        if entry.pointee.occupied && entry.pointee.input == words { return entry.pointee.hash }
        let hash = Keccak256.hash(UnsafeRawBufferPointer(start: input, count: 64))
        entry.pointee = Entry(input: words, hash: hash, occupied: true)
        return hash
    }
}

private func == (
    a: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64),
    b: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
) -> Bool {
    ((a.0 ^ b.0) | (a.1 ^ b.1) | (a.2 ^ b.2) | (a.3 ^ b.3) | (a.4 ^ b.4) | (a.5 ^ b.5) | (a.6 ^ b.6) | (a.7 ^ b.7)) == 0
}
