import StrandConsensus
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTypes
import Synchronization

/// A `PeerMessenger` around a validator's real one that bends its outgoing consensus messages
/// as `behaviour` says, re-signing them with the validator's own key so that they are valid
/// lies. Everything else passes through unchanged. Deterministic: the simulator replays it.
public final class ByzantineMessenger: PeerMessenger {
    public let behaviour: ByzantineBehaviour
    let inner: any PeerMessenger
    let chain: ChainConfig
    let authenticator: any VoteAuthenticator
    /// This validator's index as its last consensus message gave it: indexes move when the
    /// validator set changes.
    private let index: Atomic<UInt32>
    /// The height of the last consensus message this validator sent: where floods aim.
    private let lastHeight = Atomic<UInt64>(1)
    private let floods = Atomic<UInt64>(0)

    public init(wrapping inner: any PeerMessenger, behaviour: ByzantineBehaviour, chain: ChainConfig,
                authenticator: any VoteAuthenticator, index: UInt32) {
        self.inner = inner
        self.behaviour = behaviour
        self.chain = chain
        self.authenticator = authenticator
        self.index = Atomic(index)
    }

    public var connectedPeers: [NodeID] { inner.connectedPeers }

    @discardableResult
    public func send(_ message: NetworkMessage, to peer: NodeID) -> Bool { inner.send(message, to: peer) }

    public func disconnect(_ peer: NodeID, because error: PeerError) { inner.disconnect(peer, because: error) }

    public func broadcast(_ message: NetworkMessage) {
        guard case .subprotocol(let carried) = message, carried.subprotocol == .consensus,
              let bytes = try? carried.opaqueBytes(), let consensus = try? ConsensusMessage.decode(bytes) else {
            inner.broadcast(message)
            return
        }
        lastHeight.store(consensus.height, ordering: .relaxed)
        index.store(consensus.sender, ordering: .relaxed)
        switch (behaviour, consensus) {
        case (.withholdVotes, .vote), (.withholdVotes, .viewChange):
            return
        case (.badStateRoot, .proposal(var proposal)):
            proposal.block.header.stateRoot = Keccak256.hash(proposal.block.header.stateRoot.bytes)
            proposal.signature = authenticator.sign(chain.digest(of: proposal))
            send(.proposal(proposal))
        case (.equivocate, .proposal(let proposal)):
            var other = proposal
            other.block.header.timestamp += 1
            other.signature = authenticator.sign(chain.digest(of: other))
            for (position, peer) in inner.connectedPeers.sorted().enumerated() {
                inner.send(Self.carrying(.proposal(position % 2 == 0 ? proposal : other)), to: peer)
            }
        case (.votesForUnknownBlocks, .vote(let vote)):
            var phantom = vote
            phantom.blockHash = Keccak256.hash(vote.blockHash.bytes + [0xBA, 0xD0])
            phantom.signature = authenticator.sign(chain.digest(of: phantom))
            send(.vote(phantom))
            inner.broadcast(message)
        default:
            inner.broadcast(message)
        }
    }

    /// Sends a view change for a view far ahead of any honest one, signed as this validator's.
    /// A `.hugeViews` liar's owner calls it on a timer (`strand-dev`: a thread; the simulator: its
    /// own events). Returns how many it has sent.
    @discardableResult
    public func flood() -> UInt64 {
        let count = floods.wrappingAdd(1, ordering: .relaxed).newValue
        var change = ViewChange(height: lastHeight.load(ordering: .relaxed), view: (1 << 40) + count, lock: nil, lockedBlock: nil,
                                validator: index.load(ordering: .relaxed), signature: RecoverableSignature(r: .one, s: .one, recoveryID: 0))
        change.signature = authenticator.sign(chain.digest(of: change))
        send(.viewChange(change))
        return count
    }

    private func send(_ message: ConsensusMessage) {
        inner.broadcast(Self.carrying(message))
    }

    static func carrying(_ message: ConsensusMessage) -> NetworkMessage {
        .subprotocol(.consensus(message.encoded))
    }
}
