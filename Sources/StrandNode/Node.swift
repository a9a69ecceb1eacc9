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

/// A running node: the ledger, the transaction pool, the block producer and JSON-RPC,
/// wired together. `stop()` stops taking requests, lets the block in progress commit
/// whole, and closes the ledger.
public final class Node: Sendable {
    public let config: NodeConfig
    public let ledger: Ledger
    public let pool: TransactionPool
    let producer: BlockProducer
    let server: RPCServer
    let logger: Logger

    /// Opens the ledger (initialising it from the genesis file when the data directory is
    /// empty) and prepares every part; `start()` sets them running.
    public init(config: NodeConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        guard let genesisData = FileManager.default.contents(atPath: config.genesisPath) else {
            throw NodeConfig.Invalid(description: "cannot read genesis file \(config.genesisPath)")
        }
        let genesis = try Genesis(json: genesisData)
        let key = try KeyFile.read(config.keyPath)
        ledger = try Ledger(directory: config.dataDirectory,
                            options: LMDBOptions(mapSize: config.mapSizeMiB << 20, durability: config.durability), genesis: genesis)
        let threads = config.executorThreads == 0 ? WorkerThreads.availableCores : config.executorThreads
        var poolConfig = TxPoolConfig(chainID: ledger.chainID, blockGasLimit: genesis.gasLimit, capacity: config.poolCapacity,
                                      maxNonceGap: config.maxNonceGap, feesEnabled: config.feesEnabled)
        poolConfig.rules.allowUnprotectedLegacy = true
        let verifier = SignatureVerifier(threads: threads)
        pool = TransactionPool(config: poolConfig, verifier: verifier)
        let recent = RecentBlocks(verifier: verifier)
        let metrics = NodeMetrics()
        metrics.blockHeight.store(ledger.head.number, ordering: .relaxed)
        if !ledger.sealers.contains(key.address) {
            logger.warning("this node's key \(key.address) is not in the genesis sealer list; it seals blocks anyway (solo mode)")
        }
        producer = BlockProducer(
            ledger: ledger, pool: pool, executor: ParallelExecutor(threads: threads),
            sealer: SoloSealer(policy: config.sealing), sealerAddress: key.address, feesEnabled: config.feesEnabled,
            metrics: metrics, recent: recent, pipelining: config.pipelining, logger: logger)
        server = RPCServer(
            host: config.rpcHost, port: config.rpcPort,
            service: NodeRPCService(ledger: ledger, pool: pool, metrics: metrics, feesEnabled: config.feesEnabled, recent: recent),
            maxBodyBytes: config.rpcMaxBodyBytes, logger: logger)
    }

    /// Starts sealing and serving; returns the RPC address.
    @discardableResult
    public func start() throws -> SocketAddress {
        producer.start()
        let address = try server.start()
        logger.info("""
            node up: chain \(ledger.chainID), genesis \(ledger.genesisHash), head \(ledger.head.number), \
            storage \(config.durability), RPC on http://\(config.rpcHost):\(address.port ?? config.rpcPort)
            """)
        return address
    }

    public func stop() {
        server.stop()
        producer.stop()
        logger.info("node stopped at block \(ledger.head.number)")
    }
}
