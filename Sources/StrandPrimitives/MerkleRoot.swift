/// The binary Merkle root of a list of hashes, for transaction and receipt roots.
///
/// Leaves and inner nodes are hashed with distinct one-byte prefixes (as RFC 6962 does),
/// so a leaf can never pass for an inner node; an odd node at the end of a level moves
/// up unchanged rather than being paired with itself. The empty list's root is the hash
/// of no bytes. `hashEach` is the chain's hash (Keccak-256, or SM3 on a 国密 chain).
///
///     leaf(h)     = hash(0x00 ‖ h)
///     node(l, r)  = hash(0x01 ‖ l ‖ r)
///
/// - Complexity: O(*n*) hashes, one buffer of *n* hashes and one of their inputs.
public func merkleRoot(_ hashes: some Collection<Hash>, hashEach: HashEach = Keccak256.hashEach) -> Hash {
    var level = Array(hashes)
    guard !level.isEmpty else {
        var root = Hash.zero
        hashEach(1, &root) { _ in UnsafeRawBufferPointer(start: nil, count: 0) }
        return root
    }
    // Each level's inputs laid end to end, then hashed as one batch (eight at a time where
    // the CPU allows): leaves first, then pairs, until one node is left.
    var inputs = [UInt8](repeating: 0, count: level.count * 33)
    inputs.withUnsafeMutableBytes { buffer in
        for (i, leaf) in level.enumerated() {
            buffer[i * 33] = 0x00
            leaf.withUnsafeBytes { (buffer.baseAddress! + i * 33 + 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
    }
    level.withUnsafeMutableBufferPointer { out in
        inputs.withUnsafeBytes { buffer in
            hashEach(out.count, out.baseAddress!) { UnsafeRawBufferPointer(rebasing: buffer[($0 * 33)..<($0 * 33 + 33)]) }
        }
    }
    while level.count > 1 {
        let pairs = level.count / 2
        inputs.withUnsafeMutableBytes { buffer in
            for p in 0..<pairs {
                buffer[p * 65] = 0x01
                level[2 * p].withUnsafeBytes { (buffer.baseAddress! + p * 65 + 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
                level[2 * p + 1].withUnsafeBytes { (buffer.baseAddress! + p * 65 + 33).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            }
        }
        let odd = level.count % 2 == 1 ? level.last : nil
        level.withUnsafeMutableBufferPointer { out in
            inputs.withUnsafeBytes { buffer in
                hashEach(pairs, out.baseAddress!) { UnsafeRawBufferPointer(rebasing: buffer[($0 * 65)..<($0 * 65 + 65)]) }
            }
        }
        level.removeLast(level.count - pairs)
        if let odd { level.append(odd) }
    }
    return level[0]
}
