import Foundation
import Logging
import NIOCore
import StrandConsensus
import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandSync
import StrandTxPool
import StrandTypes
import Synchronization

/// A running node: the ledger, the transaction pool, the solo driver with its builder and
/// committer, and JSON-RPC, wired together. `stop()` stops taking requests, lets the block
/// in progress commit whole, and closes the ledger.
public final class Node: Sendable {
    public let config: NodeConfig
    public let ledger: Ledger
    public let pool: TransactionPool
    /// The sealer, on the validator; nil on an observer.
    let driver: SoloDriver?
    let networking: NodeNetworking?
    let committer: BlockCommitter
    let server: RPCServer
    let logger: Logger

    /// Opens the ledger (initialising it from the genesis file when the data directory is
    /// empty) and prepares every part; `start()` sets them running.
    public init(config: NodeConfig, clock: any NodeClock = SystemClock(), logger: Logger) throws {
        self.config = config
        self.logger = logger
        guard let genesisData = FileManager.default.contents(atPath: config.genesisPath) else {
            throw NodeConfig.Invalid(description: "cannot read genesis file \(config.genesisPath)")
        }
        let genesis = try Genesis(json: genesisData)
        let key = try KeyFile.read(config.keyPath)
        ledger = try Ledger(directory: config.dataDirectory,
                            options: LMDBOptions(mapSize: config.mapSizeMiB << 20, durability: config.durability), genesis: genesis)
        let chain = ledger.config
        let threads = config.executorThreads == 0 ? WorkerThreads.availableCores : config.executorThreads
        var poolConfig = TxPoolConfig(chainID: chain.chainID, blockGasLimit: chain.blockGasLimit, capacity: config.poolCapacity,
                                      maxNonceGap: config.maxNonceGap, feesEnabled: config.feesEnabled)
        poolConfig.rules.allowUnprotectedLegacy = true
        let verifier = SignatureVerifier(threads: threads, suite: chain.suite)
        let wakeDriver = WakeUpRelay()
        let pool = TransactionPool(config: poolConfig, verifier: verifier, onAdmitted: { _ in wakeDriver.wake() })
        self.pool = pool
        let recent = RecentBlocks(verifier: verifier)
        let metrics = NodeMetrics()
        metrics.blockHeight.store(ledger.head.number, ordering: .relaxed)
        let nodeID = chain.suite.nodeID(of: key)
        let isValidator = chain.validatorIndex(of: nodeID) != nil
        let executor = ParallelExecutor(threads: threads)
        let announce = CommitRelay()
        let committer = BlockCommitter(ledger: ledger, pool: pool, recent: recent, metrics: metrics,
                                       pipelining: config.pipelining, logger: logger, onCommitted: { _ in announce.committed() })
        self.committer = committer
        if isValidator {
            let builder = BlockBuilder(
                chain: chain, pool: pool, executor: executor, proposer: chain.suite.address(of: nodeID),
                maxTransactions: config.sealing.maxBlockTransactions, feesEnabled: config.feesEnabled, metrics: metrics)
            let driver = try SoloDriver(policy: config.sealing, builder: builder, committer: committer, key: key, clock: clock, logger: logger)
            self.driver = driver
            wakeDriver.target.withLock { $0 = driver }
        } else {
            guard config.network != nil else {
                throw NodeConfig.Invalid(description: "this node (\(nodeID)) is not a validator of the chain and has no p2p settings: it has no chain to follow")
            }
            driver = nil
        }
        if let network = config.network {
            let importer = BlockImporter(chain: chain, rules: poolConfig.rules, verifier: verifier, executor: executor,
                                         feesEnabled: config.feesEnabled, clock: clock, pool: pool)
            let networking = try NodeNetworking(config: network, nodeID: nodeID, chain: chain, ledger: ledger, pool: pool,
                                                importer: importer, committer: committer, follows: !isValidator, clock: clock,
                                                logger: logger)
            self.networking = networking
            announce.sync.withLock { $0 = networking.sync }
        } else {
            networking = nil
        }
        let context = RPCContext(ledger: ledger, pool: pool, metrics: metrics, recent: recent, clock: clock,
                                 feesEnabled: config.feesEnabled, nodeID: nodeID, networking: networking)
        server = RPCServer(host: config.rpcHost, port: config.rpcPort, service: NodeRPCService(context),
                           maxBodyBytes: config.rpcMaxBodyBytes, logger: logger)
    }

    /// Starts sealing and serving; returns the RPC address.
    @discardableResult
    public func start() throws -> SocketAddress {
        try networking?.start()
        driver?.start()
        let address = try server.start()
        logger.info("""
            node up: chain \(ledger.chainID), genesis \(ledger.genesisHash), head \(ledger.head.number), \
            storage \(config.durability), RPC on http://\(config.rpcHost):\(address.port ?? config.rpcPort), \
            \(driver == nil ? "observer" : "validator")\(config.network.map { ", P2P on \($0.listenHost):\($0.listenPort) with \($0.peers.count) peers" } ?? "")
            """)
        return address
    }

    public func stop() {
        server.stop()
        driver?.stop()
        networking?.stop()
        committer.stop()
        logger.info("node stopped at block \(ledger.head.number)")
    }
}

/// Lets the committer, made before the network, announce commits to it once it exists.
private final class CommitRelay: Sendable {
    let sync = Mutex<SyncService?>(nil)
    func committed() { sync.withLock { $0 }?.committed() }
}

/// Lets the pool, made before the driver, wake it once it exists.
private final class WakeUpRelay: Sendable {
    let target = Mutex<SoloDriver?>(nil)
    func wake() { target.withLock { $0 }?.wake() }
}
