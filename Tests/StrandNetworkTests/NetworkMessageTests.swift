import StrandCrypto
import StrandPrimitives
@testable import StrandNetwork
import Testing

@Suite struct NetworkMessageTests {
    static let node = NodeID(PrivateKey.random().publicKey)

    @Test func everyMessageRoundTrips() throws {
        let messages: [NetworkMessage] = [
            .hello(.init(chainID: 7, genesisHash: Keccak256.hash([1]), nodeID: Self.node)),
            .ping(0), .pong(UInt64.max), .consensus([1, 2, 3]), .consensus([]),
            .subprotocol(ProtocolMessage(code: 4, body: [0xc3, 0x82, 0x01, 0x02])), .subprotocol(ProtocolMessage(code: 7, body: [0xc0])),
        ]
        for message in messages {
            #expect(try NetworkMessage.decode(message.encoded) == message)
        }
    }

    @Test func badMessagesAreNamed() {
        #expect(throws: MessageError.unknownType(99)) { try NetworkMessage.decode(RLPEncoderHelper.list([99, 0])) }
        #expect(throws: MessageError.self) { try NetworkMessage.decode([]) }
        #expect(throws: MessageError.self) { try NetworkMessage.decode([0xff, 0x00]) }
        #expect(throws: MessageError.self) { try NetworkMessage.decode(NetworkMessage.ping(1).encoded + [0]) }
        // A protocol's body must be one well-formed item; what is inside is the protocol's to judge.
        #expect(throws: MessageError.self) { try NetworkMessage.decode([0xc3, 0x05, 0xc2, 0x01]) }
        #expect(throws: MessageError.self) { try NetworkMessage.decode([0xc3, 0x08, 0x80, 0x80]) }
        #expect((try? NetworkMessage.decode([0xc2, 0x05, 0xc0])) == .subprotocol(ProtocolMessage(code: 5, body: [0xc0])))
        // A hello whose node ID is not 64 bytes.
        var hello = NetworkMessage.hello(.init(chainID: 7, genesisHash: .zero, nodeID: Self.node)).encoded
        hello[hello.count - 1] ^= 0
        var encoder = RLPEncoder()
        encoder.appendList { list in
            list.append(UInt64(1))
            list.appendList { body in
                body.append(UInt64(1)); body.append(UInt64(7)); body.append(Hash.zero); body.append(bytes: [1, 2, 3])
            }
        }
        #expect(throws: MessageError.self) { try NetworkMessage.decode(encoder.bytes) }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 15)
        let valid = NetworkMessage.subprotocol(ProtocolMessage(code: 5, body: [0xc2, 0x03, 0x80])).encoded
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let position = Int(generator.next() % UInt64(bytes.count))
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            if generator.next() % 5 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }
            _ = try? NetworkMessage.decode(bytes)
        }
    }
}

enum RLPEncoderHelper {
    static func list(_ numbers: [UInt64]) -> [UInt8] {
        var encoder = RLPEncoder()
        encoder.appendList { list in for number in numbers { list.append(number) } }
        return encoder.bytes
    }
}
