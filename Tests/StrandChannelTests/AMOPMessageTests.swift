@testable import StrandChannel
import StrandNetworkAPI
import StrandPrimitives
import Testing

/// AMOP's messages between nodes: each round-trips, and what is not one is refused, not trusted.
@Suite struct AMOPMessageTests {
    static let sequence = Array(repeating: UInt8(ascii: "5"), count: 32)

    @Test(arguments: [
        AMOPMessage.topics(version: 3, topics: ["settlement", "payments"]),
        AMOPMessage.topics(version: 1, topics: []),
        AMOPMessage.request(id: 7, sequence: sequence, topic: "settlement", payload: [1, 2, 3], multicast: false),
        AMOPMessage.request(id: 0, sequence: sequence, topic: "t", payload: [], multicast: true),
        AMOPMessage.request(id: 9, sequence: sequence, topic: "#!$TopicNeedVerify_a", payload: [7], multicast: false,
                            allowed: [try! Address(hex: "0x00000000000000000000000000000000000000a1"), try! Address(hex: "0x00000000000000000000000000000000000000b2")]),
        AMOPMessage.response(id: 7, result: 100, payload: [9]),
    ])
    func roundTrips(_ message: AMOPMessage) throws {
        let carried = message.protocolMessage
        #expect(carried.subprotocol == .amop)
        #expect(try AMOPMessage.decode(carried) == message)
        #expect(try NetworkMessage.decode(NetworkMessage.subprotocol(carried).encoded) == .subprotocol(carried))
    }

    @Test func malformedMessagesAreRefused() {
        let code = Subprotocol.amop.codes.lowerBound
        let bad: [[UInt8]] = [
            [0xc1, 0x09],                                           // an unknown kind
            AMOPMessage.request(id: 1, sequence: Array(Self.sequence.prefix(5)), topic: "t", payload: [], multicast: false)
                .protocolMessage.body,                               // a short sequence
            AMOPMessage.request(id: 1, sequence: Self.sequence, topic: "", payload: [], multicast: false).protocolMessage.body,
            [0x80],                                                  // not a list
        ]
        for body in bad {
            #expect(throws: AMOPMessage.Malformed.self) { try AMOPMessage.decode(ProtocolMessage(code: code, body: body)) }
        }
    }
}
