import StrandPrimitives

/// Bytes of any length in a native contract's storage: the length in the slot at `base`, then the
/// bytes 32 to a slot in the slots after it. CNS entries and table rows live so.
public enum StorageBlob {
    /// Most bytes one blob may hold.
    public static let maxLength = 1 << 20

    public static func read(_ contract: Address, at base: UInt256, reading value: (StateKey) -> UInt256) -> [UInt8] {
        guard let length = value(key(contract, base, 0)).uint64, length > 0, length <= UInt64(maxLength) else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(length) + 31)
        for chunk in 0..<(Int(length) + 31) / 32 { bytes += value(key(contract, base, 1 + chunk)).bigEndianBytes }
        return Array(bytes.prefix(Int(length)))
    }

    /// The writes that store `bytes` at `base` in place of a blob of `previousLength` bytes
    /// (its slots past the new end cleared).
    public static func writes(_ bytes: [UInt8], _ contract: Address, at base: UInt256, previousLength: Int) -> [(StateKey, UInt256)] {
        var writes: [(StateKey, UInt256)] = [(key(contract, base, 0), UInt256(UInt64(bytes.count)))]
        let chunks = (bytes.count + 31) / 32
        for chunk in 0..<chunks {
            let slice = Array(bytes[(chunk * 32)..<min(bytes.count, chunk * 32 + 32)])
            writes.append((key(contract, base, 1 + chunk), UInt256(bigEndian: slice + [UInt8](repeating: 0, count: 32 - slice.count))!))
        }
        for chunk in chunks..<max(chunks, (previousLength + 31) / 32) { writes.append((key(contract, base, 1 + chunk), .zero)) }
        return writes
    }

    /// The addresses a blob of 20-byte addresses holds.
    public static func addresses(_ bytes: [UInt8]) -> [Address] {
        stride(from: 0, to: bytes.count - bytes.count % 20, by: 20).compactMap { Address(bytes[$0..<$0 + 20]) }
    }

    /// The slot `base + offset` of `contract`.
    public static func key(_ contract: Address, _ base: UInt256, _ offset: Int) -> StateKey {
        .storage(contract, Hash(base &+ UInt256(UInt64(offset))))
    }

    /// A base slot for what `parts` name, kept apart by their lengths.
    public static func base(_ parts: [String]) -> UInt256 {
        UInt256(Keccak256.hash(parts.flatMap { Array(UInt32($0.utf8.count).bigEndianBytes) + Array($0.utf8) }))
    }
}

private extension UInt32 {
    var bigEndianBytes: [UInt8] { withUnsafeBytes(of: self.bigEndian) { Array($0) } }
}
