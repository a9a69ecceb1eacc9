import Foundation
import StrandCrypto
import StrandPrimitives

/// Where a node listens, whom it dials, what it presents and whom it admits.
public struct NetworkConfig: Sendable {
    public struct Peer: Sendable, Equatable {
        public var nodeID: NodeID
        public var host: String
        public var port: Int

        public init(nodeID: NodeID, host: String, port: Int) {
            self.nodeID = nodeID
            self.host = host
            self.port = port
        }

        /// `NODEID@HOST:PORT`, as node.toml lists peers.
        public init(parsing text: some StringProtocol) throws(NetworkConfigError) {
            let parts = text.split(separator: "@", maxSplits: 1)
            guard parts.count == 2, let colon = parts[1].lastIndex(of: ":"),
                  let port = Int(parts[1][parts[1].index(after: colon)...]), (1..<65_536).contains(port) else {
                throw NetworkConfigError("peer \(text.prefix(40))… must be NODEID@HOST:PORT")
            }
            do { nodeID = try NodeID(hex: parts[0]) } catch { throw NetworkConfigError("peer \(text.prefix(20))…: \(error)") }
            host = String(parts[1][..<colon])
            self.port = port
        }

        public var description: String { "\(nodeID)@\(host):\(port)" }
    }

    /// PEM files: the chain CA (the only trust root), this node's certificate chain (node, then
    /// agency) and its TLS private key.
    public struct TLSFiles: Sendable {
        public var chainCA: String
        public var certificateChain: String
        public var privateKey: String
        /// The chain CA's revocation list, when the node follows one.
        public var revocationList: String?

        public init(chainCA: String, certificateChain: String, privateKey: String) {
            self.chainCA = chainCA
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public var listenHost: String
    public var listenPort: Int
    public var peers: [Peer]
    public var tls: TLSFiles
    /// Node IDs refused at the handshake whatever their certificate says (FISCO's certificate blacklist).
    public var revoked: Set<NodeID> = []
    /// Certificates the chain CA revoked (`p2p.crl`), refused at the handshake.
    public var revokedCertificates = CertificateRevocationList()
    /// Largest frame accepted; a sealed block of the chain's largest size must fit, with the
    /// consensus message around it (`FrameBudget` in StrandNode checks chains against it).
    public var maxFrameBytes = NetworkConfig.defaultMaxFrameBytes
    public static let defaultMaxFrameBytes = 48 << 20
    /// Messages queued to one peer beyond which new ones are dropped (and counted).
    public var maxQueuedMessages = 4_096
    public var heartbeatInterval: Duration = .seconds(1)
    /// A link that has heard nothing for this long is dead.
    public var deadAfter: Duration = .seconds(6)
    /// How long a new link may take to show a certificate and a hello.
    public var helloWithin: Duration = .seconds(5)
    /// Reconnection back-off: first wait and longest wait.
    public var reconnectBackoff: (first: Duration, longest: Duration) = (.milliseconds(500), .seconds(10))

    public init(listenHost: String, listenPort: Int, peers: [Peer], tls: TLSFiles) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.peers = peers
        self.tls = tls
    }
}

public struct NetworkConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
