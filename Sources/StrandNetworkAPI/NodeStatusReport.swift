import StrandPrimitives

/// What a node tells its peers of itself every few seconds (the `status` protocol): enough for
/// a browser's node table at any node, so that an operator sees the whole chain from one page.
/// A node's word about itself, shown as that; nothing is decided from it.
///
///     rlp([version, height, view + 1 (0: none), peers, role, healthy, reason])
public struct NodeStatusReport: Equatable, Sendable {
    public enum Role: UInt64, Sendable {
        case none = 0
        case validator = 1
        case observer = 2
    }

    static let version: UInt64 = 1
    public static let maxReasonBytes = 512

    public var height: UInt64
    public var view: UInt64?
    public var peers: UInt64
    public var role: Role
    public var healthy: Bool
    /// Why it is not healthy; empty when it is.
    public var reason: String

    public init(height: UInt64, view: UInt64?, peers: UInt64, role: Role, healthy: Bool, reason: String) {
        self.height = height
        self.view = view
        self.peers = peers
        self.role = role
        self.healthy = healthy
        var reason = reason
        while reason.utf8.count > Self.maxReasonBytes { reason.removeLast() }
        self.reason = reason
    }

    public var protocolMessage: ProtocolMessage {
        var encoder = RLPEncoder(reservingCapacity: 32 + reason.utf8.count)
        encoder.appendList { list in
            list.append(Self.version)
            list.append(height)
            list.append(view.map { $0 &+ 1 } ?? 0)
            list.append(peers)
            list.append(role.rawValue)
            list.append(healthy ? UInt64(1) : 0)
            list.append(bytes: Array(reason.utf8))
        }
        return ProtocolMessage(code: Subprotocol.status.codes.lowerBound, body: encoder.bytes)
    }

    /// Reads a report; a later version's is refused rather than misread.
    public static func decode(_ message: ProtocolMessage) throws(MessageError) -> NodeStatusReport {
        guard message.code == Subprotocol.status.codes.lowerBound else { throw .unknownType(message.code) }
        return try MessageError.reading(message.body) { reader in
            var list = try reader.readList()
            guard try list.readUInt64() == version else { throw MessageError.malformed("status report of another version") }
            let height = try list.readUInt64(), view = try list.readUInt64(), peers = try list.readUInt64()
            guard let role = Role(rawValue: try list.readUInt64()) else { throw MessageError.malformed("unknown role") }
            let healthy = try list.readUInt64()
            guard healthy <= 1 else { throw MessageError.malformed("health is 0 or 1") }
            let reason = try list.readBytes()
            guard reason.count <= maxReasonBytes, let text = String(validating: reason, as: UTF8.self) else {
                throw MessageError.malformed("reason too long or not UTF-8")
            }
            try list.finish()
            return NodeStatusReport(height: height, view: view == 0 ? nil : view - 1, peers: peers, role: role, healthy: healthy == 1,
                                    reason: text)
        }
    }
}
