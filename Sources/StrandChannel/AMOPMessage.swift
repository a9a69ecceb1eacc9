import StrandNetworkAPI
import StrandPrimitives

/// AMOP between nodes: a node announces the topics its SDKs subscribed (the whole set, versioned,
/// so that a late or repeated announcement never undoes a newer one), and carries a publisher's
/// message to a node with a subscriber and the subscriber's answer back.
public enum AMOPMessage: Equatable, Sendable {
    case topics(version: UInt64, topics: [String])
    /// `sequence` is the publisher's (the subscriber answers under it); a multicast has no answer.
    /// For a private topic, `allowed` names the accounts a subscriber must have proven it holds.
    case request(id: UInt64, sequence: [UInt8], topic: String, payload: [UInt8], multicast: Bool, allowed: [Address] = [])
    /// `result` is FISCO's: 0, or 100 (no subscriber there), 101, 102.
    case response(id: UInt64, result: UInt32, payload: [UInt8])

    public static let maxTopics = 1_024
    public static let maxTopicBytes = 255
    public static let maxPayloadBytes = 1 << 20
    public static let maxAllowed = 256

    public var protocolMessage: ProtocolMessage {
        var encoder = RLPEncoder(reservingCapacity: 64)
        encoder.appendList { list in
            switch self {
            case .topics(let version, let topics):
                list.append(UInt64(0))
                list.append(version)
                list.appendList { items in for topic in topics { items.append(bytes: Array(topic.utf8)) } }
            case .request(let id, let sequence, let topic, let payload, let multicast, let allowed):
                list.append(UInt64(1))
                list.append(id)
                list.append(bytes: sequence)
                list.append(bytes: Array(topic.utf8))
                list.append(bytes: payload)
                list.append(UInt64(multicast ? 1 : 0))
                list.appendList { items in for account in allowed { items.append(account) } }
            case .response(let id, let result, let payload):
                list.append(UInt64(2))
                list.append(id)
                list.append(UInt64(result))
                list.append(bytes: payload)
            }
        }
        return ProtocolMessage(code: Subprotocol.amop.codes.lowerBound, body: encoder.bytes)
    }

    public struct Malformed: Error, Equatable {
        public let reason: String
    }

    public static func decode(_ message: ProtocolMessage) throws(Malformed) -> AMOPMessage {
        do {
            return try message.body.withUnsafeBytes { buffer in
                var reader = RLPReader(buffer)
                var list = try reader.readList()
                let decoded: AMOPMessage
                switch try list.readUInt64() {
                case 0:
                    let version = try list.readUInt64()
                    var items = try list.readList()
                    var topics: [String] = []
                    while !items.isAtEnd {
                        let topic = Array(try items.readBytes())
                        guard topics.count < maxTopics, topic.count <= maxTopicBytes else { throw Malformed(reason: "too many or too long topics") }
                        topics.append(String(decoding: topic, as: UTF8.self))
                    }
                    decoded = .topics(version: version, topics: topics)
                case 1:
                    let id = try list.readUInt64()
                    let sequence = Array(try list.readBytes())
                    let topic = Array(try list.readBytes())
                    let payload = Array(try list.readBytes())
                    let multicast = try list.readUInt64()
                    var items = try list.readList()
                    var allowed: [Address] = []
                    while !items.isAtEnd {
                        guard allowed.count < maxAllowed, let account = Address(Array(try items.readBytes())) else {
                            throw Malformed(reason: "bad allowed accounts")
                        }
                        allowed.append(account)
                    }
                    guard sequence.count == ChannelFrame.sequenceBytes, !topic.isEmpty, topic.count <= maxTopicBytes,
                          payload.count <= maxPayloadBytes, multicast <= 1 else { throw Malformed(reason: "bad request") }
                    decoded = .request(id: id, sequence: sequence, topic: String(decoding: topic, as: UTF8.self), payload: payload,
                                       multicast: multicast == 1, allowed: allowed)
                case 2:
                    let id = try list.readUInt64()
                    let result = try list.readUInt64()
                    let payload = Array(try list.readBytes())
                    guard result <= UInt64(UInt32.max), payload.count <= maxPayloadBytes else { throw Malformed(reason: "bad response") }
                    decoded = .response(id: id, result: UInt32(result), payload: payload)
                default:
                    throw Malformed(reason: "unknown AMOP message")
                }
                try list.finish()
                return decoded
            }
        } catch let error as Malformed {
            throw error
        } catch {
            throw Malformed(reason: "\(error)")
        }
    }
}
