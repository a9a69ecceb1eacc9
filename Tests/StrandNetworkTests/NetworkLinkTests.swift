import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import StrandCrypto
@testable import StrandNetwork
import Testing

/// Real links on loopback: members with the chain's certificates talk; a foreign CA, a
/// non-member, an expired certificate and garbage are refused; a restarted peer comes back.
@Suite(.serialized) struct NetworkLinkTests {
    /// Two identities ordered so that the first dials the second (the lower node ID dials).
    private func pair(_ chain: NetworkFixture, _ second: NetworkFixture.Identity? = nil) throws
        -> (dialer: NetworkFixture.Identity, listener: NetworkFixture.Identity) {
        let a = try chain.identity("a"), b = try second ?? chain.identity("b")
        return a.nodeID < b.nodeID ? (a, b) : (b, a)
    }

    /// Two members started, `a` dialing `b`, once each sees the other linked.
    private func linked(_ chain: NetworkFixture, _ dialer: NetworkFixture.Identity, _ listener: NetworkFixture.Identity) throws
        -> (a: (network: Network, port: Int, inbox: Inbox), b: (network: Network, port: Int, inbox: Inbox)) {
        let members: Set = [dialer.nodeID, listener.nodeID]
        let b = try chain.start(listener, members: members)
        let a = try chain.start(dialer, peers: [.init(nodeID: listener.nodeID, host: "127.0.0.1", port: b.port)], members: members)
        #expect(NetworkFixture.eventually { a.network.connectedPeers == [listener.nodeID] && b.network.connectedPeers == [dialer.nodeID] })
        return (a, b)
    }

    @Test func membersConnectAndTalkBothWays() throws {
        let chain = try NetworkFixture()
        let (dialer, listener) = try pair(chain)
        let (a, b) = try linked(chain, dialer, listener)
        defer { a.network.stop(); b.network.stop() }
        let gossip = NetworkMessage.subprotocol(ProtocolMessage(code: 4, body: [0xc4, 0x83, 0x01, 0x02, 0x03]))
        #expect(a.network.send(gossip, to: listener.nodeID))
        b.network.broadcast(.consensus([4]))
        #expect(NetworkFixture.eventually { !b.inbox.messages.isEmpty && !a.inbox.messages.isEmpty })
        #expect(b.inbox.messages.first.map { $0.0 == gossip && $0.1 == dialer.nodeID } == true)
        #expect(a.inbox.messages.first.map { $0.0 == .consensus([4]) && $0.1 == listener.nodeID } == true)
    }

    /// Revoking a linked member ends its link at once (on the revoking side, counted) and keeps it
    /// out: neither side's redial gets through until the revocation is lifted.
    @Test func aRevokedPeerIsCutOffAtOnceAndStaysOut() throws {
        let chain = try NetworkFixture()
        let (dialer, listener) = try pair(chain)
        let (a, b) = try linked(chain, dialer, listener)
        defer { a.network.stop(); b.network.stop() }
        b.network.revoke([dialer.nodeID])
        #expect(NetworkFixture.eventually(2) { b.network.connectedPeers.isEmpty })
        let drops = { Dictionary(uniqueKeysWithValues: b.network.metrics.droppedLinks.map { ($0.reason, $0.count) }) }
        #expect(NetworkFixture.eventually { (drops()["revoked"] ?? 0) >= 1 })
        // The dialer keeps trying (its back-off is short in the fixture); every try is refused.
        Thread.sleep(forTimeInterval: 1.5)
        #expect(b.network.connectedPeers.isEmpty && a.network.connectedPeers.isEmpty)
        b.network.revoke([])
        #expect(NetworkFixture.eventually { a.network.connectedPeers == [listener.nodeID] })
    }

    @Test func aForeignCAANonMemberAndAnExpiredCertificateAreRefused() throws {
        let chain = try NetworkFixture()
        let other = try NetworkFixture()
        let listener = try chain.identity("listener")
        let foreign = try other.identity("foreign", agency: other.agency, trust: chain.chainCA)
        let stranger = try chain.identity("stranger")
        let expired = try chain.identity("expired", validFor: 60, now: Date().addingTimeInterval(-7200))
        let b = try chain.start(listener, members: [listener.nodeID, foreign.nodeID, expired.nodeID])
        defer { b.network.stop() }
        let drops = { Dictionary(uniqueKeysWithValues: b.network.metrics.droppedLinks.map { ($0.reason, $0.count) }) }
        // Each tries a link with a well-formed frame after its handshake.
        let ping = NetworkMessage.ping(1).encoded
        let frame = withUnsafeBytes(of: UInt32(ping.count).bigEndian, Array.init) + ping
        for (identity, reason) in [(foreign, "tls"), (expired, "tls"), (stranger, "not_a_member")] {
            let before = drops()[reason] ?? 0
            try? RawTLSClient.send(frame, to: b.port, identity: identity, chainCA: chain.chainCA.certificatePEM)
            #expect(NetworkFixture.eventually { (drops()[reason] ?? 0) > before }, "\(reason) not counted")
            #expect(b.network.connectedPeers.isEmpty)
        }
    }

    @Test func garbageAndOversizedFramesDropTheLinkAndNothingElse() throws {
        let chain = try NetworkFixture()
        let (dialer, listener) = try pair(chain)
        let members: Set = [dialer.nodeID, listener.nodeID]
        let b = try chain.start(listener, members: members)
        defer { b.network.stop() }
        // A raw TLS client with a member's certificate: a frame announcing 1 GiB, then garbage.
        for payload: [UInt8] in [[0x40, 0, 0, 0], [0, 0, 0, 3, 0xde, 0xad, 0xbe]] {
            try RawTLSClient.send(payload, to: b.port, identity: dialer, chainCA: chain.chainCA.certificatePEM)
        }
        let drops = { Dictionary(uniqueKeysWithValues: b.network.metrics.droppedLinks.map { ($0.reason, $0.count) }) }
        #expect(NetworkFixture.eventually { (drops()["frame_too_large"] ?? 0) >= 1 })
        // The node still works: the member connects properly afterwards.
        let a = try chain.start(dialer, peers: [.init(nodeID: listener.nodeID, host: "127.0.0.1", port: b.port)], members: members)
        defer { a.network.stop() }
        #expect(NetworkFixture.eventually { b.network.connectedPeers == [dialer.nodeID] })
    }

    @Test func aRestartedPeerIsBackWithinSeconds() throws {
        let chain = try NetworkFixture()
        let (dialer, listener) = try pair(chain)
        let members: Set = [dialer.nodeID, listener.nodeID]
        var b = try chain.start(listener, members: members)
        let port = b.port
        let a = try chain.start(dialer, peers: [.init(nodeID: listener.nodeID, host: "127.0.0.1", port: port)], members: members)
        defer { a.network.stop() }
        #expect(NetworkFixture.eventually { a.network.connectedPeers == [listener.nodeID] })
        b.network.stop()
        #expect(NetworkFixture.eventually { a.network.connectedPeers.isEmpty })
        b = try chain.start(listener, port: port, members: members)
        defer { b.network.stop() }
        #expect(NetworkFixture.eventually(5) { a.network.connectedPeers == [listener.nodeID] })
        #expect(a.network.send(.ping(1), to: listener.nodeID))
    }
}

/// A TLS client that completes the handshake with a member's certificate and then writes raw bytes.
enum RawTLSClient {
    static func send(_ bytes: [UInt8], to port: Int, identity: NetworkFixture.Identity, chainCA: String) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(identity.tls.certificateChain).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: identity.tls.privateKey, format: .pem))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(chainCA.utf8)))
        tls.certificateVerification = .noHostnameVerification
        tls.minimumTLSVersion = .tlsv13
        let context = try NIOSSLContext(configuration: tls)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                }
            }
            .connect(host: "127.0.0.1", port: port).wait()
        try channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).wait()
        _ = try? channel.closeFuture.wait()
    }
}
