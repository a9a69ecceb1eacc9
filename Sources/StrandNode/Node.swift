import Foundation
import Logging
import NIOCore
import StrandConsensus
import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandRPC
import StrandStorage
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
    let driver: SoloDriver
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
        let proposer = chain.suite.address(of: chain.suite.nodeID(of: key))
        let builder = BlockBuilder(
            chain: chain, pool: pool, executor: ParallelExecutor(threads: threads), proposer: proposer,
            maxTransactions: config.sealing.maxBlockTransactions, feesEnabled: config.feesEnabled, metrics: metrics)
        let committer = BlockCommitter(ledger: ledger, pool: pool, recent: recent, metrics: metrics,
                                       pipelining: config.pipelining, logger: logger)
        let driver = try SoloDriver(policy: config.sealing, builder: builder, committer: committer, key: key, clock: clock, logger: logger)
        self.driver = driver
        wakeDriver.target.withLock { $0 = driver }
        server = RPCServer(
            host: config.rpcHost, port: config.rpcPort,
            service: NodeRPCService(RPCContext(ledger: ledger, pool: pool, metrics: metrics, recent: recent, clock: clock,
                                               feesEnabled: config.feesEnabled)),
            maxBodyBytes: config.rpcMaxBodyBytes, logger: logger)
    }

    /// Starts sealing and serving; returns the RPC address.
    @discardableResult
    public func start() throws -> SocketAddress {
        driver.start()
        let address = try server.start()
        logger.info("""
            node up: chain \(ledger.chainID), genesis \(ledger.genesisHash), head \(ledger.head.number), \
            storage \(config.durability), RPC on http://\(config.rpcHost):\(address.port ?? config.rpcPort)
            """)
        return address
    }

    public func stop() {
        server.stop()
        driver.stop()
        logger.info("node stopped at block \(ledger.head.number)")
    }
}

/// Lets the pool, made before the driver, wake it once it exists.
private final class WakeUpRelay: Sendable {
    let target = Mutex<SoloDriver?>(nil)
    func wake() { target.withLock { $0 }?.wake() }
}
