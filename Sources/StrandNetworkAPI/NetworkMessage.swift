import StrandCrypto
import StrandPrimitives
import StrandTypes

/// What nodes say to each other: typed, RLP-encoded, one per frame. The network's own messages
/// (hello, ping, pong) it reads itself; the rest belong to the protocols above it (sync,
/// consensus, and the next: AMOP), which the network moves between authenticated node IDs as
/// `ProtocolMessage`s without reading them.
///
/// A frame's payload is `rlp([type, body])`; an unknown type, a malformed body or trailing
/// bytes are the sender's fault (`MessageError`): the network checks that a protocol's body is one
/// well-formed RLP item, the protocol checks the rest.
public enum NetworkMessage: Equatable, Sendable {
    /// The first message on a link, both ways: who is talking, on which chain.
    case hello(Hello)
    case ping(UInt64)
    case pong(UInt64)
    /// A message of a protocol above the network, opaque here.
    case subprotocol(ProtocolMessage)

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

    public static let protocolVersion: UInt64 = 1

    enum NetworkCode: UInt64 {
        case hello = 1, ping, pong
    }

    /// A short name for logs and metrics.
    public var name: String {
        switch self {
        case .hello: "hello"
        case .ping: "ping"
        case .pong: "pong"
        case .subprotocol(let message): "\(message.subprotocol) \(message.code)"
        }
    }

    public var encoded: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 64)
        encoder.appendList { list in
            switch self {
            case .hello(let hello):
                list.append(NetworkCode.hello.rawValue)
                list.appendList { body in
                    body.append(hello.protocolVersion)
                    body.append(hello.chainID)
                    body.append(hello.genesisHash)
                    body.append(bytes: hello.nodeID.bytes)
                }
            case .ping(let nonce):
                list.append(NetworkCode.ping.rawValue)
                list.append(nonce)
            case .pong(let nonce):
                list.append(NetworkCode.pong.rawValue)
                list.append(nonce)
            case .subprotocol(let message):
                list.append(message.code)
                list.append(encodedItem: message.body)
            }
        }
        return encoder.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(MessageError) -> NetworkMessage {
        try MessageError.reading(bytes) { reader in
            var list = try reader.readList()
            let code = try list.readUInt64()
            let message: NetworkMessage
            if let network = NetworkCode(rawValue: code) {
                message = try decodeBody(network, from: &list)
            } else if Subprotocol(code: code) != nil {
                message = .subprotocol(ProtocolMessage(uncheckedCode: code, body: Array(try list.readItem().encoding)))
            } else {
                throw MessageError.unknownType(code)
            }
            try list.finish()
            return message
        }
    }

    private static func decodeBody(_ code: NetworkCode, from list: inout RLPReader) throws -> NetworkMessage {
        switch code {
        case .hello:
            var body = try list.readList()
            let hello = Hello(protocolVersion: try body.readUInt64(), chainID: try body.readUInt64(), genesisHash: try body.readHash(),
                              nodeID: try NodeID(Array(try body.readBytes())))
            try body.finish()
            return .hello(hello)
        case .ping: return .ping(try list.readUInt64())
        case .pong: return .pong(try list.readUInt64())
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

    /// Runs `body` over `bytes`, which must hold exactly what it reads; any failure is the
    /// sender's, as a `MessageError` (one it threw itself is kept as it is).
    public static func reading<T>(_ bytes: [UInt8], _ body: (inout RLPReader) throws -> T) throws(MessageError) -> T {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(MessageError) -> T in
                do {
                    var reader = RLPReader(buffer)
                    let value = try body(&reader)
                    try reader.finish()
                    return value
                } catch let error as MessageError {
                    throw error
                } catch {
                    throw MessageError.malformed("\(error)")
                }
            }
        }
        return try result.get()
    }
}
