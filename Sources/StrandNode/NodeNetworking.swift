import Logging
import StrandChain
import StrandChannel
import StrandCrypto
import StrandNetwork
import StrandNetworkAPI
import StrandPrimitives
import StrandStorage
import StrandSync
import StrandTxPool
import StrandTypes
import Synchronization

/// The node's place in the network: its links (`Network`) and what moves over them
/// (`SyncService`, and the PBFT driver's messages), wired to the pool, the importer and the
/// chain. Every node of a PBFT chain follows it by importing what peers serve when it falls
/// behind; a solo chain's validator only seals and serves. Both protocols see only the chain's
/// members (`ChainMembers`); consensus messages from others still reach the PBFT host, which
/// keeps a few for heights whose validators may name their sender.
final class NodeNetworking: Sendable {
    let network: Network
    let sync: SyncService
    let nodeID: NodeID
    let members: ChainMembers
    private let ledger: Ledger
    private let consensus: PBFTDriver?
    /// The channel port, when the node has one: AMOP's messages go to it. Set once it is made.
    let channel = Late<ChannelServer>()
    /// What the members say of themselves, for the browser's node table.
    let statusBoard: PeerStatusBoard

    /// The links of this node, not yet started: any node the chain CA certified may link; what it
    /// is served is for `ChainMembers` to say.
    static func links(config: NetworkConfig, nodeID: NodeID, chain: ChainConfig, genesisHash: Hash, clock: any NodeClock) throws -> Network {
        try Network(config: config, nodeID: nodeID, chainID: chain.chainID, genesisHash: genesisHash, members: nil, clock: clock,
                    logger: Logger(label: "strand.network"))
    }

    /// - Parameters:
    ///   - network: the links `links` made.
    ///   - follows: import blocks peers serve; a solo validator does not.
    ///   - consensus: the PBFT driver, on a validator of a PBFT chain.
    init(network: Network, members: ChainMembers, nodeID: NodeID, chain: ChainConfig, ledger: Ledger, pool: TransactionPool,
         importer: BlockImporter, appender: ChainAppender, follows: Bool, consensus: PBFTDriver?, clock: any NodeClock) {
        self.network = network
        self.members = members
        self.nodeID = nodeID
        self.ledger = ledger
        self.consensus = consensus
        statusBoard = PeerStatusBoard(clock: clock)
        let syncLogger = Logger(label: "strand.sync")
        sync = SyncService(
            ledger: ledger, messenger: MembersOnlyMessenger(network: network, members: members), clock: clock, follows: follows, logger: syncLogger,
            recoverSenders: { blocks in importer.recoverSenders(of: blocks) },
            importBlocks: { blocks, senders in
                Self.importInOrder(blocks, senders: senders, importer: importer, appender: appender, logger: syncLogger)
            },
            localHeight: { appender.height },
            admit: { raws in
                guard let snapshot = try? ledger.snapshot() else { return }
                _ = pool.admit(raws, accounts: snapshot, asOf: snapshot.head.number, fromPeer: true)
            })
    }

    /// Transactions gossiped to peers and received from them, so far.
    var gossipCounts: (sent: UInt64, received: UInt64) {
        (sync.metrics.gossipSent.load(ordering: .relaxed), sync.metrics.gossipReceived.load(ordering: .relaxed))
    }

    /// Starts the links, delivering each protocol's messages to it: consensus to the driver, sync to sync.
    func start() throws {
        let sync = sync, consensus = consensus, members = members, channel = channel, board = statusBoard, network = network
        try network.start(
            onMessage: { message, peer in
                guard case .subprotocol(let message) = message else { return }
                switch message.subprotocol {
                case .consensus: consensus?.received(message, from: peer)
                case .sync where members.contains(peer): sync.receive(message, from: peer)
                case .amop where members.contains(peer): channel.value?.amopReceived(message, from: peer)
                case .status where members.contains(peer):
                    do throws(MessageError) { try board.received(message, from: peer) } catch {
                        network.disconnect(peer, because: .badMessage(error))
                    }
                case .sync, .amop, .status: break
                }
            },
            onPeerChange: { peer, up in
                guard members.contains(peer) else { return }
                sync.peerChanged(peer, up: up)
                channel.value?.amopPeerChanged(peer, up: up)
                if up { consensus?.peerUp() }
            })
        sync.start()
    }

    /// A block was committed: the roster it leaves decides whom this node serves from now on
    /// (a node that left is no sync source any more), then the members hear of the new head.
    func committed() {
        if let snapshot = try? ledger.snapshot() {
            let left = members.update(ConsensusRoster(chain: ledger.config, state: snapshot), height: snapshot.head.number)
            for peer in left {
                sync.peerChanged(peer, up: false)
                statusBoard.forget(peer)
            }
        }
        sync.committed()
    }

    /// Tells the members what `current` says of this node, every few seconds.
    func startReporting(_ current: @escaping @Sendable () -> NodeStatusReport) {
        statusBoard.startReporting(to: MembersOnlyMessenger(network: network, members: members), current: current)
    }

    func stop() {
        statusBoard.stop()
        sync.stop()
        network.stop()
    }

    /// Imports sealed blocks one after another through the one import path; stops at the first
    /// refusal (the peer's fault), a gap (an answer that came ahead of an earlier one that
    /// failed) or a local failure.
    private static func importInOrder(_ blocks: [Block], senders: [[Address]?], importer: BlockImporter, appender: ChainAppender,
                                      logger: Logger) -> (imported: Int, refused: String?, height: UInt64) {
        var imported = 0
        var transactions = 0
        let started = ContinuousClock.now
        defer {
            if imported > 0 {
                logger.info("synced \(imported) blocks (\(transactions) transactions) in \((ContinuousClock.now - started).milliseconds) ms")
            }
        }
        for (block, blockSenders) in zip(blocks, senders) {
            var gap = false
            var added = false
            do throws(BlockImportError) {
                try appender.extend { (tip: ChainTip) throws(BlockImportError) -> ExecutedBlock? in
                    // A block already here (a duplicate answer, or one consensus decided) is skipped,
                    // not held against the peer.
                    if block.number <= tip.number { return nil }
                    if block.number > tip.number + 1 {
                        gap = true
                        return nil
                    }
                    let executed = try importer.importSealed(block, on: tip, senders: blockSenders)
                    added = true
                    return executed
                }
            } catch where error.isPeerFault {
                return (imported, "block \(block.number): \(error)", appender.height)
            } catch {
                logger.error("importing block \(block.number): \(error)")
                return (imported, nil, appender.height)
            }
            if added {
                imported += 1
                transactions += block.transactions.count
            }
            if gap { break }
        }
        return (imported, nil, appender.height)
    }
}
