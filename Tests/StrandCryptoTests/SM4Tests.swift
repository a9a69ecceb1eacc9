import StrandCrypto
import StrandPrimitives
import Testing

/// SM4 against GB/T 32907's examples, and CBC with padding as data is encrypted.
@Suite struct SM4Tests {
    static let standardKey = try! Hex.decode("0123456789abcdeffedcba9876543210")

    @Test func theStandardsExamples() throws {
        #expect(try SM4.encryptBlock(Self.standardKey, key: Self.standardKey) == (try Hex.decode("681edf34d206965e86b3e94f536e4246")))
        // The second example: the same block encrypted 1,000,000 times under the same key.
        var block = Self.standardKey
        for _ in 0..<1_000_000 { block = try SM4.encryptBlock(block, key: Self.standardKey) }
        #expect(block == (try Hex.decode("595298c7c6fd271f0402f804c33d3f66")))
    }

    @Test func cbcRoundTripsAndRefusesWhatIsNotItsOwn() throws {
        let iv = [UInt8](repeating: 7, count: 16)
        for length in [0, 1, 15, 16, 17, 1000] {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let ciphertext = try SM4.encrypt(plaintext, key: Self.standardKey, iv: iv)
            #expect(ciphertext.count == (length / 16 + 1) * 16)
            #expect(try SM4.decrypt(ciphertext, key: Self.standardKey, iv: iv) == plaintext)
        }
        let ciphertext = try SM4.encrypt(Array("a key to keep".utf8), key: Self.standardKey, iv: iv)
        var otherKey = Self.standardKey
        otherKey[0] ^= 1
        #expect(throws: SM4.Failure.self) { try SM4.decrypt(ciphertext, key: otherKey, iv: iv) }
        #expect(throws: SM4.Failure.badCiphertext) { try SM4.decrypt(Array(ciphertext.dropLast()), key: Self.standardKey, iv: iv) }
        #expect(throws: SM4.Failure.badKey(15)) { try SM4.encrypt([1], key: Array(Self.standardKey.prefix(15)), iv: iv) }
        #expect(throws: SM4.Failure.badIV(8)) { try SM4.encrypt([1], key: Self.standardKey, iv: Array(iv.prefix(8))) }
    }
}
