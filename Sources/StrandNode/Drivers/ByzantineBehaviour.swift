import StrandConsensus
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import StrandTypes

/// How a validator lies, for fault tests on real processes: set only through the test switch
/// `STRAND_TEST_BYZANTINE`, which release builds refuse. The honest machine runs unchanged; what
/// it sends is bent on the way out, as the simulator's scripted liars bend theirs.
public enum ByzantineBehaviour: String, CaseIterable, Sendable {
    /// As leader, proposes two blocks (the second a millisecond later) to the two halves of its peers.
    case equivocate = "equivocate"
    /// As leader, proposes blocks whose header claims a wrong state root.
    case badStateRoot = "bad-state-root"
    /// Sends no votes and no view changes.
    case withholdVotes = "withhold-votes"
    /// Floods view changes for views far ahead, five a second.
    case hugeViews = "huge-views"
}

extension PBFTDriver {
    static let floodInterval = Duration.milliseconds(200)

    /// Sends `message` as the behaviour bends it.
    func broadcast(_ message: ConsensusMessage, lying behaviour: ByzantineBehaviour, over network: any PeerMessenger) {
        switch (behaviour, message) {
        case (.withholdVotes, .vote), (.withholdVotes, .viewChange):
            return
        case (.badStateRoot, .proposal(var proposal)):
            proposal.block.header.stateRoot = Keccak256.hash(proposal.block.header.stateRoot.bytes)
            proposal.signature = authenticator.sign(chain.digest(of: proposal))
            network.broadcast(.consensus(ConsensusMessage.proposal(proposal).encoded))
        case (.equivocate, .proposal(let proposal)):
            var other = proposal
            other.block.header.timestamp += 1
            other.signature = authenticator.sign(chain.digest(of: other))
            for (index, peer) in network.connectedPeers.sorted().enumerated() {
                _ = network.send(.consensus(ConsensusMessage.proposal(index % 2 == 0 ? proposal : other).encoded), to: peer)
            }
        default:
            network.broadcast(.consensus(message.encoded))
        }
    }

    /// A view change for a view far ahead of any honest one, signed as this validator's.
    func floodViewChange(over network: any PeerMessenger) {
        floods += 1
        var change = ViewChange(height: machine.height, view: (1 << 40) + floods, lock: nil, lockedBlock: nil,
                                validator: machine.index, signature: RecoverableSignature(r: .one, s: .one, recoveryID: 0))
        change.signature = authenticator.sign(chain.digest(of: change))
        network.broadcast(.consensus(ConsensusMessage.viewChange(change).encoded))
        metrics.messagesSent.increment()
    }
}
