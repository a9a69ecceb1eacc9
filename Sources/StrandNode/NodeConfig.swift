import Foundation
import StrandConsensus
import StrandCrypto
import StrandTypes
import StrandNetwork
import StrandStorage

/// Everything a node needs to run, read from `node.toml`. Relative paths are relative to
/// the file's directory.
public struct NodeConfig: Sendable {
    public var genesisPath: String
    public var dataDirectory: String
    public var keyPath: String
    public var rpcHost = "127.0.0.1"
    public var rpcPort = 8545
    public var rpcMaxBodyBytes = 16 << 20
    /// The block browser on the RPC port (`GET /`).
    public var browser = true
    public var sealing = SealingPolicy()
    /// Executor threads; 0 means one per core.
    public var executorThreads = 0
    public var durability = LMDBOptions.Durability.durable
    public var mapSizeMiB = 64 * 1024
    public var poolCapacity = 200_000
    public var maxNonceGap: UInt64 = 64
    public var feesEnabled = false
    /// Execute block N+1 while block N commits.
    public var pipelining = true
    /// The P2P network; nil for a node alone (a one-node chain).
    public var network: NetworkConfig?
    /// FISCO's channel port for its SDKs, when set.
    public var channel: ChannelConfig?

    /// Where the channel port listens and the files of its TLS (paths as the config gives them
    /// until read, then resolved against the config's directory).
    public struct ChannelConfig: Sendable, Equatable {
        public var listenHost: String
        public var listenPort: Int
        /// The chain CA's certificate: SDK certificates must chain to it.
        public var chainCA: String
        /// The node's channel certificate (secp256k1), then its agency's.
        public var certificateChain: String
        public var privateKey: String

        public init(listenHost: String, listenPort: Int, chainCA: String, certificateChain: String, privateKey: String) {
            self.listenHost = listenHost
            self.listenPort = listenPort
            self.chainCA = chainCA
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }
    /// A proxy around the links PBFT sends through, for fault tests only: never read from
    /// node.toml, set by the `strand-dev` executable (which `strand` is not); its name shows in
    /// the startup line.
    public var consensusProxy: (name: String, wrap: ConsensusMessengerProxy)?

    public init(genesisPath: String, dataDirectory: String, keyPath: String) {
        self.genesisPath = genesisPath
        self.dataDirectory = dataDirectory
        self.keyPath = keyPath
    }

    /// Every key the file may set, with what it means: `strand node --help` and
    /// `strand chain init` use the same list.
    public static let keys: [(name: String, meaning: String)] = [
        ("chain.genesis", "genesis JSON file"),
        ("node.data", "ledger data directory"),
        ("node.key", "the node's private key file"),
        ("rpc.host", "JSON-RPC listen address (default 127.0.0.1)"),
        ("rpc.port", "JSON-RPC port (default 8545)"),
        ("channel.listen_port", "FISCO's channel port for its SDKs (TLS 1.2, secp256k1); without it there is none"),
        ("channel.listen_host", "the channel port's listen address (default 127.0.0.1)"),
        ("channel.ca", "the chain CA certificate (PEM) that SDK certificates chain to"),
        ("channel.cert", "this node's channel certificate chain (PEM, secp256k1: node, then agency)"),
        ("channel.key", "this node's channel private key (PEM, secp256k1)"),
        ("rpc.max_body_bytes", "largest request body (default 16 MiB)"),
        ("rpc.browser", "serve the block browser at GET / on the RPC port (default true)"),
        ("sealer.max_block_txs", "seal when this many transactions are ready (default 4000; fewer if the block gas limit is reached first)"),
        ("sealer.block_interval_ms", "seal what is ready after this long since the last block (default 200)"),
        ("sealer.skip_empty_blocks", "seal no empty blocks (default true)"),
        ("sealer.pipelining", "execute the next block while the previous one commits (default true)"),
        ("executor.threads", "block executor threads, 0 = one per core (default 0)"),
        ("storage.unsafe_no_sync", "UNSAFE: skip fsync on commit, for benchmarks only (default false)"),
        ("storage.map_size_mib", "largest ledger size in MiB (default 65536)"),
        ("pool.capacity", "most pending transactions (default 200000)"),
        ("pool.max_nonce_gap", "how far ahead of the account nonce a transaction may be (default 64)"),
        ("fees.enabled", "charge gas × price and pay it to the sealer (default false)"),
        ("p2p.listen_host", "P2P listen address, also the address this node dials from (default 127.0.0.1)"),
        ("p2p.listen_port", "P2P port; without it the node runs alone"),
        ("p2p.peers", "the other nodes, comma-separated NODEID@HOST:PORT; they and the validators are the members admitted"),
        ("p2p.ca", "the chain CA certificate (PEM), the only root trusted for peers"),
        ("p2p.cert", "this node's TLS certificate chain (PEM: node, then agency)"),
        ("p2p.key", "this node's TLS private key (PEM, P-256)"),
        ("p2p.revoked", "revoked node IDs, comma-separated (FISCO's certificate blacklist): refused at the handshake; SIGHUP rereads it and cuts their links at once"),
        ("p2p.crl", "the chain CA's certificate revocation list (PEM, `strand cert revoke`): its certificates refused at the handshake; SIGHUP rereads it and cuts their links at once"),
    ]

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads and checks a config file.
    public init(file path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Invalid(description: "cannot read config file \(path)")
        }
        let file: ConfigFile
        do { file = try ConfigFile(parsing: text) } catch { throw Invalid(description: "\(path): \(error)") }
        let known = Set(Self.keys.map(\.name))
        if let unknown = file.values.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(description: "\(path): unknown setting \(unknown)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ name: String) throws -> String {
            guard let value = file.string(name) else { throw Invalid(description: "\(path): \(name) is required") }
            return value.hasPrefix("/") ? value : base.appendingPathComponent(value).path
        }
        func positive(_ name: String, _ fallback: Int) throws -> Int {
            guard let value = file.integer(name) else {
                if file.values[name] != nil { throw Invalid(description: "\(path): \(name) must be an integer") }
                return fallback
            }
            guard value > 0 else { throw Invalid(description: "\(path): \(name) must be positive") }
            return value
        }
        self.init(genesisPath: try resolve("chain.genesis"), dataDirectory: try resolve("node.data"), keyPath: try resolve("node.key"))
        rpcHost = file.string("rpc.host") ?? rpcHost
        rpcPort = try positive("rpc.port", rpcPort)
        guard rpcPort < 65_536 else { throw Invalid(description: "\(path): rpc.port must be below 65536") }
        rpcMaxBodyBytes = try positive("rpc.max_body_bytes", rpcMaxBodyBytes)
        browser = file.boolean("rpc.browser") ?? true
        sealing = SealingPolicy(
            maxBlockTransactions: try positive("sealer.max_block_txs", sealing.maxBlockTransactions),
            blockInterval: .milliseconds(try positive("sealer.block_interval_ms", Int(SealingPolicy.defaultBlockInterval / .milliseconds(1)))),
            skipEmptyBlocks: file.boolean("sealer.skip_empty_blocks") ?? true)
        pipelining = file.boolean("sealer.pipelining") ?? true
        executorThreads = file.integer("executor.threads") ?? 0
        guard executorThreads >= 0 else { throw Invalid(description: "\(path): executor.threads must not be negative") }
        durability = file.boolean("storage.unsafe_no_sync") == true ? .unsafeNoSync : .durable
        mapSizeMiB = try positive("storage.map_size_mib", mapSizeMiB)
        poolCapacity = try positive("pool.capacity", poolCapacity)
        maxNonceGap = UInt64(try positive("pool.max_nonce_gap", Int(maxNonceGap)))
        feesEnabled = file.boolean("fees.enabled") ?? false
        if let port = file.integer("channel.listen_port") {
            guard (1..<65_536).contains(port) else { throw Invalid(description: "\(path): channel.listen_port must be 1 to 65535") }
            channel = ChannelConfig(listenHost: file.string("channel.listen_host") ?? "127.0.0.1", listenPort: port,
                                    chainCA: try resolve("channel.ca"), certificateChain: try resolve("channel.cert"),
                                    privateKey: try resolve("channel.key"))
        } else if let stray = ["channel.listen_host", "channel.ca", "channel.cert", "channel.key"].first(where: { file.values[$0] != nil }) {
            throw Invalid(description: "\(path): \(stray) is set but channel.listen_port is not")
        }
        if let port = file.integer("p2p.listen_port") {
            guard (1..<65_536).contains(port) else { throw Invalid(description: "\(path): p2p.listen_port must be 1 to 65535") }
            /// The items of a comma-separated setting, each parsed by `parse`.
            func list<T>(_ key: String, _ parse: (String) throws -> T) throws -> [T] {
                try (file.string(key) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { text in
                    do { return try parse(text) } catch { throw Invalid(description: "\(path): \(key): \(text.prefix(24))…: \(error)") }
                }
            }
            network = NetworkConfig(
                listenHost: file.string("p2p.listen_host") ?? "127.0.0.1", listenPort: port, peers: try list("p2p.peers", NetworkConfig.Peer.init(parsing:)),
                tls: .init(chainCA: try resolve("p2p.ca"), certificateChain: try resolve("p2p.cert"), privateKey: try resolve("p2p.key")))
            network?.revoked = Set(try list("p2p.revoked") { try NodeID(hex: $0) })
            if file.values["p2p.crl"] != nil {
                let crl = try resolve("p2p.crl")
                network?.tls.revocationList = crl
                network?.revokedCertificates = try Self.revocationList(at: crl, caFile: try resolve("p2p.ca"), config: path)
            }
        } else if let stray = ["p2p.peers", "p2p.ca", "p2p.cert", "p2p.key", "p2p.revoked", "p2p.crl"].first(where: { file.values[$0] != nil }) {
            throw Invalid(description: "\(path): \(stray) is set but p2p.listen_port is not")
        }
    }

    /// The list at `path`, checked against the chain CA in `caFile`.
    static func revocationList(at path: String, caFile: String, config: String) throws -> CertificateRevocationList {
        do {
            return try CertificateRevocationList(pem: String(contentsOfFile: path, encoding: .utf8), caPEM: String(contentsOfFile: caFile, encoding: .utf8))
        } catch {
            throw Invalid(description: "\(config): p2p.crl \(path): \(error)")
        }
    }

    /// The config file's text for these settings, paths as given.
    public func fileText(genesis: String, data: String, key: String) -> String {
        var values: [String: ConfigFile.Value] = [
            "chain.genesis": .string(genesis), "node.data": .string(data), "node.key": .string(key),
            "rpc.host": .string(rpcHost), "rpc.port": .integer(rpcPort),
            "sealer.max_block_txs": .integer(sealing.maxBlockTransactions),
            "sealer.block_interval_ms": .integer(Int(sealing.blockInterval.components.seconds * 1000
                + sealing.blockInterval.components.attoseconds / 1_000_000_000_000_000)),
            "sealer.skip_empty_blocks": .boolean(sealing.skipEmptyBlocks),
            "executor.threads": .integer(executorThreads),
            "storage.unsafe_no_sync": .boolean(durability == .unsafeNoSync),
        ]
        if let channel {
            values["channel.listen_host"] = .string(channel.listenHost)
            values["channel.listen_port"] = .integer(channel.listenPort)
            values["channel.ca"] = .string(channel.chainCA)
            values["channel.cert"] = .string(channel.certificateChain)
            values["channel.key"] = .string(channel.privateKey)
        }
        if let network {
            values["p2p.listen_host"] = .string(network.listenHost)
            values["p2p.listen_port"] = .integer(network.listenPort)
            values["p2p.peers"] = .string(network.peers.map(\.description).joined(separator: ","))
            values["p2p.ca"] = .string(network.tls.chainCA)
            values["p2p.cert"] = .string(network.tls.certificateChain)
            values["p2p.key"] = .string(network.tls.privateKey)
            if let crl = network.tls.revocationList { values["p2p.crl"] = .string(crl) }
            if !network.revoked.isEmpty { values["p2p.revoked"] = .string(network.revoked.map(\.description).sorted().joined(separator: ",")) }
        }
        return ConfigFile(values: values).text
    }
}

/// Wraps the messenger a validator's PBFT host sends through: the links, the chain, the node's key.
public typealias ConsensusMessengerProxy = @Sendable (any PeerMessenger, ChainConfig, PrivateKey) -> any PeerMessenger
