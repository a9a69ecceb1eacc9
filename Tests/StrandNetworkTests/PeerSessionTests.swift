import StrandCrypto
import StrandPrimitives
@testable import StrandNetwork
import Testing

/// The link protocol without sockets: who is admitted, what a hello must say, heartbeats.
@Suite struct PeerSessionTests {
    static let me = NodeID(PrivateKey.random().publicKey)
    static let peer = NodeID(PrivateKey.random().publicKey)
    static let stranger = NodeID(PrivateKey.random().publicKey)
    static let genesis = Keccak256.hash([42])
    static let revokedPeer = NodeID(PrivateKey.random().publicKey)
    static let local = PeerSession.Local(nodeID: me, chainID: 7, genesisHash: genesis, members: [me, peer, revokedPeer],
                                         revoked: RevocationList([revokedPeer]))

    private func established() -> PeerSession {
        var session = PeerSession(local: Self.local, now: .zero)
        _ = session.tlsCompleted(certified: .success(Self.peer), now: .zero)
        _ = session.received(.hello(.init(chainID: 7, genesisHash: Self.genesis, nodeID: Self.peer)), now: .zero)
        return session
    }

    @Test func aMemberIsAdmittedAfterBothHellos() {
        var session = PeerSession(local: Self.local, now: .zero)
        #expect(session.tlsCompleted(certified: .success(Self.peer), now: .zero)
                == [.send(.hello(.init(chainID: 7, genesisHash: Self.genesis, nodeID: Self.me)))])
        #expect(session.received(.hello(.init(chainID: 7, genesisHash: Self.genesis, nodeID: Self.peer)), now: .zero)
                == [.established(Self.peer)])
        #expect(session.received(.ping(3), now: .zero) == [.send(.pong(3))])
        #expect(session.received(.consensus([1]), now: .zero) == [.deliver(.consensus([1]), from: Self.peer)])
    }

    @Test func aRevokedMemberIsRefusedWhateverItsCertificate() {
        var session = PeerSession(local: Self.local, now: .zero)
        let actions = session.tlsCompleted(certified: .success(Self.revokedPeer), now: .zero)
        #expect(actions.count == 1 && session.state == .closed)
        #expect(actions.first.map { if case .close(.revoked) = $0 { true } else { false } } == true)
    }

    @Test func strangersAndLiarsAreDropped() {
        var stranger = PeerSession(local: Self.local, now: .zero)
        #expect(stranger.tlsCompleted(certified: .success(Self.stranger), now: .zero).first.map {
            if case .close(.notAMember) = $0 { true } else { false }
        } == true)
        var myself = PeerSession(local: Self.local, now: .zero)
        #expect(myself.tlsCompleted(certified: .success(Self.me), now: .zero).count == 1)
        #expect(myself.state == .closed)

        var otherChain = PeerSession(local: Self.local, now: .zero)
        _ = otherChain.tlsCompleted(certified: .success(Self.peer), now: .zero)
        #expect(otherChain.received(.hello(.init(chainID: 8, genesisHash: Self.genesis, nodeID: Self.peer)), now: .zero).first.map {
            if case .close(.wrongChain) = $0 { true } else { false }
        } == true)

        var impostor = PeerSession(local: Self.local, now: .zero)
        _ = impostor.tlsCompleted(certified: .success(Self.peer), now: .zero)
        #expect(impostor.received(.hello(.init(chainID: 7, genesisHash: Self.genesis, nodeID: Self.me)), now: .zero).first.map {
            if case .close(.badCertificate) = $0 { true } else { false }
        } == true)

        var early = PeerSession(local: Self.local, now: .zero)
        _ = early.tlsCompleted(certified: .success(Self.peer), now: .zero)
        #expect(early.received(.ping(1), now: .zero).first.map {
            if case .close(.unexpectedMessage) = $0 { true } else { false }
        } == true)

        var twice = established()
        #expect(twice.received(.hello(.init(chainID: 7, genesisHash: Self.genesis, nodeID: Self.peer)), now: .zero).count == 1)
        #expect(twice.state == .closed)
        var garbled = established()
        #expect(garbled.receivedGarbage(.unknownType(9)) == [.close(.badMessage(.unknownType(9)))])
        #expect(garbled.received(.ping(1), now: .zero).isEmpty, "nothing after close")
    }

    @Test func heartbeatsPingAndSilenceEnds() {
        var session = established()
        #expect(session.heartbeat(now: .seconds(1), deadAfter: .seconds(6), helloWithin: .seconds(5)) == [.send(.ping(1))])
        _ = session.received(.pong(1), now: .seconds(2))
        #expect(session.heartbeat(now: .seconds(7), deadAfter: .seconds(6), helloWithin: .seconds(5)) == [.send(.ping(2))])
        #expect(session.heartbeat(now: .seconds(9), deadAfter: .seconds(6), helloWithin: .seconds(5)) == [.close(.silent)])
        var slow = PeerSession(local: Self.local, now: .zero)
        #expect(slow.heartbeat(now: .seconds(4), deadAfter: .seconds(6), helloWithin: .seconds(5)).isEmpty)
        #expect(slow.heartbeat(now: .seconds(6), deadAfter: .seconds(6), helloWithin: .seconds(5)) == [.close(.noHello)])
    }
}
