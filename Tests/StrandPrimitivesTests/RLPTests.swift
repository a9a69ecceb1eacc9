import BigInt
import StrandPrimitives
import StrandTestSupport
import Testing

@Suite struct RLPTests {
    /// `rlptest.json`: encoding `in` gives `out`, and decoding `out` gives `in` back.
    @Test func validVectors() throws {
        let cases = try #require(try TestVectors.json("RLPTests/rlptest.json") as? [String: [String: Any]])
        #expect(cases.count >= 28)
        for (name, vector) in cases.sorted(by: { $0.key < $1.key }) {
            let expected = hexBytes(try #require(vector["out"] as? String))
            let value = try self.value(from: try #require(vector["in"]))
            #expect(value.encoded == expected, "\(name)")
            #expect(try RLPValue.decode(expected) == value, "\(name)")
        }
    }

    /// `invalidRLPTest.json`: every `out` must be rejected by the strict decoder.
    @Test func invalidVectors() throws {
        let cases = try #require(try TestVectors.json("RLPTests/invalidRLPTest.json") as? [String: [String: Any]])
        #expect(cases.count >= 20)
        for (name, vector) in cases.sorted(by: { $0.key < $1.key }) {
            let bytes = hexBytes(try #require(vector["out"] as? String))
            #expect(throws: RLPError.self, "\(name)") { try RLPValue.decode(bytes) }
        }
    }

    /// The JSON `in` of a vector: a string, an integer, a `#`-prefixed big integer, or a list.
    func value(from json: Any) throws -> RLPValue {
        switch json {
        case let list as [Any]:
            return .list(try list.map(value(from:)))
        case let text as String where text.hasPrefix("#"):
            let number = try #require(BigUInt(String(text.dropFirst())))
            return .bytes(Array(number.serialize()))
        case let text as String:
            return .bytes(Array(text.utf8))
        case let number as Int:
            return .bytes(UInt256(number).minimalBigEndianBytes)
        default:
            Issue.record("unexpected JSON in vector: \(json)")
            return .bytes([])
        }
    }

    @Test func namesEachStrictnessRule() {
        #expect(throws: RLPError.nonCanonicalSingleByte) { try RLPValue.decode([0x81, 0x05]) }
        #expect(throws: RLPError.nonCanonicalLength) { try RLPValue.decode([0xb8, 0x02, 0x01, 0x02]) }
        #expect(throws: RLPError.truncated) { try RLPValue.decode([0x83, 0x01]) }
        #expect(throws: RLPError.trailingBytes(count: 1)) { try RLPValue.decode([0x80, 0x80]) }
        #expect(throws: RLPError.truncated) { try RLPValue.decode([]) }
        let deep = [UInt8](repeating: 0xc1, count: 80) + [0xc0]
        #expect(throws: RLPError.self) { try RLPValue.decode(deep) }
        let tooDeep = (0..<(RLPReader.maxDepth + 1)).reduce(RLPValue.list([])) { inner, _ in .list([inner]) }
        #expect(throws: RLPError.tooDeep) { try RLPValue.decode(tooDeep.encoded) }
    }

    @Test func integersAreCanonical() throws {
        func readUInt64(_ bytes: [UInt8]) throws(RLPError) -> UInt64 {
            let result = bytes.withUnsafeBytes { buffer in
                Result { () throws(RLPError) -> UInt64 in
                    var reader = RLPReader(buffer)
                    let value = try reader.readUInt64()
                    try reader.finish()
                    return value
                }
            }
            return try result.get()
        }
        for value: UInt64 in [0, 1, 0x7f, 0x80, 0xff, 0x100, 1 << 40, .max] {
            var encoder = RLPEncoder()
            encoder.append(value)
            #expect(try readUInt64(encoder.bytes) == value)
        }
        #expect(throws: RLPError.leadingZeros) { try readUInt64([0x82, 0x00, 0x01]) }
        #expect(throws: RLPError.integerTooLarge(maxBytes: 8)) { try readUInt64([0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]) }
    }
}
