import Foundation

/// One SDK's session on the channel port, as a pure state machine: frames in, actions out. It
/// keeps the topics the SDK reported; the handler around it does the I/O and the RPC.
struct ChannelSession {
    enum Action: Equatable {
        case reply(ChannelFrame)
        /// A JSON-RPC request to serve; the answer goes back as type 0x12 with this sequence.
        case rpc(sequence: [UInt8], body: [UInt8])
        /// An event-log registration (its JSON, the topic framing taken off); answered on 0x15.
        case registerEvents(sequence: [UInt8], json: [UInt8])
        /// An AMOP message for `topic` (0x30, or 0x35 for every subscriber).
        case publish(ChannelFrame, topic: String)
        /// A subscriber's answer to an AMOP message (0x31).
        case answer(ChannelFrame)
        /// A frame this node does not serve: dropped and counted.
        case ignore(reason: String)
    }

    /// The protocol version answered to a handshake (the Java SDK's negotiation): FISCO's first,
    /// plain JSON bodies.
    static let protocolVersion = 1
    static let maxTopics = 1_024
    static let maxTopicBytes = 255

    private(set) var topics: Set<String> = []

    mutating func received(_ frame: ChannelFrame) -> [Action] {
        switch frame.kind {
        case .rpc:
            return [.rpc(sequence: frame.sequence, body: frame.body)]
        case .heartbeat:
            return [.reply(ChannelFrame(.heartbeat, sequence: frame.sequence, body: []))]
        case .handshake:
            let body = #"{"protocol":\#(Self.protocolVersion),"nodeVersion":"Strand"}"#
            return [.reply(ChannelFrame(.handshake, sequence: frame.sequence, body: Array(body.utf8)))]
        case .registerEventLog:
            // One byte of the (empty) topic's length + 1, the topic, then the JSON.
            guard let first = frame.body.first, first >= 1, frame.body.count >= Int(first) else {
                return [.reply(Self.registrationAnswer(sequence: frame.sequence, result: Self.badRegistration))]
            }
            return [.registerEvents(sequence: frame.sequence, json: Array(frame.body[Int(first)...]))]
        case .amopRequest, .amopMulticast:
            guard let topic = Self.topic(of: frame.body), frame.body.count <= AMOPMessage.maxPayloadBytes else {
                return [.ignore(reason: "AMOP message without a topic, or above \(AMOPMessage.maxPayloadBytes) bytes")]
            }
            return [.publish(frame, topic: topic)]
        case .amopResponse:
            return [.answer(frame)]
        case .topicReport:
            guard let list = try? JSONSerialization.jsonObject(with: Data(frame.body)) as? [String],
                  list.count <= Self.maxTopics, list.allSatisfy({ !$0.isEmpty && $0.utf8.count <= Self.maxTopicBytes }) else {
                return [.ignore(reason: "topic report is not a JSON list of at most \(Self.maxTopics) topics")]
            }
            topics = Set(list)
            return []
        default:
            return [.ignore(reason: "frame type 0x\(String(frame.type, radix: 16)) is not served")]
        }
    }

    /// FISCO's block-number notification: the topic `_block_notify_<group>` framed as AMOP frames
    /// a topic (one byte of its length + 1, then its bytes), then `<group>,<number>`.
    static func blockNumberFrame(group: UInt64, number: UInt64) -> ChannelFrame {
        let topic = Array(blockNotifyTopic(group: group).utf8)
        return ChannelFrame(.blockNumber, sequence: ChannelFrame.unsolicited,
                            body: [UInt8(topic.count + 1)] + topic + Array("\(group),\(number)".utf8))
    }

    static func blockNotifyTopic(group: UInt64) -> String { "_block_notify_\(group)" }

    /// Topics that are the node's own notifications, not AMOP's.
    static func isAMOPTopic(_ topic: String) -> Bool { !topic.hasPrefix("_block_notify_") }

    /// The topic framed at the head of an AMOP body: one byte of its length + 1, then its bytes.
    static func topic(of body: [UInt8]) -> String? {
        guard let first = body.first, first >= 2, body.count >= Int(first) else { return nil }
        return String(decoding: body[1..<Int(first)], as: UTF8.self)
    }

    /// Results of an event-log registration: 0 registered (what the SDK checks), else refused.
    static let registered = 0, badRegistration = 1, tooManyFilters = 2

    /// The answer to an event-log registration, topic-framed as the request was.
    static func registrationAnswer(sequence: [UInt8], result: Int) -> ChannelFrame {
        ChannelFrame(.registerEventLog, sequence: sequence, body: [1] + Array(#"{"result":\#(result)}"#.utf8))
    }

    /// A push of a committed transaction's receipt to the SDK that sent it over this port.
    static func receiptFrame(sequence: [UInt8], receiptJSON: [UInt8]) -> ChannelFrame {
        ChannelFrame(.transactionCommitted, sequence: sequence, body: receiptJSON)
    }
}
