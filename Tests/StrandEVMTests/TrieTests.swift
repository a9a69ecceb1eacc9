import Foundation
import StrandPrimitives
import StrandStateTest
import StrandTestSupport
import Testing

/// Ethereum's TrieTests: the roots of plain and secure tries after inserts and deletes.
@Suite struct TrieTests {
    static let files = ["trietest.json", "trieanyorder.json", "trietest_secureTrie.json", "trieanyorder_secureTrie.json"]

    @Test(arguments: files)
    func vectorRoots(file: String) throws {
        let tests = try #require(try TestVectors.json("TrieTests/\(file)") as? [String: [String: Any]])
        #expect(!tests.isEmpty)
        for (name, test) in tests {
            var entries: [[UInt8]: [UInt8]] = [:]
            if let ordered = test["in"] as? [[Any]] {
                for pair in ordered { apply(pair[0], pair[1], to: &entries) }
            } else if let unordered = test["in"] as? [String: Any] {
                for (key, value) in unordered { apply(key, value, to: &entries) }
            }
            let list = entries.map { (key: $0.key, value: $0.value) }
            let root = file.contains("secure") ? MerklePatriciaTrie.secureRoot(list) : MerklePatriciaTrie.root(list)
            #expect(root == (try Hash(hex: test["root"] as! String)), "\(file): \(name)")
        }
    }

    private func apply(_ key: Any, _ value: Any, to entries: inout [[UInt8]: [UInt8]]) {
        let keyBytes = bytes(key)
        if let value = value as? String, !value.isEmpty { entries[keyBytes] = bytes(value) } else { entries[keyBytes] = nil }
    }

    /// Vector strings are hex when 0x-prefixed, else raw UTF-8.
    private func bytes(_ text: Any) -> [UInt8] {
        let string = text as! String
        return string.hasPrefix("0x") ? hexBytes(string) : Array(string.utf8)
    }

    @Test func emptyTrieRoot() {
        #expect(MerklePatriciaTrie.root([]).description == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
    }
}
