import StrandPrimitives

/// The root of Ethereum's Merkle-Patricia trie over a set of key/value pairs, built in one
/// pass over the sorted keys (the state tests only need roots, never proofs or updates).
public enum MerklePatriciaTrie {
    /// keccak(rlp("")): the root of the empty trie.
    public static let emptyRoot = Keccak256.hash([0x80])

    /// - Parameter entries: distinct keys with non-empty values.
    /// - Complexity: O(n log n + total key length).
    public static func root(_ entries: [(key: [UInt8], value: [UInt8])]) -> Hash {
        guard !entries.isEmpty else { return emptyRoot }
        let items = entries.map { Item(nibbles: nibbles($0.key), value: $0.value) }
            .sorted { $0.nibbles.lexicographicallyPrecedes($1.nibbles) }
        return Keccak256.hash(node(items[...], depth: 0))
    }

    /// The secure trie: keys hashed with Keccak-256 first.
    public static func secureRoot(_ entries: [(key: [UInt8], value: [UInt8])]) -> Hash {
        root(entries.map { (Keccak256.hash($0.key).bytes, $0.value) })
    }

    private struct Item {
        var nibbles: [UInt8]
        var value: [UInt8]
    }

    private static func nibbles(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out.append(byte >> 4); out.append(byte & 0x0F) }
        return out
    }

    /// The RLP of the node holding `items`, whose keys agree on their first `depth` nibbles.
    private static func node(_ items: ArraySlice<Item>, depth: Int) -> [UInt8] {
        let first = items.first!
        if items.count == 1 {
            return list([compact(first.nibbles[depth...], leaf: true), string(first.value)])
        }
        let last = items.last!
        var shared = 0
        while depth + shared < first.nibbles.count, depth + shared < last.nibbles.count,
              first.nibbles[depth + shared] == last.nibbles[depth + shared] { shared += 1 }
        if shared > 0 {
            let child = branch(items, depth: depth + shared)
            return list([compact(first.nibbles[depth..<depth + shared], leaf: false), reference(child)])
        }
        return branch(items, depth: depth)
    }

    private static func branch(_ items: ArraySlice<Item>, depth: Int) -> [UInt8] {
        var children = [[UInt8]](repeating: [0x80], count: 17)
        var start = items.startIndex
        if items[start].nibbles.count == depth {
            children[16] = string(items[start].value)
            start += 1
        }
        while start < items.endIndex {
            let nibble = items[start].nibbles[depth]
            var end = start + 1
            while end < items.endIndex, items[end].nibbles[depth] == nibble { end += 1 }
            children[Int(nibble)] = reference(node(items[start..<end], depth: depth + 1))
            start = end
        }
        return list(children)
    }

    /// A child inside its parent: embedded when its RLP is shorter than 32 bytes, else its hash.
    private static func reference(_ encoded: [UInt8]) -> [UInt8] {
        encoded.count < 32 ? encoded : string(Keccak256.hash(encoded).bytes)
    }

    /// Hex-prefix encoding of a path with the leaf flag.
    private static func compact(_ path: ArraySlice<UInt8>, leaf: Bool) -> [UInt8] {
        var flag: UInt8 = leaf ? 2 : 0
        var out: [UInt8] = []
        var rest = path
        if path.count % 2 == 1 {
            flag += 1
            out.append(flag << 4 | rest.removeFirst())
        } else {
            out.append(flag << 4)
        }
        while let high = rest.popFirst() { out.append(high << 4 | rest.removeFirst()) }
        return string(out)
    }

    private static func string(_ bytes: [UInt8]) -> [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: bytes.count + 4)
        encoder.append(bytes: bytes)
        return encoder.bytes
    }

    private static func list(_ encodedItems: [[UInt8]]) -> [UInt8] {
        var encoder = RLPEncoder()
        encoder.appendList { for item in encodedItems { $0.append(encodedItem: item) } }
        return encoder.bytes
    }
}
