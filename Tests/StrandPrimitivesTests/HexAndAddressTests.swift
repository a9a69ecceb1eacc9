import StrandPrimitives
import Testing

@Suite struct HexTests {
    @Test func roundTrips() throws {
        let bytes: [UInt8] = [0x00, 0x01, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "0x0001abff")
        #expect(Hex.encode(bytes, prefixed: false) == "0001abff")
        #expect(try Hex.decode("0x0001ABff") == bytes)
        #expect(try Hex.decode("0001abff") == bytes)
        #expect(try Hex.decode("0x") == [])
        #expect(try Hex.decode("") == [])
    }

    @Test func namesEachProblem() {
        #expect(throws: HexError.oddLength(digits: 3)) { try Hex.decode("0xabc") }
        #expect(throws: HexError.invalidCharacter("g", offset: 3)) { try Hex.decode("0xag") }
        #expect(throws: HexError.missingPrefix) { try Hex.decode("abcd", prefix: .required) }
        #expect(throws: HexError.wrongLength(expected: 32, actual: 2)) { try Hash(hex: "0xabcd") }
    }
}

@Suite struct AddressTests {
    // The examples of EIP-55.
    static let checksummed = [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]

    @Test(arguments: checksummed)
    func checksumRoundTrips(_ text: String) throws {
        let address = try Address(hex: text)
        #expect(address.checksummed == text)
        #expect(try Address(hex: text.lowercased()) == address)
        #expect(try Address(hex: "0x" + text.dropFirst(2).uppercased()) == address)
    }

    @Test func rejectsBadChecksum() {
        // One letter's case flipped.
        #expect(throws: HexError.badChecksum(expected: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")) {
            try Address(hex: "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        }
        #expect(throws: HexError.wrongLength(expected: 20, actual: 19)) {
            try Address(hex: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea")
        }
    }

    @Test func ordersAndConvertsLikeItsBytes() throws {
        let low = try Address(hex: "0x00000000000000000000000000000000000000ff")
        let high = try Address(hex: "0x0100000000000000000000000000000000000000")
        #expect(low < high)
        #expect(UInt256(low) == UInt256(255))
        #expect(Address(truncating: UInt256(low)) == low)
    }
}
