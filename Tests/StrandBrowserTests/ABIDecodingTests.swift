import Foundation
import StrandPrimitives
@testable import StrandBrowser
import StrandRPC
import Testing

/// Calldata and logs decoded from encodings written out by hand from the ABI specification.
@Suite struct ABIDecodingTests {
    static func word(_ hex: String) -> [UInt8] {
        let bytes = try! Hex.decode(hex)
        return [UInt8](repeating: 0, count: 32 - bytes.count) + bytes
    }

    static let erc20 = """
        [{"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}]},
         {"type":"event","name":"Transfer","inputs":[{"name":"from","type":"address","indexed":true},
           {"name":"to","type":"address","indexed":true},{"name":"value","type":"uint256","indexed":false}]},
         {"type":"constructor","inputs":[]}]
        """

    @Test func selectorsAndTopicsAreKeccaks() throws {
        let interface = try ContractInterface(name: "Token", json: Self.erc20, hash: Keccak256.hash)
        #expect(interface.functions[0xa9059cbb]?.signature == "transfer(address,uint256)")
        let transferTopic = try Hash(hex: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        #expect(interface.events[transferTopic]?.name == "Transfer")
    }

    @Test func decodesACallAndALog() throws {
        let interface = try ContractInterface(name: "Token", json: Self.erc20, hash: Keccak256.hash)
        let to = "00000000000000000000000000000000000000aa"
        let call = [0xa9, 0x05, 0x9c, 0xbb] + Self.word(to) + Self.word("0de0b6b3a7640000")
        let decoded = try #require(interface.decodeCall(call))
        #expect(decoded.objectValue?["function"] == "transfer")
        #expect(decoded.objectValue?["arguments"]?.arrayValue?[1].objectValue?["value"] == "1000000000000000000")
        #expect(decoded.objectValue?["arguments"]?.arrayValue?[0].objectValue?["value"]?.stringValue?.lowercased() == "0x" + to)

        let topics = [try Hash(hex: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"),
                      Hash(UInt256(0x11)), Hash(UInt256(0x22))]
        let log = try #require(interface.decodeLog(topics: topics, data: Self.word("05")))
        #expect(log.objectValue?["event"] == "Transfer")
        let values = log.objectValue?["arguments"]?.arrayValue?.compactMap { $0.objectValue?["value"] }
        #expect(values?.count == 3 && values?[2] == .string("5"))
        // A log whose topics do not fit the event (a missing indexed argument) is not decoded.
        #expect(interface.decodeLog(topics: Array(topics.prefix(2)), data: Self.word("05")) == nil)
    }

    @Test func dynamicTypesArraysAndTuples() throws {
        // f(string, uint8[], (int16, bytes)): heads, then tails at their offsets.
        let interface = try ContractInterface(name: "C", declarations: ["f(string s, uint8[] xs, int16 n)"], hash: Keccak256.hash)
        let selector = ContractInterface.selector("f(string,uint8[],int16)", Keccak256.hash)
        var call = withUnsafeBytes(of: selector.bigEndian) { Array($0) }
        call += Self.word("60") + Self.word("a0") + Self.word(String(repeating: "ff", count: 32))  // offsets, n = -1
        call += Self.word("02") + Array("hi".utf8) + [UInt8](repeating: 0, count: 30)               // "hi"
        call += Self.word("02") + Self.word("07") + Self.word("ff")                                  // [7, 255]
        let arguments = try #require(interface.decodeCall(call)?.objectValue?["arguments"]?.arrayValue).compactMap { $0.objectValue?["value"] }
        #expect(arguments == [JSONValue.string("hi"), JSONValue.array([.string("7"), .string("255")]), JSONValue.string("-1")])

        let tuple = ABIType.tuple([ABIParameter(name: "a", type: .int(bits: 16)), ABIParameter(name: "b", type: .bytes)])
        let encoded = Self.word("20") + Self.word("05") + Self.word("40") + Self.word("01") + Self.word("ab00000000000000000000000000000000000000000000000000000000000000")
        let value = try ABIDecoder(encoded).decode([ABIParameter(name: "t", type: tuple)])
        #expect(value == [JSONValue.object(["a": .string("5"), "b": .string("0xab")])])
        #expect(try ABIType(parsing: "tuple[2]", components: [ABIParameter(name: "x", type: .bool)]).canonical == "(bool)[2]")
    }

    @Test func refusesWhatDoesNotFitItsType() throws {
        let uint8 = [ABIParameter(name: "x", type: .uint(bits: 8))]
        #expect(throws: ABIType.Invalid.self) { try ABIDecoder(Self.word("0100")).decode(uint8) }
        #expect(throws: ABIType.Invalid.self) { try ABIDecoder(Self.word("02")).decode([ABIParameter(name: "b", type: .bool)]) }
        #expect(throws: ABIType.Invalid.self) { try ABIDecoder(Self.word("ff")).decode([ABIParameter(name: "s", type: .string)]) }
        // A forged array length is refused before anything is allocated for it.
        let forged = Self.word("20") + Self.word("ffffffff")
        #expect(throws: ABIType.Invalid.self) { try ABIDecoder(forged).decode([ABIParameter(name: "a", type: .array(.uint(bits: 256), count: nil))]) }
        #expect(throws: ABIType.Invalid.self) { try ABIDecoder([1, 2, 3]).decode(uint8) }
        #expect(throws: ABIType.Invalid.self) { try ABIType(parsing: "uint7") }
        #expect(throws: ABIType.Invalid.self) { try ContractInterface(name: "x", json: "{}", hash: Keccak256.hash) }
    }

    @Test func revertReasons() {
        let reason = [0x08, 0xc3, 0x79, 0xa0] + Self.word("20") + Self.word("04") + Array("nope".utf8) + [UInt8](repeating: 0, count: 28)
        #expect(ContractInterface.revertReason(reason) == "nope")
        #expect(ContractInterface.revertReason([0x4e, 0x48, 0x7b, 0x71] + Self.word("11")) == "panic 17")
        #expect(ContractInterface.revertReason([1, 2, 3, 4]) == nil)
    }

    @Test func systemContractsDecodeWithoutAnABI() throws {
        let interfaces = SystemInterfaces.interfaces(hash: Keccak256.hash)
        #expect(interfaces.count == SystemInterfaces.declarations.count)
        let calls = interfaces.values.reduce(0) { $0 + $1.functions.count }
        #expect(calls == SystemInterfaces.declarations.reduce(0) { $0 + $1.2.count })
    }
}
