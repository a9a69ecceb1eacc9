import StrandNetworkAPI
import StrandPrimitives

/// What sync says to peers, as the sync protocol's `ProtocolMessage`s (type codes 4 to 7).
public enum SyncMessage: Equatable, Sendable {
    /// Raw transactions a peer's pool admitted (tx gossip).
    case transactions([[UInt8]])
    /// The sender's head: sent on every commit and once a second.
    case status(Status)
    /// Asks for up to `count` sealed blocks from `from` on.
    case getBlocks(from: UInt64, count: UInt64)
    /// Sealed blocks in order, each `Block.networkEncoding`.
    case blocks([[UInt8]])

    public struct Status: Equatable, Sendable {
        public var height: UInt64
        public var headHash: Hash

        public init(height: UInt64, headHash: Hash) {
            self.height = height
            self.headHash = headHash
        }
    }

    /// Most blocks one `getBlocks` may ask for.
    public static let maxBlocksPerRequest: UInt64 = 64

    enum Code: UInt64, CaseIterable {
        case transactions = 4, status, getBlocks, blocks
    }

    var code: Code {
        switch self {
        case .transactions: .transactions
        case .status: .status
        case .getBlocks: .getBlocks
        case .blocks: .blocks
        }
    }

    /// The message as the network carries it.
    public var protocolMessage: ProtocolMessage {
        var body = RLPEncoder(reservingCapacity: 64)
        body.appendList { list in
            switch self {
            case .transactions(let raws), .blocks(let raws):
                for raw in raws { list.append(bytes: raw) }
            case .status(let status):
                list.append(status.height)
                list.append(status.headHash)
            case .getBlocks(let from, let count):
                list.append(from)
                list.append(count)
            }
        }
        return ProtocolMessage(code: code.rawValue, body: body.bytes)
    }

    public var networkMessage: NetworkMessage { .subprotocol(protocolMessage) }

    /// Reads a sync message strictly; anything else is the sender's fault.
    public init(_ message: ProtocolMessage) throws(MessageError) {
        guard let code = Code(rawValue: message.code) else { throw .unknownType(message.code) }
        self = try MessageError.reading(message.body) { reader in
            var body = try reader.readList()
            let decoded: SyncMessage
            switch code {
            case .transactions, .blocks:
                var raws: [[UInt8]] = []
                while !body.isAtEnd { raws.append(Array(try body.readBytes())) }
                decoded = code == .transactions ? .transactions(raws) : .blocks(raws)
            case .status:
                decoded = .status(Status(height: try body.readUInt64(), headHash: try body.readHash()))
            case .getBlocks:
                let (from, count) = (try body.readUInt64(), try body.readUInt64())
                guard count >= 1, count <= Self.maxBlocksPerRequest else {
                    throw MessageError.malformed("getBlocks count \(count) outside 1…\(Self.maxBlocksPerRequest)")
                }
                decoded = .getBlocks(from: from, count: count)
            }
            try body.finish()
            return decoded
        }
    }
}
