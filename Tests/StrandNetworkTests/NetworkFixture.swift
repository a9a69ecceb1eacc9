import Foundation
import Logging
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import Synchronization

/// Certificates in a temporary directory and networks on loopback for the link tests.
final class NetworkFixture {
    let directory: URL
    let chainCA: ChainCertificates.Issued
    let agency: ChainCertificates.Issued
    static let chainID: UInt64 = 7
    static let genesisHash = Keccak256.hash(Array("network fixture".utf8))

    struct Identity {
        let nodeID: NodeID
        let tls: NetworkConfig.TLSFiles
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-net-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        chainCA = try ChainCertificates.chainCA(name: "test chain")
        agency = try ChainCertificates.agency(name: "Bank A", issuer: chainCA)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A node's TLS files: its certificate under `agency` (or another CA's), trusting `trust`.
    func identity(_ name: String, agency issuer: ChainCertificates.Issued? = nil, trust: ChainCertificates.Issued? = nil,
                  validFor validity: TimeInterval = 3600, now: Date = Date()) throws -> Identity {
        let nodeID = NodeID(PrivateKey.random().publicKey)
        let agency = issuer ?? self.agency
        let node = try ChainCertificates.node(nodeID, name: name, agency: agency, validFor: validity, now: now)
        let base = directory.appendingPathComponent(name + "-" + UUID().uuidString.prefix(6))
        let files = NetworkConfig.TLSFiles(chainCA: base.path + ".ca.pem", certificateChain: base.path + ".chain.pem",
                                           privateKey: base.path + ".key.pem")
        try ChainCertificates.write((trust ?? chainCA).certificatePEM, to: files.chainCA, mode: 0o644)
        try ChainCertificates.write(node.certificatePEM + agency.certificatePEM, to: files.certificateChain, mode: 0o644)
        try ChainCertificates.write(node.keyPEM, to: files.privateKey, mode: 0o600)
        return Identity(nodeID: nodeID, tls: files)
    }

    /// A started network for `identity` on 127.0.0.1, with an inbox that records what it hears.
    func start(_ identity: Identity, port: Int = 0, peers: [NetworkConfig.Peer] = [], members: Set<NodeID>) throws
        -> (network: Network, port: Int, inbox: Inbox) {
        var config = NetworkConfig(listenHost: "127.0.0.1", listenPort: port, peers: peers, tls: identity.tls)
        config.heartbeatInterval = .milliseconds(200)
        config.deadAfter = .seconds(2)
        config.helloWithin = .seconds(2)
        config.reconnectBackoff = (.milliseconds(100), .milliseconds(400))
        var logger = Logger(label: "net-test")
        logger.logLevel = .critical
        let inbox = Inbox()
        let network = try Network(config: config, nodeID: identity.nodeID, chainID: Self.chainID, genesisHash: Self.genesisHash,
                                  members: members, logger: logger)
        let address = try network.start(onMessage: { inbox.add($0, from: $1) })
        return (network, address.port!, inbox)
    }

    /// Waits until `condition` holds, up to `seconds`.
    static func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

final class Inbox: Sendable {
    private let received = Mutex<[(NetworkMessage, NodeID)]>([])
    func add(_ message: NetworkMessage, from peer: NodeID) { received.withLock { $0.append((message, peer)) } }
    var messages: [(NetworkMessage, NodeID)] { received.withLock { $0 } }
}
