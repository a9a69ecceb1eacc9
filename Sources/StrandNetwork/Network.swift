import Dispatch
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import StrandCrypto
import StrandPrimitives
import Synchronization
import X509

/// Authenticated links to the chain's other nodes: mutual TLS 1.3 with the chain CA as the
/// only trust root, one link per pair of nodes (both dial; the link the lower node ID dialed
/// wins), reconnection with back-off, heartbeats, and typed, size-bounded messages. Knows nothing of consensus: it
/// hands each message to the handler `start` was given, with the node ID that sent it, one at a
/// time, in order. The protocols send through it as a `PeerMessenger`.
public final class Network: PeerMessenger, Sendable {
    public let config: NetworkConfig
    let local: PeerSession.Local
    let clock: any NodeClock
    let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let serverContext: NIOSSLContext
    private let clientContext: NIOSSLContext
    private let links = Mutex<[NodeID: PeerLink]>([:])
    private let backoff = Mutex<[NodeID: Duration]>([:])
    private let running = Atomic<Bool>(false)
    private let serverChannel = Mutex<(any Channel)?>(nil)
    private let inbox = DispatchQueue(label: "strand-network-inbox")
    /// Where inbound messages and peer changes go: set by `start`, before any link exists.
    private let inbound = Mutex<Inbound>(Inbound(message: { _, _ in }, peerChange: { _, _ in }))
    private struct Inbound {
        let message: @Sendable (NetworkMessage, NodeID) -> Void
        let peerChange: @Sendable (NodeID, Bool) -> Void
    }
    public let metrics = NetworkMetrics()

    /// Loads the TLS identity; nothing listens or dials until `start`.
    /// - Parameter members: every node ID this chain admits; nil admits every node the chain CA
    ///   certified that is not revoked.
    public init(config: NetworkConfig, nodeID: NodeID, chainID: UInt64, genesisHash: Hash, members: Set<NodeID>?,
                clock: any NodeClock = SystemClock(), logger: Logger) throws {
        self.config = config
        self.clock = clock
        self.logger = logger
        local = PeerSession.Local(nodeID: nodeID, chainID: chainID, genesisHash: genesisHash, members: members,
                                  revoked: RevocationList(config.revoked, certificates: config.revokedCertificates))
        let roots: [NIOSSLCertificate], chain: [NIOSSLCertificate], key: NIOSSLPrivateKey
        do {
            roots = try NIOSSLCertificate.fromPEMFile(config.tls.chainCA)
            chain = try NIOSSLCertificate.fromPEMFile(config.tls.certificateChain)
            key = try NIOSSLPrivateKey(file: config.tls.privateKey, format: .pem)
        } catch {
            throw NetworkConfigError("TLS files (\(config.tls.chainCA), \(config.tls.certificateChain), \(config.tls.privateKey)): \(error)")
        }
        guard let own = chain.first, !roots.isEmpty else { throw NetworkConfigError("no certificate in \(config.tls.certificateChain)") }
        let named: NodeID
        do { named = try ChainCertificates.nodeID(of: try Certificate(derEncoded: try own.toDERBytes())) } catch {
            throw NetworkConfigError("\(config.tls.certificateChain): \(error)")
        }
        guard named == nodeID else {
            throw NetworkConfigError("\(config.tls.certificateChain) names node \(named), not this node's key \(nodeID)")
        }
        func tls(_ base: TLSConfiguration) -> TLSConfiguration {
            var tls = base
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
            tls.minimumTLSVersion = .tlsv13
            tls.maximumTLSVersion = .tlsv13
            tls.trustRoots = .certificates(roots)
            // The peer's identity is its node ID, checked after the handshake; no host names.
            tls.certificateVerification = .noHostnameVerification
            return tls
        }
        do {
            serverContext = try NIOSSLContext(configuration: tls(.makeServerConfiguration(certificateChain: [], privateKey: .privateKey(key))))
            clientContext = try NIOSSLContext(configuration: tls(.makeClientConfiguration()))
        } catch {
            throw NetworkConfigError("TLS: \(error)")
        }
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Listens and starts dialing; returns the bound address (port 0 picks a free one).
    /// - Parameters:
    ///   - onMessage: each message from an established peer, on one serial queue.
    ///   - onPeerChange: a peer came up (true) or went down (false), on the same queue.
    @discardableResult
    public func start(onMessage: @escaping @Sendable (NetworkMessage, NodeID) -> Void,
                      onPeerChange: @escaping @Sendable (NodeID, Bool) -> Void = { _, _ in }) throws -> SocketAddress {
        inbound.withLock { $0 = Inbound(message: onMessage, peerChange: onPeerChange) }
        running.store(true, ordering: .relaxed)
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.configure(channel, outbound: false) }
            }
            .bind(host: config.listenHost, port: config.listenPort)
            .wait()
        serverChannel.withLock { $0 = channel }
        for peer in config.peers where peer.nodeID != local.nodeID {
            dial(peer)
        }
        return channel.localAddress!
    }

    public func stop() {
        running.store(false, ordering: .relaxed)
        if let channel = serverChannel.withLock({ $0 }) { try? channel.close().wait() }
        for link in links.withLock({ Array($0.values) }) { link.close() }
        try? group.syncShutdownGracefully()
        inbox.sync {}
    }

    public var connectedPeers: [NodeID] { links.withLock { Array($0.keys) }.sorted() }

    /// Every node ID this chain admits.
    public var members: Set<NodeID>? { local.members }

    /// Each connected peer with its remote address.
    public var peerAddresses: [(NodeID, String)] {
        links.withLock { links in links.map { ($0.key, $0.value.channel.remoteAddress.map(Self.hostAndPort) ?? "?") } }
            .sorted { $0.0 < $1.0 }
    }

    static func hostAndPort(_ address: SocketAddress) -> String {
        "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    }

    /// Queues `message` for `peer`; false when it has no link or its queue is full.
    @discardableResult
    public func send(_ message: NetworkMessage, to peer: NodeID) -> Bool {
        guard let link = links.withLock({ $0[peer] }) else { return false }
        return link.send(message)
    }

    /// Queues `message` for every connected peer (encoded once).
    public func broadcast(_ message: NetworkMessage) {
        let encoded = message.encoded
        for link in links.withLock({ Array($0.values) }) { link.send(encoded: encoded) }
    }

    /// Queues `message` for every connected peer that `include` admits (encoded once).
    public func broadcast(_ message: NetworkMessage, to include: (NodeID) -> Bool) {
        let encoded = message.encoded
        for (peer, link) in links.withLock({ Array($0) }) where include(peer) { link.send(encoded: encoded) }
    }

    /// Replaces the revoked node IDs and certificates while the node runs: a link to a node or
    /// over a certificate just revoked ends at once, and none is dialed or accepted again until
    /// it is taken off the list.
    public func revoke(_ nodes: Set<NodeID>, certificates: CertificateRevocationList = .init()) {
        let added = local.revoked.replace(nodes: nodes, certificates: certificates)
        for peer in added.nodes {
            logger.notice("node \(peer.description.prefix(16))… revoked")
            disconnect(peer, because: .revoked("node \(peer.description.prefix(16))…, revoked while linked"))
        }
        guard !added.serials.isEmpty else { return }
        for link in links.withLock({ Array($0.values) }) where added.serials.contains(link.certificateSerial) {
            logger.notice("node \(link.nodeID.description.prefix(16))…: its certificate was revoked")
            disconnect(link.nodeID, because: .revoked("node \(link.nodeID.description.prefix(16))…, certificate revoked while linked"))
        }
    }

    /// Ends the link to `peer` and counts why (a peer that served a bad block, say).
    public func disconnect(_ peer: NodeID, because error: PeerError) {
        guard let link = links.withLock({ $0[peer] }) else { return }
        dropped(error, peer: peer, address: link.channel.remoteAddress)
        link.close()
    }

    // MARK: Links (called by the handlers)

    private func configure(_ channel: any Channel, outbound: Bool) throws {
        let sync = channel.pipeline.syncOperations
        if outbound {
            try sync.addHandler(try NIOSSLClientHandler(context: clientContext, serverHostname: nil))
        } else {
            try sync.addHandler(NIOSSLServerHandler(context: serverContext))
        }
        try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: config.maxFrameBytes)))
        try sync.addHandler(MessageToByteHandler(FrameEncoder()))
        try sync.addHandler(PeerHandler(network: self, outbound: outbound))
    }

    func makeLink(nodeID: NodeID, certificateSerial: [UInt8], channel: any Channel, outbound: Bool) -> PeerLink {
        PeerLink(nodeID: nodeID, certificateSerial: certificateSerial, channel: channel, outbound: outbound,
                 limit: config.maxQueuedMessages) { [metrics] in
            metrics.queueDrops.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// Whether `link` is the one a pair keeps: the one the lower node ID dialed. Both sides
    /// agree on it, so a pair that dialed each other at once ends with the same single link.
    private func isPreferred(_ link: PeerLink) -> Bool {
        link.outbound == (local.nodeID < link.nodeID)
    }

    func register(_ link: PeerLink) {
        let (kept, replaced) = links.withLock { links -> (Bool, PeerLink?) in
            if let existing = links[link.nodeID], isPreferred(existing), !isPreferred(link) { return (false, nil) }
            defer { links[link.nodeID] = link }
            return (true, links[link.nodeID])
        }
        guard kept else {
            // The pair already has the link the lower node dialed.
            link.close()
            return
        }
        if let replaced {
            // The preferred link arrived, or the peer restarted: the old link goes.
            metrics.count(PeerError.duplicate.reason)
            replaced.close()
        }
        backoff.withLock { $0[link.nodeID] = nil }
        logger.info("peer \(link.nodeID.description.prefix(16))… connected (\(link.outbound ? "outbound" : "inbound"), \(link.channel.remoteAddress?.description ?? "?"))")
        if replaced == nil {
            let peerChange = inbound.withLock { $0.peerChange }
            inbox.async { peerChange(link.nodeID, true) }
        }
    }

    func unregister(_ link: PeerLink) {
        let removed = links.withLock { links in
            guard links[link.nodeID] === link else { return false }
            links[link.nodeID] = nil
            return true
        }
        guard removed else { return }
        logger.info("peer \(link.nodeID.description.prefix(16))… disconnected")
        let peerChange = inbound.withLock { $0.peerChange }
        inbox.async { peerChange(link.nodeID, false) }
    }

    func deliver(_ message: NetworkMessage, from peer: NodeID) {
        let deliver = inbound.withLock { $0.message }
        inbox.async { deliver(message, peer) }
    }

    func dropped(_ error: PeerError, peer: NodeID?, address: SocketAddress?) {
        metrics.count(error.reason)
        let who = peer.map { "peer \($0.description.prefix(16))…" } ?? "connection from \(address?.description ?? "?")"
        if error.isPeerFault {
            logger.warning("dropped \(who): \(error)")
        } else {
            logger.info("closed \(who): \(error)")
        }
    }

    /// A link that failed below the protocol: TLS refused it (foreign CA, expired, no
    /// certificate) or the connection broke.
    func linkFailed(_ error: any Error, outbound: Bool, address: SocketAddress?) {
        if error is NIOSSLError || error is BoringSSLError {
            metrics.count("tls")
            logger.warning("TLS refused \(outbound ? "link to" : "connection from") \(address?.description ?? "?"): \(error)")
        } else {
            logger.debug("link \(address?.description ?? "?") failed: \(error)")
        }
    }

    // MARK: Dialing

    private func dial(_ peer: NetworkConfig.Peer) {
        guard running.load(ordering: .relaxed) else { return }
        // Linked already (the peer dialed), or revoked: look again later, in case that changes.
        if links.withLock({ $0[peer.nodeID] != nil }) || local.revoked.contains(peer.nodeID) {
            group.next().scheduleTask(in: .milliseconds(Int64(config.reconnectBackoff.first.milliseconds))) { [self] in dial(peer) }
            return
        }
        var bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(3))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.configure(channel, outbound: true) }
            }
        // Dial from this node's own address, so that per-node firewall rules see who talks.
        if config.listenHost != "0.0.0.0", config.listenHost != "::",
           let source = try? SocketAddress(ipAddress: config.listenHost, port: 0) {
            bootstrap = bootstrap.bind(to: source)
        }
        bootstrap.connect(host: peer.host, port: peer.port).whenComplete { [self] result in
            switch result {
            case .success(let channel):
                channel.closeFuture.whenComplete { [self] _ in redial(peer) }
            case .failure:
                redial(peer)
            }
        }
    }

    private func redial(_ peer: NetworkConfig.Peer) {
        guard running.load(ordering: .relaxed) else { return }
        let wait = backoff.withLock { table in
            let current = table[peer.nodeID] ?? config.reconnectBackoff.first
            table[peer.nodeID] = min(current * 2, config.reconnectBackoff.longest)
            return current
        }
        group.next().scheduleTask(in: .milliseconds(Int64(wait.milliseconds))) { [self] in dial(peer) }
    }
}

/// Counters of a network: links dropped by reason, messages dropped at full queues.
public final class NetworkMetrics: Sendable {
    private let drops = Mutex<[String: UInt64]>([:])
    public let queueDrops = Atomic<UInt64>(0)

    func count(_ reason: String) { drops.withLock { $0[reason, default: 0] += 1 } }

    /// Dropped links by reason, every known reason listed.
    public var droppedLinks: [(reason: String, count: UInt64)] {
        let counts = drops.withLock { $0 }
        return PeerError.allReasons.map { ($0, counts[$0] ?? 0) }
    }
}
