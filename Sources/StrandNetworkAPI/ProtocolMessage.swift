import StrandPrimitives

/// The protocols above the network, each owning a range of the frame's type codes. The codes
/// are those of the layout in which one enum held every message, so the bytes on the wire did
/// not change when the protocols took their messages over.
public enum Subprotocol: Sendable, CaseIterable, CustomStringConvertible {
    /// Transactions gossip, heads, block ranges (`StrandSync.SyncMessage`).
    case sync
    /// PBFT's messages, opaque bytes (`StrandConsensus.ConsensusMessage`).
    case consensus
    /// AMOP: the topics a node's SDKs subscribed, and messages routed to them (`StrandChannel.AMOPMessage`).
    case amop
    /// What each node reports of itself to its peers every few seconds, for block browsers'
    /// node tables (`StrandNode.NodeStatusReport`).
    case status

    /// The type codes this protocol's messages carry.
    public var codes: ClosedRange<UInt64> {
        switch self {
        case .sync: 4...7
        case .consensus: 8...8
        case .amop: 9...9
        case .status: 10...10
        }
    }

    /// The protocol owning `code`, if any does.
    public init?(code: UInt64) {
        guard let owner = Self.allCases.first(where: { $0.codes.contains(code) }) else { return nil }
        self = owner
    }

    public var description: String {
        switch self {
        case .sync: "sync"
        case .consensus: "consensus"
        case .amop: "amop"
        case .status: "status"
        }
    }
}

/// One message of a protocol above the network: its type code and its body, one RLP item as
/// sent, which only the protocol reads.
public struct ProtocolMessage: Equatable, Sendable {
    public let code: UInt64
    /// One RLP item, encoded.
    public let body: [UInt8]

    public var subprotocol: Subprotocol { Subprotocol(code: code)! }

    /// A message of the protocol owning `code`; traps on a code no protocol owns (a programming error).
    public init(code: UInt64, body: [UInt8]) {
        precondition(Subprotocol(code: code) != nil, "type code \(code) belongs to no protocol")
        self.code = code
        self.body = body
    }

    init(uncheckedCode code: UInt64, body: [UInt8]) {
        self.code = code
        self.body = body
    }

    /// A consensus message: its bytes as one RLP string.
    public static func consensus(_ bytes: [UInt8]) -> ProtocolMessage {
        var encoder = RLPEncoder(reservingCapacity: bytes.count + 9)
        encoder.append(bytes: bytes)
        return ProtocolMessage(code: Subprotocol.consensus.codes.lowerBound, body: encoder.bytes)
    }

    /// The bytes of an opaque body (one RLP string), as `consensus(_:)` wrapped them.
    public func opaqueBytes() throws(MessageError) -> [UInt8] {
        try MessageError.reading(body) { reader in Array(try reader.readBytes()) }
    }
}

extension NetworkMessage {
    /// A consensus message, opaque to the network.
    public static func consensus(_ bytes: [UInt8]) -> NetworkMessage { .subprotocol(.consensus(bytes)) }
}
