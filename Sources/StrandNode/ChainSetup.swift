import Foundation
import StrandCrypto
import StrandPrimitives
import StrandTypes

/// `strand chain init`: a genesis listing the node's consensus key as the validator, the node's
/// key and config, and funded development accounts.
public struct ChainSetup {
    public var directory: String
    public var nodes = 1
    public var chainID: UInt64 = 20200
    public var rpcPort = 8545
    public var developmentAccounts = 0
    public var developmentBalance = UInt256(1_000_000_000_000_000_000) &* UInt256(1_000_000)
    public var funded: [Address: UInt256] = [:]

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
    }

    /// Writes everything; refuses a directory that already holds a chain.
    public func write() throws -> Written {
        let root = URL(fileURLWithPath: directory)
        let genesisURL = root.appendingPathComponent("genesis.json")
        guard !FileManager.default.fileExists(atPath: genesisURL.path) else {
            throw Failure(description: "\(genesisURL.path) exists: \(directory) already holds a chain")
        }
        guard nodes >= 1 else { throw Failure(description: "--nodes must be at least 1") }
        guard nodes == 1 else {
            throw Failure(description: "--nodes \(nodes): a chain of several nodes needs the P2P network, which is not built yet; use --nodes 1")
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

        var nodeKeys: [PrivateKey] = []
        var configs: [String] = []
        for index in 0..<nodes {
            let nodeDirectory = nodes == 1 ? root : root.appendingPathComponent("node\(index)")
            try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
            let key = PrivateKey.random()
            do { try KeyFile.write(key, to: nodeDirectory.appendingPathComponent("node.key").path) } catch {
                throw Failure(description: error.description)
            }
            nodeKeys.append(key)
            var config = NodeConfig(genesisPath: "", dataDirectory: "", keyPath: "")
            config.rpcPort = rpcPort + index
            let configURL = nodeDirectory.appendingPathComponent("node.toml")
            let text = "# Strand node configuration; see `strand node --help` for every setting.\n"
                + config.fileText(genesis: nodes == 1 ? "genesis.json" : "../genesis.json", data: "data", key: "node.key")
            try text.write(to: configURL, atomically: true, encoding: .utf8)
            configs.append(configURL.path)
        }

        var accounts: [Address: Genesis.Account] = funded.mapValues { Genesis.Account(balance: $0) }
        var development: [[String: String]] = []
        for _ in 0..<developmentAccounts {
            let key = PrivateKey.random()
            accounts[key.address, default: Genesis.Account()].balance = developmentBalance
            development.append(["address": key.address.description, "privateKey": Hex.encode(key.bytes)])
        }
        let validators = nodeKeys.map { CryptoSuite.secp256k1.nodeID(of: $0) }
        let genesis = Genesis(config: ChainConfig(chainID: chainID, validators: validators),
                              timestamp: SystemClock().wallMilliseconds(), accounts: accounts)
        try genesis.json.write(to: genesisURL, options: .atomic)

        var accountsPath: String?
        if developmentAccounts > 0 {
            let url = root.appendingPathComponent("accounts.json")
            let data = try JSONSerialization.data(withJSONObject: development, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: url, options: .atomic)
            chmod(url.path, 0o600)
            accountsPath = url.path
        }
        return Written(genesis: genesisURL.path, configs: configs, accounts: accountsPath, validators: validators)
    }
}
