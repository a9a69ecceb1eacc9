import Foundation
import StrandCrypto
import StrandNetwork
import StrandNode
import StrandTypes

/// `strand chain add-node`: a new institution's node in a chain directory that `strand chain init`
/// wrote with several nodes. It gets a consensus key, a certificate from one of the directory's
/// agencies naming its node ID, and a config that lists every current node as a peer (they accept
/// it as any node the chain CA certified). It is no member until a governor adds it: it links, but
/// is served nothing until `strand gov add-observer` names it.
public struct NodeAddition {
    public var directory: String
    public var agency = 0
    /// Default: the host of the directory's last node.
    public var host: String?
    /// Defaults: one past the highest RPC and P2P ports of the directory's nodes.
    public var rpcPort: Int?
    public var p2pPort: Int?

    public init(directory: String) {
        self.directory = directory
    }

    public struct Added {
        public let name: String
        public let directory: String
        public let nodeID: NodeID
    }

    public func write() throws -> Added {
        let chain = try ChainDirectory(directory)
        let networked = chain.members.compactMap { member in member.config.network.map { (member, $0) } }
        guard !networked.isEmpty, let last = networked.last else {
            throw OperationsError("\(directory) is a one-node chain without a network; add-node needs a chain that `strand chain init --nodes N` (N ≥ 2) wrote")
        }
        let root = URL(fileURLWithPath: chain.path)
        let agencyDirectory = root.appendingPathComponent("agency\(agency)")
        guard FileManager.default.fileExists(atPath: agencyDirectory.appendingPathComponent("agency.key").path) else {
            throw OperationsError("\(agencyDirectory.path) holds no agency.key: --agency names one of the directory's agencies")
        }
        let index = (chain.members.compactMap { Int($0.name.dropFirst(4)) }.max() ?? -1) + 1
        let name = "node\(index)"
        let nodeDirectory = root.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: nodeDirectory.path) else { throw OperationsError("\(nodeDirectory.path) exists") }

        var peers: [NetworkConfig.Peer] = []
        for (member, network) in networked {
            guard let text = member.nodeID, let id = try? NodeID(hex: text) else {
                throw OperationsError("\(member.name): its key or the genesis is unreadable, so its node ID is unknown")
            }
            peers.append(NetworkConfig.Peer(nodeID: id, host: network.listenHost, port: network.listenPort))
        }
        let genesis = try Genesis(json: try Data(contentsOf: URL(fileURLWithPath: last.0.config.genesisPath)))
        let key = genesis.config.suite.newPrivateKey()
        let nodeID = genesis.config.suite.nodeID(of: key)

        try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
        try KeyFile.write(key, to: nodeDirectory.appendingPathComponent("node.key").path)
        let issuer = try ChainCertificates.Issued(certificateFile: agencyDirectory.appendingPathComponent("agency.crt").path,
                                                  keyFile: agencyDirectory.appendingPathComponent("agency.key").path)
        let certificate = try ChainCertificates.node(nodeID, name: name, agency: issuer)
        let agencyPEM = try String(contentsOf: agencyDirectory.appendingPathComponent("agency.crt"), encoding: .utf8)
        try ChainCertificates.write(certificate.certificatePEM + agencyPEM, to: nodeDirectory.appendingPathComponent("tls.crt").path, mode: 0o644)
        try ChainCertificates.write(certificate.keyPEM, to: nodeDirectory.appendingPathComponent("tls.key").path, mode: 0o600)

        var config = NodeConfig(genesisPath: "", dataDirectory: "", keyPath: "")
        let host = self.host ?? last.1.listenHost
        config.rpcHost = host
        config.rpcPort = rpcPort ?? (chain.members.map(\.config.rpcPort).max()! + 1)
        config.executorThreads = last.0.config.executorThreads
        config.network = NetworkConfig(
            listenHost: host, listenPort: p2pPort ?? (networked.map(\.1.listenPort).max()! + 1), peers: peers,
            tls: .init(chainCA: "../ca/ca.crt", certificateChain: "tls.crt", privateKey: "tls.key"))
        let text = "# Strand node configuration (added by `strand chain add-node`); see `strand node --help` for every setting.\n"
            + config.fileText(genesis: "../genesis.json", data: "data", key: "node.key")
        try text.write(to: nodeDirectory.appendingPathComponent("node.toml"), atomically: true, encoding: .utf8)
        return Added(name: name, directory: nodeDirectory.path, nodeID: nodeID)
    }
}
