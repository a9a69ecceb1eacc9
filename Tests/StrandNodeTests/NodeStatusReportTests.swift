import StrandNetworkAPI
import StrandPrimitives
import Testing

/// The `status` protocol's report: what a node says of itself reads back the same, and a peer's
/// malformed or future report is refused, not misread.
@Suite struct NodeStatusReportTests {
    @Test func roundTrips() throws {
        for report in [
            NodeStatusReport(height: 42, view: 3, peers: 3, role: .validator, healthy: true, reason: ""),
            NodeStatusReport(height: 0, view: nil, peers: 0, role: .observer, healthy: false, reason: "isolated: no peer connected"),
            NodeStatusReport(height: .max, view: 0, peers: 1, role: .none, healthy: false, reason: "同步中"),
        ] {
            #expect(try NodeStatusReport.decode(report.protocolMessage) == report)
        }
        let long = NodeStatusReport(height: 1, view: nil, peers: 1, role: .none, healthy: false, reason: String(repeating: "é", count: 400))
        #expect(long.reason.utf8.count <= NodeStatusReport.maxReasonBytes)
        #expect(try NodeStatusReport.decode(long.protocolMessage) == long)
    }

    @Test func refusesMalformedReports() {
        func message(_ fields: (inout RLPEncoder) -> Void) -> ProtocolMessage {
            var encoder = RLPEncoder(reservingCapacity: 64)
            encoder.appendList { fields(&$0) }
            return ProtocolMessage(code: Subprotocol.status.codes.lowerBound, body: encoder.bytes)
        }
        let futureVersion = message { for value: UInt64 in [2, 1, 0, 0, 0, 1] { $0.append(value) }; $0.append(bytes: []) }
        let unknownRole = message { for value: UInt64 in [1, 1, 0, 0, 9, 1] { $0.append(value) }; $0.append(bytes: []) }
        let badHealth = message { for value: UInt64 in [1, 1, 0, 0, 1, 2] { $0.append(value) }; $0.append(bytes: []) }
        let notUTF8 = message { for value: UInt64 in [1, 1, 0, 0, 1, 0] { $0.append(value) }; $0.append(bytes: [0xff, 0xfe]) }
        let extraField = message { for value: UInt64 in [1, 1, 0, 0, 1, 1] { $0.append(value) }; $0.append(bytes: []); $0.append(UInt64(7)) }
        for bad in [futureVersion, unknownRole, badHealth, notUTF8, extraField] {
            #expect(throws: MessageError.self) { try NodeStatusReport.decode(bad) }
        }
    }
}
