import StrandCrypto
import StrandPrimitives
import StrandTypes

/// What nodes say to each other: typed, RLP-encoded, one per frame. The network moves these
/// between authenticated node IDs and knows nothing of what consensus or sync make of them.
///
/// A frame's payload is `rlp([type, body])`; an unknown type, a malformed body or trailing
/// bytes are the sender's fault (`MessageError`).
public enum NetworkMessage: Equatable, Sendable {
    /// The first message on a link, both ways: who is talking, on which chain.
    case hello(Hello)
    case ping(UInt64)
    case pong(UInt64)
    /// Raw transactions a peer's pool admitted (tx gossip).
    case transactions([[UInt8]])
    /// The sender's head: sent on every commit and once a second.
    case status(Status)
    /// Asks for up to `count` sealed blocks from `from` on.
    case getBlocks(from: UInt64, count: UInt64)
    /// Sealed blocks in order, each `Block.networkEncoding`.
    case blocks([[UInt8]])
    /// A consensus message, opaque here: consensus encodes, signs and checks it.
    case consensus([UInt8])

    public struct Hello: Equatable, Sendable {
        public var protocolVersion: UInt64
        public var chainID: UInt64
        public var genesisHash: Hash
        public var nodeID: NodeID

        public init(protocolVersion: UInt64 = NetworkMessage.protocolVersion, chainID: UInt64, genesisHash: Hash, nodeID: NodeID) {
            self.protocolVersion = protocolVersion
            self.chainID = chainID
            self.genesisHash = genesisHash
            self.nodeID = nodeID
        }
    }

    public struct Status: Equatable, Sendable {
        public var height: UInt64
        public var headHash: Hash

        public init(height: UInt64, headHash: Hash) {
            self.height = height
            self.headHash = headHash
        }
    }

    public static let protocolVersion: UInt64 = 1
    /// Most blocks one `getBlocks` may ask for.
    public static let maxBlocksPerRequest: UInt64 = 64

    enum TypeCode: UInt64 {
        case hello = 1, ping, pong, transactions, status, getBlocks, blocks, consensus
    }

    var typeCode: TypeCode {
        switch self {
        case .hello: .hello
        case .ping: .ping
        case .pong: .pong
        case .transactions: .transactions
        case .status: .status
        case .getBlocks: .getBlocks
        case .blocks: .blocks
        case .consensus: .consensus
        }
    }

    /// A short name for logs and metrics.
    public var name: String { "\(typeCode)" }

    public var encoded: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 64)
        encoder.appendList { list in
            list.append(typeCode.rawValue)
            switch self {
            case .hello(let hello):
                list.appendList { body in
                    body.append(hello.protocolVersion)
                    body.append(hello.chainID)
                    body.append(hello.genesisHash)
                    body.append(bytes: hello.nodeID.bytes)
                }
            case .ping(let nonce), .pong(let nonce): list.append(nonce)
            case .transactions(let raws), .blocks(let raws):
                list.appendList { items in for raw in raws { items.append(bytes: raw) } }
            case .status(let status):
                list.appendList { body in
                    body.append(status.height)
                    body.append(status.headHash)
                }
            case .getBlocks(let from, let count):
                list.appendList { body in
                    body.append(from)
                    body.append(count)
                }
            case .consensus(let bytes):
                list.append(bytes: bytes)
            }
        }
        return encoder.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(MessageError) -> NetworkMessage {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(MessageError) -> NetworkMessage in
                do {
                    var reader = RLPReader(buffer)
                    var list = try reader.readList()
                    let code = try list.readUInt64()
                    guard let type = TypeCode(rawValue: code) else { throw MessageError.unknownType(code) }
                    let message = try decodeBody(type, from: &list)
                    try list.finish()
                    try reader.finish()
                    return message
                } catch let error as MessageError {
                    throw error
                } catch {
                    throw MessageError.malformed("\(error)")
                }
            }
        }
        return try result.get()
    }

    private static func decodeBody(_ type: TypeCode, from list: inout RLPReader) throws -> NetworkMessage {
        switch type {
        case .hello:
            var body = try list.readList()
            let hello = Hello(protocolVersion: try body.readUInt64(), chainID: try body.readUInt64(), genesisHash: try body.readHash(),
                              nodeID: try NodeID(Array(try body.readBytes())))
            try body.finish()
            return .hello(hello)
        case .ping: return .ping(try list.readUInt64())
        case .pong: return .pong(try list.readUInt64())
        case .transactions, .blocks:
            var items = try list.readList()
            var raws: [[UInt8]] = []
            while !items.isAtEnd { raws.append(Array(try items.readBytes())) }
            return type == .transactions ? .transactions(raws) : .blocks(raws)
        case .status:
            var body = try list.readList()
            let status = Status(height: try body.readUInt64(), headHash: try body.readHash())
            try body.finish()
            return .status(status)
        case .getBlocks:
            var body = try list.readList()
            let (from, count) = (try body.readUInt64(), try body.readUInt64())
            try body.finish()
            guard count >= 1, count <= maxBlocksPerRequest else {
                throw MessageError.malformed("getBlocks count \(count) outside 1…\(maxBlocksPerRequest)")
            }
            return .getBlocks(from: from, count: count)
        case .consensus:
            return .consensus(Array(try list.readBytes()))
        }
    }
}

/// A message that cannot be read: always the sender's fault.
public enum MessageError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownType(UInt64)
    case malformed(String)

    public var description: String {
        switch self {
        case .unknownType(let code): "unknown message type \(code)"
        case .malformed(let detail): "malformed message: \(detail)"
        }
    }
}
