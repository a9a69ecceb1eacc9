import StrandByzantine
import StrandConsensus
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// The proxy that makes an honest host lie, in the simulator and in `strand-dev`: its lies are
/// validly signed, and what it does not bend passes unchanged.
@Suite struct ByzantineMessengerTests {
    static let peers = [0, 2, 3].map { Cluster.chain.validators[$0] }

    static func liar(_ behaviour: ByzantineBehaviour) -> (ByzantineMessenger, RecordingMessenger) {
        let links = RecordingMessenger(peers: peers)
        return (ByzantineMessenger(wrapping: links, behaviour: behaviour, chain: Cluster.chain, authenticator: Cluster.authenticator(1), index: 1), links)
    }

    static func proposal() -> NetworkMessage {
        var proposal = Proposal(view: 0, block: Cluster.block(0xA), justification: [], validator: 1, signature: .init(r: .zero, s: .zero, recoveryID: 0))
        proposal.signature = Cluster.authenticator(1).sign(Cluster.chain.digest(of: proposal))
        return .subprotocol(.consensus(ConsensusMessage.proposal(proposal).encoded))
    }

    static func consensus(_ message: NetworkMessage) throws -> ConsensusMessage {
        guard case .subprotocol(let carried) = message else { throw MessageError.malformed("not a protocol message") }
        return try ConsensusMessage.decode(try carried.opaqueBytes())
    }

    @Test func anEquivocatorSendsTwoSignedProposalsToTheTwoHalvesOfItsPeers() throws {
        let (liar, links) = Self.liar(.equivocate)
        liar.broadcast(Self.proposal())
        let sent = links.sent.withLock { $0 }
        #expect(sent.map(\.1) == Self.peers.sorted())
        var hashes = Set<Hash>()
        for (message, _) in sent {
            guard case .proposal(let proposal) = try Self.consensus(message) else { Issue.record("not a proposal"); continue }
            #expect(Cluster.authenticator(0).isSigned(Cluster.chain.digest(of: proposal), by: Cluster.ids[1], signature: proposal.signature))
            hashes.insert(proposal.block.hash)
        }
        #expect(hashes.count == 2)
    }

    @Test func aBadStateRootIsResignedSoThatOnlyExecutionCatchesIt() throws {
        let (liar, links) = Self.liar(.badStateRoot)
        liar.broadcast(Self.proposal())
        let sent = try #require(links.sent.withLock { $0.first })
        guard case .proposal(let proposal) = try Self.consensus(sent.0) else { Issue.record("not a proposal"); return }
        #expect(proposal.block.header.stateRoot != Cluster.block(0xA).header.stateRoot)
        #expect(Cluster.authenticator(0).isSigned(Cluster.chain.digest(of: proposal), by: Cluster.ids[1], signature: proposal.signature))
    }

    @Test func aWithholderDropsVotesButPassesEverythingElse() {
        let (liar, links) = Self.liar(.withholdVotes)
        var vote = Vote(phase: .prepare, height: 1, view: 0, blockHash: Cluster.block(0xA).hash, validator: 1, signature: .init(r: .zero, s: .zero, recoveryID: 0))
        vote.signature = Cluster.authenticator(1).sign(Cluster.chain.digest(of: vote))
        liar.broadcast(.subprotocol(.consensus(ConsensusMessage.vote(vote).encoded)))
        #expect(links.sent.withLock { $0.isEmpty })
        liar.broadcast(.ping(7))
        liar.broadcast(Self.proposal())
        #expect(links.sent.withLock { $0.map(\.0) } == [.ping(7), Self.proposal()])
    }

    @Test func aFlooderAsksForViewsFarAheadAtTheHeightItLastSpokeAt() throws {
        let (liar, links) = Self.liar(.hugeViews)
        liar.broadcast(Self.proposal())
        #expect(liar.flood() == 1)
        let sent = try #require(links.sent.withLock { $0.last })
        guard case .viewChange(let change) = try Self.consensus(sent.0) else { Issue.record("not a view change"); return }
        #expect(change.height == 1 && change.view > 1 << 40 && change.validator == 1)
    }
}
