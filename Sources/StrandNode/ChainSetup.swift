import Foundation
import StrandChannel
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import StrandTypes

/// `strand chain init`: a genesis listing the validators by node ID; per node its consensus
/// key, its TLS certificate under an agency under the chain CA, and its config; and funded
/// development accounts. One node is a chain alone (no network); several are a full mesh.
public struct ChainSetup {
    public var directory: String
    public var nodes = 1
    /// How many of the nodes (the first ones) validate; the rest are observers. Nil: all.
    public var validators: Int?
    public var agencies = 1
    public var hosts = ["127.0.0.1"]
    public var chainID: UInt64 = 20200
    /// The chain's crypto suite: secp256k1 and Keccak-256, or 国密 (SM2 and SM3).
    public var suite: CryptoSuite = .secp256k1
    /// FISCO BCOS's group id, which FISCO clients name in every call and transaction.
    public var groupID: UInt64 = 1
    public var rpcPort = 8545
    public var p2pPort = 30300
    /// FISCO's channel port for node 0 (node K listens on it + K); none when nil.
    public var channelPort: Int?
    /// The largest block body, in bytes; a P2P frame must carry it (`FrameBudget`).
    public var maxBlockBytes = 32 << 20
    /// Most transactions in a block.
    public var maxBlockTransactions = 10_000
    public var developmentAccounts = 0
    public var developmentBalance = UInt256(1_000_000_000_000_000_000) &* UInt256(1_000_000)
    public var funded: [Address: UInt256] = [:]
    /// Who may call the system contracts; empty: the first development account, if any.
    public var governors: [Address] = []

    public init(directory: String) {
        self.directory = directory
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// What was written, for the user.
    public struct Written {
        public var genesis: String
        public var configs: [String]
        public var accounts: String?
        public var validators: [NodeID]
        public var observers: [NodeID]
        public var governors: [Address]
    }

    /// Writes everything; refuses a directory that already holds a chain.
    public func write() throws -> Written {
        let root = URL(fileURLWithPath: directory)
        let genesisURL = root.appendingPathComponent("genesis.json")
        guard !FileManager.default.fileExists(atPath: genesisURL.path) else {
            throw Failure(description: "\(genesisURL.path) exists: \(directory) already holds a chain")
        }
        let validatorCount = validators ?? nodes
        guard nodes >= 1 else { throw Failure(description: "--nodes must be at least 1") }
        guard (1...nodes).contains(validatorCount) else { throw Failure(description: "--validators must be 1 to --nodes (\(nodes))") }
        guard (1...nodes).contains(agencies) else { throw Failure(description: "--agencies must be 1 to --nodes (\(nodes))") }
        guard !hosts.isEmpty else { throw Failure(description: "--hosts needs at least one address") }
        guard maxBlockBytes >= 1024, maxBlockBytes <= FrameBudget.largestBlockBytes() else {
            throw Failure(description: """
                --max-block-bytes must be 1024 to \(FrameBudget.largestBlockBytes()): a block must fit in a P2P frame \
                (\(NetworkConfig.defaultMaxFrameBytes) bytes) with the consensus message around it
                """)
        }
        guard maxBlockTransactions >= 1 else { throw Failure(description: "--max-block-txs must be at least 1") }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

        let keys = (0..<nodes).map { _ in suite.newPrivateKey() }
        let ids = keys.map { suite.nodeID(of: $0) }
        let alone = nodes == 1
        let authorities = alone && channelPort == nil ? nil : try writeAuthorities(root: root)
        let tls = alone ? nil : try writeNodeCertificates(root: root, ids: ids, authorities: authorities!)
        var configs: [String] = []
        for index in 0..<nodes {
            let nodeDirectory = alone ? root : root.appendingPathComponent("node\(index)")
            try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
            do { try KeyFile.write(keys[index], to: nodeDirectory.appendingPathComponent("node.key").path) } catch {
                throw Failure(description: error.description)
            }
            var config = NodeConfig(genesisPath: "", dataDirectory: "", keyPath: "")
            let host = hosts[index % hosts.count]
            config.rpcHost = host
            config.rpcPort = rpcPort + index
            // Nodes that share a host share its cores: each sized to all of them would run
            // several times more threads than cores (docs/benchmarks-history.md, issue 16, side by side).
            let sharing = (0..<nodes).filter { hosts[$0 % hosts.count] == host }.count
            if sharing > 1 { config.executorThreads = max(1, WorkerThreads.availableCores / sharing) }
            if let tls {
                config.network = NetworkConfig(
                    listenHost: host, listenPort: p2pPort + index,
                    peers: (0..<nodes).filter { $0 != index }.map {
                        NetworkConfig.Peer(nodeID: ids[$0], host: hosts[$0 % hosts.count], port: p2pPort + $0)
                    },
                    tls: tls[index])
            }
            if let channelPort, let authorities {
                config.channel = try writeChannelFiles(nodeDirectory, name: "node\(index)", host: host, port: channelPort + index,
                                                       agency: authorities.agencies[index % agencies],
                                                       chainCA: authorities.chainCA, caPath: alone ? "ca/ca.crt" : "../ca/ca.crt")
            }
            let configURL = nodeDirectory.appendingPathComponent("node.toml")
            let role = index < validatorCount ? "validator" : "observer"
            let text = "# Strand node configuration (\(role)); see `strand node --help` for every setting.\n"
                + config.fileText(genesis: alone ? "genesis.json" : "../genesis.json", data: "data", key: "node.key")
            try text.write(to: configURL, atomically: true, encoding: .utf8)
            configs.append(configURL.path)
        }

        var accounts: [Address: Genesis.Account] = funded.mapValues { Genesis.Account(balance: $0) }
        var development: [[String: String]] = []
        for _ in 0..<developmentAccounts {
            let key = suite.newPrivateKey()
            let address = suite.address(of: key)
            accounts[address, default: Genesis.Account()].balance = developmentBalance
            development.append(["address": address.description, "privateKey": Hex.encode(key.bytes)])
        }
        let validatorIDs = Array(ids.prefix(validatorCount))
        let chain = ChainConfig(chainID: chainID, suite: suite, validators: validatorIDs, maxBlockTransactions: maxBlockTransactions,
                                maxBlockBytes: maxBlockBytes, groupID: groupID)
        let firstDevelopmentAccount = development.first.flatMap { try? Address(hex: $0["address"]!) }
        let governors = self.governors.isEmpty ? firstDevelopmentAccount.map { [$0] } ?? [] : self.governors
        let genesis = Genesis(config: chain, timestamp: SystemClock().wallMilliseconds(), accounts: accounts, governors: governors,
                              observers: Array(ids.dropFirst(validatorCount)))
        try genesis.json.write(to: genesisURL, options: .atomic)

        var accountsPath: String?
        if developmentAccounts > 0 {
            let url = root.appendingPathComponent("accounts.json")
            let data = try JSONSerialization.data(withJSONObject: development, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: url, options: .atomic)
            chmod(url.path, 0o600)
            accountsPath = url.path
        }
        return Written(genesis: genesisURL.path, configs: configs, accounts: accountsPath, validators: validatorIDs,
                       observers: Array(ids.dropFirst(validatorCount)), governors: governors)
    }

    /// ca/ca.crt and ca.key, agencyK/agency.crt and agency.key.
    private func writeAuthorities(root: URL) throws -> (chainCA: ChainCertificates.Issued, agencies: [ChainCertificates.Issued]) {
        let caDirectory = root.appendingPathComponent("ca")
        try FileManager.default.createDirectory(at: caDirectory, withIntermediateDirectories: true)
        let chainCA = try ChainCertificates.chainCA(name: "chain \(chainID)")
        try ChainCertificates.write(chainCA.certificatePEM, to: caDirectory.appendingPathComponent("ca.crt").path, mode: 0o644)
        try ChainCertificates.write(chainCA.keyPEM, to: caDirectory.appendingPathComponent("ca.key").path, mode: 0o600)
        var agencyCAs: [ChainCertificates.Issued] = []
        for index in 0..<agencies {
            let agencyDirectory = root.appendingPathComponent("agency\(index)")
            try FileManager.default.createDirectory(at: agencyDirectory, withIntermediateDirectories: true)
            let agency = try ChainCertificates.agency(name: "agency\(index)", issuer: chainCA)
            try ChainCertificates.write(agency.certificatePEM, to: agencyDirectory.appendingPathComponent("agency.crt").path, mode: 0o644)
            try ChainCertificates.write(agency.keyPEM, to: agencyDirectory.appendingPathComponent("agency.key").path, mode: 0o600)
            agencyCAs.append(agency)
        }
        return (chainCA, agencyCAs)
    }

    /// Each node's tls.crt (node, then agency) and tls.key; returns each node's TLS files,
    /// relative to its directory.
    private func writeNodeCertificates(root: URL, ids: [NodeID], authorities: (chainCA: ChainCertificates.Issued, agencies: [ChainCertificates.Issued])) throws
        -> [NetworkConfig.TLSFiles] {
        try ids.enumerated().map { index, id in
            let nodeDirectory = root.appendingPathComponent("node\(index)")
            try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
            let agency = authorities.agencies[index % agencies]
            let certificate = try ChainCertificates.node(id, name: "node\(index)", agency: agency)
            try ChainCertificates.write(certificate.certificatePEM + agency.certificatePEM,
                                        to: nodeDirectory.appendingPathComponent("tls.crt").path, mode: 0o644)
            try ChainCertificates.write(certificate.keyPEM, to: nodeDirectory.appendingPathComponent("tls.key").path, mode: 0o600)
            return NetworkConfig.TLSFiles(chainCA: "../ca/ca.crt", certificateChain: "tls.crt", privateKey: "tls.key")
        }
    }

    /// The channel port's files, as FISCO's build_chain.sh lays them out: the node's channel.crt
    /// and channel.key, and sdk/ with ca.crt, sdk.crt and sdk.key for an SDK (all secp256k1 under
    /// the node's agency).
    private func writeChannelFiles(_ nodeDirectory: URL, name: String, host: String, port: Int, agency: ChainCertificates.Issued,
                                   chainCA: ChainCertificates.Issued, caPath: String) throws -> NodeConfig.ChannelConfig {
        let organization = "agency of \(name)"
        let channel = try ChannelCertificates.issue(commonName: name, organization: organization, issuerCertificatePEM: agency.certificatePEM,
                                                    issuerKeyPEM: agency.keyPEM, days: 3_650)
        try ChainCertificates.write(channel.certificateChainPEM, to: nodeDirectory.appendingPathComponent("channel.crt").path, mode: 0o644)
        try ChainCertificates.write(channel.keyPEM, to: nodeDirectory.appendingPathComponent("channel.key").path, mode: 0o600)
        try ChannelCertificates.writeSDKDirectory(nodeDirectory.appendingPathComponent("sdk").path, name: "sdk of \(name)",
                                                  agency: (agency.certificatePEM, agency.keyPEM), chainCAPEM: chainCA.certificatePEM)
        return NodeConfig.ChannelConfig(listenHost: host, listenPort: port, chainCA: caPath, certificateChain: "channel.crt",
                                        privateKey: "channel.key")
    }
}
