import Logging
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import StrandStorage
import StrandSync
import StrandTxPool
import StrandTypes
import Synchronization

/// The node's place in the network: its links (`Network`) and what moves over them
/// (`SyncService`), wired to the pool, the importer and the committer. An observer follows
/// the chain by importing what peers serve; the validator seals and serves.
final class NodeNetworking: Sendable {
    let network: Network
    let sync: SyncService
    let nodeID: NodeID
    let members: Set<NodeID>
    private let tipHeight: TipHeight

    /// - Parameter follows: import blocks peers serve (an observer); a solo validator does not.
    init(config: NetworkConfig, nodeID: NodeID, chain: ChainConfig, ledger: Ledger, pool: TransactionPool,
         importer: BlockImporter, committer: BlockCommitter, follows: Bool, clock: any NodeClock, logger: Logger) throws {
        self.nodeID = nodeID
        members = Set(chain.validators).union(config.peers.map(\.nodeID)).union([nodeID])
        // The chain's tip as the importer leaves it (blocks in commit included), for the sync
        // planner on other threads: the committer itself is the import queue's alone.
        let tipHeight = TipHeight(ledger.head.number)
        self.tipHeight = tipHeight
        sync = SyncService(
            ledger: ledger, clock: clock, follows: follows, logger: logger,
            recoverSenders: { blocks in importer.recoverSenders(of: blocks) },
            importBlocks: { blocks, senders in
                Self.importInOrder(blocks, senders: senders, importer: importer, committer: committer, tipHeight: tipHeight, logger: logger)
            },
            localHeight: { tipHeight.value.load(ordering: .acquiring) },
            admit: { raws in
                guard let snapshot = try? ledger.snapshot() else { return }
                _ = pool.admit(raws, accounts: snapshot)
            })
        let sync = sync
        network = try Network(
            config: config, nodeID: nodeID, chainID: chain.chainID, genesisHash: ledger.genesisHash, members: members,
            clock: clock, logger: logger,
            onMessage: { message, peer in sync.handle(message, from: peer) },
            onPeerChange: { peer, up in sync.peerChanged(peer, up: up) })
        sync.attach(network)
    }

    private static func height(_ committer: BlockCommitter) -> UInt64 {
        (try? committer.tip().number) ?? committer.ledger.head.number
    }

    /// Transactions gossiped to peers and received from them, so far.
    var gossipCounts: (sent: UInt64, received: UInt64) {
        (sync.metrics.gossipSent.load(ordering: .relaxed), sync.metrics.gossipReceived.load(ordering: .relaxed))
    }

    func start() throws {
        try network.start()
        sync.start()
    }

    func stop() {
        sync.stop()
        network.stop()
    }

    /// Imports sealed blocks one after another through the one import path; stops at the first
    /// refusal (the peer's fault), a gap (an answer that came ahead of an earlier one that
    /// failed) or a local failure.
    private static func importInOrder(_ blocks: [Block], senders: [[Address]?], importer: BlockImporter, committer: BlockCommitter,
                                      tipHeight: TipHeight, logger: Logger) -> (imported: Int, refused: String?, height: UInt64) {
        var imported = 0
        let started = ContinuousClock.now
        defer {
            tipHeight.value.store(height(committer), ordering: .releasing)
            logger.info("synced \(imported) blocks (\(blocks.reduce(0) { $0 + $1.transactions.count }) transactions) in \((ContinuousClock.now - started).milliseconds) ms")
        }
        for (block, blockSenders) in zip(blocks, senders) {
            do {
                let tip = try committer.tip()
                // A block already here (a duplicate answer) is skipped, not held against the peer.
                if block.number <= tip.number { continue }
                if block.number > tip.number + 1 { break }
                committer.submit(try importer.importSealed(block, on: tip, senders: blockSenders))
                imported += 1
            } catch let error as BlockImportError where error.isPeerFault {
                return (imported, "block \(block.number): \(error)", height(committer))
            } catch {
                logger.error("importing block \(block.number): \(error)")
                return (imported, nil, height(committer))
            }
        }
        return (imported, nil, height(committer))
    }
}

/// The height an observer's chain has reached, blocks in commit included.
final class TipHeight: Sendable {
    let value: Atomic<UInt64>
    init(_ height: UInt64) { value = Atomic(height) }
}
