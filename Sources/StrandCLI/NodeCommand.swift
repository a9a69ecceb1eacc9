import ArgumentParser
import Dispatch
import Foundation
import Logging
import StrandCrypto
import StrandNode
import StrandOperations
import StrandPrimitives
import Synchronization

struct NodeCommand: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "node",
        abstract: "Run a node.",
        discussion: """
            Reads FILE (written by `strand chain init`), opens or creates the ledger, and serves \
            JSON-RPC (eth_* and FISCO BCOS 2.x's dialect) and GET /metrics. The chain's one \
            validator seals blocks from the pool alone; on a chain of several, validators agree by \
            PBFT over the P2P network and observers follow by sync. One node per data \
            directory: a second one is refused, naming the first one's pid. If the ledger \
            cannot commit (a full disk), the block is retried and new transactions are refused \
            until it can. SIGINT or SIGTERM stops it: the block in progress is committed whole \
            and the ledger closed. It logs to standard error (the journal, under systemd) or, with \
            --log-file, to a file that SIGHUP reopens (for logrotate); GET /health on the RPC port \
            answers 200 when the node can serve, else 503 with the reason.

            Settings of node.toml (section.key):
            \(NodeConfig.keys.map { "  \($0.name): \($0.meaning)" }.joined(separator: "\n"))
            \(NodeFaultSwitches.installed.map { "\n" + $0.help } ?? "")
            """
    ) }

    @Option(name: .long, help: "The node's config file (node.toml).")
    var config: String

    @Option(name: .customLong("rpc-port"), help: "Override rpc.port.")
    var rpcPort: Int?

    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "LEVEL or LEVEL,MODULE=LEVEL,…: trace, debug, info, notice, warning, error or critical, for every module or per module.",
        discussion: "Modules: \(LogLevels.moduleNames.joined(separator: ", ")). Example: info,consensus=debug,rpc=warning."))
    var logLevel: String = "info"

    @Option(name: .customLong("log-file"), help: "Append the log to FILE instead of standard error (the journal under systemd); SIGHUP reopens it (for logrotate).")
    var logFile: String?

    @Option(name: .customLong("log-max-mib"), help: "With --log-file: rotate it once it passes this many MiB (FILE.1, FILE.2, …).")
    var logMaxMiB: Int?

    @Option(name: .customLong("log-keep"), help: "With --log-max-mib: how many rotated files to keep.")
    var logKeep: Int = 5

    func validate() throws {
        if let logMaxMiB, logMaxMiB < 1 { throw ValidationError("--log-max-mib must be at least 1") }
        if logMaxMiB != nil && logFile == nil { throw ValidationError("--log-max-mib needs --log-file") }
        guard (1...100).contains(logKeep) else { throw ValidationError("--log-keep must be 1 to 100") }
    }

    func run() throws {
        try reportingErrors {
            let levels = try LogLevels(logLevel)
            let sink = try logFile.map { try LogFile(path: $0, maxBytes: logMaxMiB.map { $0 << 20 }, keep: logKeep) } ?? LogFile()
            LoggingSystem.bootstrap { label in NodeLogHandler(label: label, sink: sink, levels: levels) }
            let running = Mutex<Node?>(nil)
            let reopen = Self.onSignal(SIGHUP) { [config] in
                if let path = sink.path {
                    sink.reopen()
                    Logger(label: "strand").info("log file reopened (SIGHUP): \(path)")
                }
                guard let node = running.withLock({ $0 }) else { return }
                do {
                    let network = try NodeConfig(file: config).network
                    let (revoked, certificates) = (network?.revoked ?? [], network?.revokedCertificates ?? .init())
                    node.revoke(revoked, certificates: certificates)
                    Logger(label: "strand").info(
                        "p2p.revoked and p2p.crl reread (SIGHUP): \(revoked.count) node(s), \(certificates.serials.count) certificate(s) revoked")
                } catch {
                    Logger(label: "strand").error("SIGHUP: cannot reread \(config): \(error); revocations unchanged")
                }
            }
            var settings = try NodeConfig(file: config)
            if let rpcPort { settings.rpcPort = rpcPort }
            if settings.durability == .unsafeNoSync {
                printToStandardError("warning: storage.unsafe_no_sync is on: UNSAFE, a power loss may lose recent blocks")
            }
            let clock = try NodeFaultSwitches.installed?.apply(&settings) ?? SystemClock()
            let node = try Node(config: settings, clock: clock, logger: Logger(label: "strand"))
            try node.start()
            running.withLock { $0 = node }
            waitForTerminationSignal()
            node.stop()
            withExtendedLifetime(reopen) {}
        }
    }

    /// Runs `action` on a Dispatch queue each time `signalNumber` arrives; keep the source alive.
    private static func onSignal(_ signalNumber: Int32, _ action: @escaping @Sendable () -> Void) -> DispatchSourceSignal {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
        return source
    }

    /// Blocks until SIGINT or SIGTERM arrives.
    private func waitForTerminationSignal() {
        let done = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { Self.onSignal($0) { done.signal() } }
        done.wait()
        withExtendedLifetime(sources) {}
    }
}

struct ChainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "Set up a chain, and start, stop and inspect its nodes.",
        subcommands: [Init.self, AddNode.self, Start.self, Stop.self, Status.self, Revoke.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a chain: genesis, per-node keys, certificates and configs, funded development accounts.",
            discussion: """
                One node (--nodes 1): DIR/genesis.json (its config lists the node's consensus key \
                as the one validator, by node ID), DIR/node.toml and DIR/node.key (0600); no network.

                Several: DIR/ca/ (the chain CA: ca.crt, ca.key 0600), DIR/agencyK/ (agency CAs under \
                it), DIR/nodeK/ per node (node.key: its consensus key; tls.crt: its certificate, \
                naming its node ID, then its agency's; tls.key; node.toml with every other node as a \
                peer), DIR/genesis.json listing the first --validators nodes as validators (they agree \
                on blocks by PBFT, safe with f = (V - 1) / 3 of them faulty; one validator seals \
                alone), the rest observers that follow. Node K listens for RPC on --rpc-port + K and \
                for P2P on --p2p-port + K, on host --hosts[K mod count]; nodes that share a host get \
                executor.threads = cores / nodes on it, so that they share its cores. Start the nodes \
                with `strand chain start --dir DIR`.

                Each node's directory also gets a systemd unit, strand-nodeK.service (strand-node.service \
                for one node), that runs it with this strand binary: restart on failure, a file-descriptor \
                limit, SIGTERM with a stop timeout, logs to the journal (README, "Running nodes as services").

                With --accounts N, DIR/accounts.json lists N funded development accounts with their \
                private keys (0600): for development only.
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Option(help: "Number of nodes.")
        var nodes: Int = 1

        @Option(help: "How many of the nodes validate (default all); the others observe.")
        var validators: Int?

        @Option(help: "Agencies (institutions) issuing the nodes' certificates, round-robin.")
        var agencies: Int = 1

        @Option(help: "Comma-separated host addresses, node K on host K mod count.")
        var hosts: String = "127.0.0.1"

        @Option(name: .customLong("chain-id"), help: "The chain id (EIP-155; FISCO clients' fiscoChainId).")
        var chainID: UInt64 = 20200

        @Option(name: .customLong("group-id"), help: "FISCO BCOS's group id, which FISCO clients name (their groupid).")
        var groupID: UInt64 = 1

        @Option(name: .customLong("crypto"), help: """
            The chain's crypto suite: secp256k1 (ECDSA and Keccak-256, Ethereum's and FISCO's default) or sm \
            (国密: SM2 signatures, SM3 hashes, as FISCO's 国密 chains; clients send FISCO-format transactions \
            signed with SM2). Fixed for the chain's life. TLS between nodes stays P-256 either way.
            """)
        var crypto: CryptoSuite = .secp256k1

        @Option(name: .customLong("rpc-port"), help: "RPC port of the first node; the others count up.")
        var rpcPort: Int = 8545

        @Option(name: .customLong("p2p-port"), help: "P2P port of the first node; the others count up.")
        var p2pPort: Int = 30300

        @Option(name: .customLong("channel-port"), help: """
            FISCO's channel port of the first node (the SDKs' default, 20200); the others count up. Each \
            node gets channel.crt/channel.key (secp256k1) and an sdk/ directory (ca.crt, sdk.crt, sdk.key) \
            for FISCO's SDKs. None unless given.
            """)
        var channelPort: Int?

        @Option(name: .customLong("max-block-bytes"), help: "Largest block body in bytes; a P2P frame must carry it (at most \(FrameBudget.largestBlockBytes())).")
        var maxBlockBytes: Int = 32 << 20

        @Option(name: .customLong("max-block-txs"), help: "Most transactions in a block.")
        var maxBlockTransactions: Int = 10_000

        @Option(help: "Funded development accounts to create.")
        var accounts: Int = 0

        @Option(help: "Balance of each development account, in wei.")
        var balance: String = "1000000000000000000000000"

        @Option(parsing: .singleValue, help: "Fund ADDRESS=BALANCE in the genesis (repeatable).")
        var fund: [String] = []

        @Option(parsing: .singleValue, help: """
            A governor: an account that may change the chain through the system contracts (repeatable). \
            Default with --accounts: the first development account; otherwise none, and nothing can be changed.
            """)
        var governor: [String] = []

        func validate() throws {
            guard nodes >= 1, nodes <= 64 else { throw ValidationError("--nodes must be 1 to 64") }
            guard accounts >= 0, accounts <= 100_000 else { throw ValidationError("--accounts must be 0 to 100000") }
            guard chainID > 0 else { throw ValidationError("--chain-id must be positive") }
            guard groupID > 0 else { throw ValidationError("--group-id must be positive") }
            guard (1..<65_536).contains(rpcPort), rpcPort + nodes <= 65_536 else { throw ValidationError("--rpc-port must leave room for every node below 65536") }
            guard (1..<65_536).contains(p2pPort), p2pPort + nodes <= 65_536 else { throw ValidationError("--p2p-port must leave room for every node below 65536") }
            if let channelPort, !(1..<65_536).contains(channelPort) || channelPort + nodes > 65_536 {
                throw ValidationError("--channel-port must leave room for every node below 65536")
            }
        }

        func run() throws {
            try reportingErrors {
                var setup = ChainSetup(directory: dir)
                setup.nodes = nodes
                setup.validators = validators
                setup.agencies = agencies
                setup.hosts = hosts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                setup.chainID = chainID
                setup.suite = crypto
                setup.groupID = groupID
                setup.rpcPort = rpcPort
                setup.p2pPort = p2pPort
                setup.channelPort = channelPort
                setup.developmentAccounts = accounts
                setup.maxBlockBytes = maxBlockBytes
                setup.maxBlockTransactions = maxBlockTransactions
                do { setup.developmentBalance = try UInt256(parsing: balance) } catch { throw CLIError("--balance: \(error)") }
                for entry in fund {
                    let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw CLIError("--fund takes ADDRESS=BALANCE, not \(entry)") }
                    do {
                        setup.funded[try Address(hex: parts[0])] = try UInt256(parsing: parts[1])
                    } catch {
                        throw CLIError("--fund \(entry): \(error)")
                    }
                }
                for entry in governor {
                    do { setup.governors.append(try Address(hex: entry)) } catch { throw CLIError("--governor \(entry): \(error)") }
                }
                let written = try setup.write()
                printToStandardError("genesis: \(written.genesis) (chain \(chainID), \(crypto == .sm ? "国密 (sm), " : "")\(written.validators.count) validator(s), \(written.observers.count) observer(s), \(written.governors.count) governor(s))")
                if let accounts = written.accounts { printToStandardError("development accounts: \(accounts)") }
                let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
                for member in try ChainDirectory(dir).members {
                    try SystemdUnit(member: member, executable: executable).write(into: member.directory)
                }
                for config in written.configs { print(config) }
            }
        }
    }
}
