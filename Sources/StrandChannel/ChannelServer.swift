import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import StrandPrimitives
import StrandCrypto
import StrandNetworkAPI
import StrandRPC
import Synchronization

/// FISCO BCOS 2.x's channel port: SDKs connect over TLS 1.2 with a certificate from the chain
/// CA (`ChannelTLS`), send JSON-RPC (the same service as the HTTP port) and receive pushes: a
/// transaction's receipt when the block holding it commits, the block number as it grows, and
/// the contract events it registered for (`ChannelServer+Events`).
public final class ChannelServer: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// FISCO's group: block-number notifications are for `_block_notify_<group>`.
        public var groupID: UInt64
        public var maxFrameBytes = 32 << 20
        /// Receipts one session may wait for at once; more are served, not pushed.
        public var maxAwaitedReceipts = 20_000
        /// Bytes queued to one SDK beyond which it is a slow reader and is disconnected.
        public var maxQueuedBytes = 16 << 20

        public init(host: String, port: Int, groupID: UInt64) {
            self.host = host
            self.port = port
            self.groupID = groupID
        }
    }

    /// What the port counts, for the node's metrics.
    public final class Counters: Sendable {
        public init() {}

        public let sessions = Atomic<Int>(0)
        public let framesIn = Atomic<Int>(0)
        public let badFrames = Atomic<Int>(0)
        public let ignoredFrames = Atomic<Int>(0)
        public let slowReaders = Atomic<Int>(0)
        public let handshakeFailures = Atomic<Int>(0)
        public let receiptsPushed = Atomic<Int>(0)
        public let eventsPushed = Atomic<Int>(0)
    }

    public let settings: Settings
    public let counters: Counters
    let service: any RPCService
    let tls: ChannelTLS
    let logger: Logger
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let serverChannel = Mutex<(any Channel)?>(nil)
    let sessions = ChannelSessions()
    /// Who waits for which transaction's receipt: the session and the request's sequence.
    let awaited = Mutex<[Hash: [(connection: ObjectIdentifier, sequence: [UInt8])]]>([:])
    /// Each session's event-log filters (`ChannelServer+Events`).
    let eventFilters = Mutex<[ObjectIdentifier: [EventLogFilter]]>([:])
    /// Where receipts and event logs are gathered and pushed, one block after another.
    let eventQueue = DispatchQueue(label: "strand.channel.pushes")
    /// Topic messages between SDKs, here and at other members' nodes.
    let amop: AMOPRouter

    /// - Parameter peers: the other members' nodes, for AMOP; none on a node without P2P.
    public init(settings: Settings, tls: ChannelTLS, service: any RPCService, peers: (any PeerMessenger)? = nil,
                counters: Counters = Counters(), logger: Logger) {
        self.settings = settings
        self.counters = counters
        amop = AMOPRouter(sessions: sessions, counters: counters, peers: peers)
        self.tls = tls
        self.service = service
        self.logger = logger
    }

    /// Binds and starts serving; returns the bound address (port 0 picks a free one).
    public func start() throws -> SocketAddress {
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: settings.maxQueuedBytes / 2, high: settings.maxQueuedBytes))
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(OpenSSLServerHandler(tls: tls))
                    try sync.addHandler(ByteToMessageHandler(ChannelFrameDecoder(maxFrameBytes: settings.maxFrameBytes)))
                    try sync.addHandler(ChannelConnectionHandler(server: self))
                }
            }
            .bind(host: settings.host, port: settings.port)
            .wait()
        serverChannel.withLock { $0 = channel }
        let amop = amop
        group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in amop.expire() }
        return channel.localAddress!
    }

    /// An AMOP message from another member's node (the network's `amop` subprotocol).
    public func amopReceived(_ message: ProtocolMessage, from peer: NodeID) { amop.received(message, from: peer) }

    /// A member's node linked or left: it hears this node's topics, or its own are forgotten.
    public func amopPeerChanged(_ peer: NodeID, up: Bool) { amop.peerChanged(peer, up: up) }

    public func stop() {
        if let channel = serverChannel.withLock({ $0 }) { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }

    /// A block is on disk: sessions that reported `_block_notify_<group>` hear its number, and
    /// those that sent one of its transactions get the receipt.
    public func blockCommitted(number: UInt64, transactions: [Hash]) {
        let open = sessions.all
        let notification = ChannelSession.blockNumberFrame(group: settings.groupID, number: number)
        let topic = ChannelSession.blockNotifyTopic(group: settings.groupID)
        for connection in open { connection.pushIfSubscribed(notification, topic: topic) }

        // Receipts and events are shaped through the RPC service: on the push queue, not the committer's thread.
        let awaitsAny = awaited.withLock { !$0.isEmpty }, filters = eventFilters.withLock { !$0.isEmpty }
        guard awaitsAny || filters else { return }
        eventQueue.async { [self] in
            if awaitsAny { deliverReceipts(of: transactions) }
            if filters { pushEvents(through: number) }
        }
    }

    /// Pushes the receipt of each of `hashes` that is committed to the sessions waiting for it,
    /// exactly once: a waiter is taken off only with its receipt in hand.
    func deliverReceipts(of hashes: [Hash]) {
        let wanted = awaited.withLock { awaited in hashes.filter { awaited[$0] != nil } }
        guard !wanted.isEmpty else { return }
        let calls = wanted.map { RPCCall(method: "getTransactionReceipt", params: [.integer(Int64(settings.groupID)), .string($0.description)]) }
        let byID = sessions.byIdentifier
        for (hash, outcome) in zip(wanted, service.handle(calls)) {
            guard case .success(let receipt) = outcome.result, !receipt.isNull else { continue }
            let body = JSONWriter.write(receipt)
            for waiter in awaited.withLock({ $0.removeValue(forKey: hash) }) ?? [] {
                guard let connection = byID[waiter.connection] else { continue }
                connection.awaitedCount.wrappingSubtract(1, ordering: .relaxed)
                connection.push(ChannelSession.receiptFrame(sequence: waiter.sequence, receiptJSON: body))
                counters.receiptsPushed.wrappingAdd(1, ordering: .relaxed)
            }
        }
    }

    /// Records that `connection` waits for `hash`'s receipt under `sequence`.
    func await(_ hash: Hash, connection: ChannelConnectionHandler, sequence: [UInt8]) -> Bool {
        guard connection.awaitedCount.wrappingAdd(1, ordering: .relaxed).newValue <= settings.maxAwaitedReceipts else {
            connection.awaitedCount.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        awaited.withLock { $0[hash, default: []].append((ObjectIdentifier(connection), sequence)) }
        return true
    }

    func register(_ connection: ChannelConnectionHandler) {
        sessions.add(connection)
        counters.sessions.wrappingAdd(1, ordering: .relaxed)
    }

    func unregister(_ connection: ChannelConnectionHandler) {
        let id = ObjectIdentifier(connection)
        guard sessions.remove(id) else { return }
        amop.sessionClosed(id)
        counters.sessions.wrappingSubtract(1, ordering: .relaxed)
        eventFilters.withLock { _ = $0.removeValue(forKey: id) }
        awaited.withLock { awaited in
            for (hash, waiters) in awaited {
                let kept = waiters.filter { $0.connection != id }
                awaited[hash] = kept.isEmpty ? nil : kept
            }
        }
    }
}

