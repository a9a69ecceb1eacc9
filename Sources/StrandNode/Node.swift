import Foundation
import Logging
import NIOCore
import StrandBrowser
import StrandChain
import StrandChannel
import StrandConsensus
import StrandCrypto
import StrandExecution
import StrandNetwork
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandSync
import StrandTxPool
import StrandTypes
import Synchronization

/// A running node: the ledger, the transaction pool, the driver that extends the chain (the
/// solo sealer on a one-validator chain, PBFT on a chain of several), the network, and
/// JSON-RPC, wired together. `stop()` stops taking requests, lets the block in progress
/// commit whole, and closes the ledger.
public final class Node: Sendable {
    public let config: NodeConfig
    public let ledger: Ledger
    public let pool: TransactionPool
    /// The sealer, on a one-validator chain's validator.
    let driver: SoloDriver?
    /// PBFT, on a validator of a chain of several.
    let consensus: PBFTDriver?
    let networking: NodeNetworking?
    let committer: BlockCommitter
    let server: RPCServer
    /// FISCO's channel port, when configured.
    let channel: ChannelServer?
    /// What this node tells its peers of itself.
    private let statusReport: @Sendable () -> NodeStatusReport
    let logger: Logger

    /// Opens the ledger (initialising it from the genesis file when the data directory is
    /// empty) and prepares every part; `start()` sets them running. Each part logs under a
    /// module's label (`strand.chain`, `strand.consensus`, `strand.network`, `strand.sync`,
    /// `strand.rpc`), so that operators can set levels per module.
    public init(config: NodeConfig, clock: any NodeClock = SystemClock(), logger: Logger) throws {
        let chainLogger = Logger(label: "strand.chain"), consensusLogger = Logger(label: "strand.consensus")
        self.config = config
        self.logger = logger
        guard let genesisData = FileManager.default.contents(atPath: config.genesisPath) else {
            throw NodeConfig.Invalid(description: "cannot read genesis file \(config.genesisPath)")
        }
        let genesis = try Genesis(json: genesisData)
        let key = try KeyFile.read(config.keyPath)
        do { try genesis.config.suite.validate(key) } catch {
            throw NodeConfig.Invalid(description: "\(config.keyPath) is not an SM2 key, and this is a 国密 chain (crypto suite sm)")
        }
        ledger = try Ledger(directory: config.dataDirectory,
                            options: LMDBOptions(mapSize: config.mapSizeMiB << 20, durability: config.durability), genesis: genesis)
        let chain = ledger.config
        if let network = config.network { try FrameBudget.check(chain, frameLimit: network.maxFrameBytes) }
        let threads = config.executorThreads == 0 ? WorkerThreads.availableCores : config.executorThreads
        var poolConfig = TxPoolConfig(chainID: chain.chainID, groupID: chain.groupID, blockGasLimit: chain.blockGasLimit,
                                      capacity: config.poolCapacity, maxNonceGap: config.maxNonceGap, feesEnabled: config.feesEnabled)
        poolConfig.rules.allowUnprotectedLegacy = true
        poolConfig.rules.suite = chain.suite
        // With peers, a proposal's transactions are often recovered before their gossip arrives:
        // the verifier remembers a few blocks' worth of signers so that admission need not repeat it.
        let verifier = SignatureVerifier(threads: threads, suite: chain.suite,
                                         rememberedSigners: config.network == nil ? 0 : 4 * config.sealing.maxBlockTransactions)
        let wakeDriver = Relay()
        let metrics = NodeMetrics()
        // Made last (they serve the RPC service), told of admissions and commits from the start.
        let channelPort = Late<ChannelServer>(), subscriptions = Late<SubscriptionHub>()
        metrics.blockHeight.record(Int64(ledger.head.number))
        let replay = try Self.replayWindow(ledger, logger: chainLogger)
        let ledger = ledger
        let pool = TransactionPool(config: poolConfig, verifier: verifier, replay: replay,
                                   isInChain: { (try? ledger.location(ofTransaction: $0)) != nil },
                                   onAdmitted: { hashes in
                                       wakeDriver.fire(0)
                                       subscriptions.value?.pendingTransactions(hashes.map(\.description))
                                   },
                                   onCommitted: { waits in for wait in waits { metrics.transactionLatency.recordMicroseconds(wait.microseconds) } })
        self.pool = pool
        let recent = RecentBlocks(verifier: verifier)
        let suite = chain.suite
        let abiLearning = DispatchQueue(label: "strand.abi-learning", qos: .utility)
        let catalog = ContractCatalog(
            registry: try ContractABIRegistry(directory: URL(fileURLWithPath: config.dataDirectory).appendingPathComponent("abi"),
                                              hash: { suite.hash($0) }),
            hash: { suite.hash($0) })
        let nodeID = chain.suite.nodeID(of: key)
        let executor = ParallelExecutor(threads: threads)
        let announce = Relay()
        let committer = BlockCommitter(ledger: ledger, pool: pool, recent: recent, observer: metrics,
                                       pipelining: config.pipelining, logger: chainLogger, onCommitted: { block in
            announce.fire(block.number)
            channelPort.value?.blockCommitted(number: block.number, transactions: block.transactions.map(\.hash))
            subscriptions.value?.blockCommitted(number: block.number)
            // Off the committer's thread: reading receipts and writing ABI files is not the commit's work.
            if block.transactions.contains(where: { $0.to == CNS.address }) {
                abiLearning.async { Self.learnABIs(from: block.number, catalog: catalog, ledger: ledger, recent: recent, logger: chainLogger) }
            }
        })
        self.committer = committer
        let appender = ChainAppender(committer: committer)
        var importer = BlockImporter(chain: chain, rules: poolConfig.rules, verifier: verifier, executor: executor,
                                     feesEnabled: config.feesEnabled, clock: clock, pool: pool, replay: replay)
        var builder = BlockBuilder(
            chain: chain, pool: pool, executor: executor, proposer: chain.suite.address(of: nodeID),
            maxTransactions: config.sealing.maxBlockTransactions, feesEnabled: config.feesEnabled, observer: metrics)
        // The committee until ChainGovernance first changes it: genesis state, which the genesis hash covers.
        importer.genesisGovernors = genesis.governors
        builder.genesisGovernors = genesis.governors
        // A chain whose genesis has one validator runs solo while it has one sealer, which seals
        // alone and the rest follow; every node of any other chain runs PBFT, silent while it is
        // not a sealer of the height at hand.
        let tip = try appender.tip()
        let roster = ConsensusRoster(chain: chain, state: tip.state)
        let sealers = roster.sealers
        let members = ChainMembers(roster: roster, height: tip.number)
        let soloChain = chain.validators.count == 1 && sealers.count == 1
        let solo = soloChain && sealers == [nodeID]
        var soloDriver: SoloDriver?
        var pbftDriver: PBFTDriver?
        let links = try config.network.map {
            try NodeNetworking.links(config: $0, nodeID: nodeID, chain: chain, genesisHash: ledger.genesisHash, clock: clock)
        }
        if solo {
            let driver = try SoloDriver(policy: config.sealing, builder: builder, appender: appender, key: key, clock: clock, logger: consensusLogger)
            soloDriver = driver
            wakeDriver.add { _ in driver.wake() }
        } else if let links, !soloChain {
            let gated = MembersOnlyMessenger(network: links, members: members)
            let messenger = config.consensusProxy.map { $0.wrap(gated, chain, key) } ?? gated
            let consensus = try PBFTDriver(chain: chain, key: key, builder: builder, importer: importer, members: members,
                                           appender: appender, messenger: messenger, policy: config.sealing, dataDirectory: config.dataDirectory,
                                           clock: clock, logger: consensusLogger, metrics: metrics)
            pbftDriver = consensus
            wakeDriver.add { _ in consensus.wake() }
            announce.add { _ in consensus.chainAdvanced() }
        } else if links != nil {
            // A solo chain's follower: sync brings its blocks.
        } else if let index = sealers.firstIndex(of: nodeID) {
            throw NodeConfig.Invalid(description: "this node is sealer \(index) of \(sealers.count); PBFT needs p2p settings to reach the others")
        } else {
            throw NodeConfig.Invalid(description: "this node (\(nodeID)) is not a sealer of the chain and has no p2p settings: it has no chain to follow")
        }
        driver = soloDriver
        consensus = pbftDriver
        var amopPeers: (any PeerMessenger)?
        var lateChannel: Late<ChannelServer>?
        if let links {
            let networking = NodeNetworking(network: links, members: members, nodeID: nodeID, chain: chain, ledger: ledger, pool: pool,
                                            importer: importer, appender: appender, follows: !solo,
                                            consensus: pbftDriver, clock: clock)
            self.networking = networking
            announce.add { _ in networking.committed() }
            amopPeers = MembersOnlyMessenger(network: networking.network, members: networking.members)
            lateChannel = networking.channel
        } else {
            networking = nil
        }
        let context = RPCContext(ledger: ledger, pool: pool, metrics: metrics, recent: recent, clock: clock,
                                 feesEnabled: config.feesEnabled, nodeID: nodeID, genesisGovernors: genesis.governors,
                                 networking: networking, consensus: pbftDriver)
        statusReport = { NodeHealth(node: context).assess().statusReport }
        var serviceContext = context
        serviceContext.catalog = catalog
        let channelCounters = config.channel.map { _ in ChannelServer.Counters() }
        serviceContext.channelCounters = channelCounters
        let service = NodeRPCService(serviceContext)
        let hub = SubscriptionHub(service: service)
        subscriptions.value = hub
        server = RPCServer(host: config.rpcHost, port: config.rpcPort, service: service,
                           maxBodyBytes: config.rpcMaxBodyBytes, subscriptions: hub,
                           pages: config.browser ? BrowserPage.page(for:) : nil, logger: Logger(label: "strand.rpc"))
        channel = try config.channel.map { settings in
            let tls: ChannelTLS
            do { tls = try ChannelTLS(chainCA: settings.chainCA, certificateChain: settings.certificateChain, privateKey: settings.privateKey) }
            catch { throw NodeConfig.Invalid(description: "channel port: \(error)") }
            return ChannelServer(settings: .init(host: settings.listenHost, port: settings.listenPort, groupID: chain.groupID),
                                 tls: tls, service: service,
                                 peers: amopPeers,
                                 counters: channelCounters!, logger: Logger(label: "strand.channel"))
        }
        channelPort.value = channel
        lateChannel?.value = channel
        // AMOP for WebSocket clients too: one router behind both ports.
        if let channel { hub.add(AMOPWebSocketMethods(channel: channel)) }
    }

    /// Records the ABIs that block `number`'s successful CNS registrations name, for the
    /// contract code each names: the browser then decodes that code's calls wherever it runs.
    static func learnABIs(from number: UInt64, catalog: ContractCatalog, ledger: Ledger, recent: RecentBlocks, logger: Logger) {
        guard let snapshot = try? ledger.snapshot(), let entry = try? recent.entry(number: number, in: snapshot) else { return }
        for (transaction, receipt) in zip(entry.block.transactions, entry.receipts)
        where transaction.to == CNS.address && receipt.status == .success && ContractCalldata.decodeInt256(receipt.output) == FiscoCode.success.rawValue {
            guard let registration = catalog.cnsRegistration(transaction.data) else { continue }
            let codeHash = Hash(snapshot.value(of: .codeHash(registration.address)))
            guard codeHash != .zero else { continue }
            do throws(ABIType.Invalid) {
                try catalog.registry.register(codeHash: codeHash, name: registration.name, abi: registration.abi)
            } catch {
                logger.info("CNS entry \(registration.name) at block \(number): its ABI is not decodable (\(error)); not shown decoded")
            }
        }
    }

    /// FISCO's replay window as the ledger leaves it: the random ids of its last `window` blocks.
    static func replayWindow(_ ledger: Ledger, logger: Logger) throws -> ReplayWindow {
        let head = ledger.head.number
        let window = ReplayWindow(window: ledger.config.blockLimitWindow, height: head)
        let first = head >= ledger.config.blockLimitWindow ? head - ledger.config.blockLimitWindow + 1 : 1
        guard head >= first else { return window }
        let started = ContinuousClock.now
        for number in first...head {
            guard let block = try ledger.block(number: number) else { throw LedgerError.corrupt("block \(number) unreadable") }
            window.record(blockNumber: number, transactions: block.transactions)
        }
        logger.info("replay window: blocks \(first)...\(head) read in \((ContinuousClock.now - started).milliseconds) ms")
        return window
    }

    /// Starts sealing and serving; returns the RPC address.
    @discardableResult
    public func start() throws -> SocketAddress {
        try networking?.start()
        networking?.startReporting(statusReport)
        driver?.start()
        consensus?.start()
        let address = try server.start()
        let channelAddress = try channel?.start()
        logger.info("""
            node up: chain \(ledger.chainID)\(ledger.config.suite == .sm ? " (国密: SM2, SM3)" : ""), genesis \(ledger.genesisHash), head \(ledger.head.number), \
            storage \(config.durability), RPC on http://\(config.rpcHost):\(address.port ?? config.rpcPort), \
            \(driver != nil ? "solo validator" : consensus != nil ? "PBFT validator" : "observer")\(config.consensusProxy.map { ", FAULT PROXY (strand-dev): \($0.name)" } ?? "")\(config.network.map { ", P2P on \($0.listenHost):\($0.listenPort) with \($0.peers.count) peers" } ?? "")\(channelAddress.map { ", FISCO channel port on \($0)" } ?? "")
            """)
        return address
    }

    /// Replaces the revoked node IDs and certificates (a reread `p2p.revoked` and `p2p.crl`): links
    /// to newly revoked nodes end at once.
    public func revoke(_ nodes: Set<NodeID>, certificates: CertificateRevocationList = .init()) {
        networking?.network.revoke(nodes, certificates: certificates)
    }

    public func stop() {
        server.stop()
        channel?.stop()
        driver?.stop()
        consensus?.stop()
        networking?.stop()
        committer.stop()
        logger.info("node stopped at block \(ledger.head.number)")
    }
}

/// Lets a part made early (the pool, the committer) tell parts made after it: the drivers
/// and the network.
private final class Relay: Sendable {
    private let targets = Mutex<[@Sendable (UInt64) -> Void]>([])
    func add(_ target: @escaping @Sendable (UInt64) -> Void) { targets.withLock { $0.append(target) } }
    func fire(_ value: UInt64) { for target in targets.withLock({ $0 }) { target(value) } }
}
