/// The binary Merkle root of a list of hashes, for transaction and receipt roots.
///
/// Leaves and inner nodes are hashed with distinct one-byte prefixes (as RFC 6962 does),
/// so a leaf can never pass for an inner node; an odd node at the end of a level moves
/// up unchanged rather than being paired with itself. The empty list's root is the hash
/// of no bytes. `hash` is the chain's (Keccak-256, or SM3 on a 国密 chain).
///
///     leaf(h)     = hash(0x00 ‖ h)
///     node(l, r)  = hash(0x01 ‖ l ‖ r)
///
/// - Complexity: O(*n*) hashes, one buffer of *n* hashes.
public func merkleRoot(_ hashes: some Collection<Hash>, hash: (UnsafeRawBufferPointer) -> Hash = Keccak256.hash) -> Hash {
    guard !hashes.isEmpty else { return hash(UnsafeRawBufferPointer(start: nil, count: 0)) }
    var scratch = [UInt8](repeating: 0, count: 65)
    var level = hashes.map { leaf in
        scratch.withUnsafeMutableBytes { buffer in
            buffer[0] = 0x00
            leaf.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
            return hash(UnsafeRawBufferPointer(rebasing: buffer[0..<33]))
        }
    }
    while level.count > 1 {
        var next = 0
        for i in stride(from: 0, to: level.count, by: 2) {
            if i + 1 == level.count {
                level[next] = level[i]
            } else {
                level[next] = scratch.withUnsafeMutableBytes { buffer in
                    buffer[0] = 0x01
                    level[i].withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
                    level[i + 1].withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[33..<65]).copyMemory(from: $0) }
                    return hash(UnsafeRawBufferPointer(buffer))
                }
            }
            next += 1
        }
        level.removeLast(level.count - next)
    }
    return level[0]
}
