import StrandCrypto
import StrandNetwork
import StrandNetworkAPI
import StrandTypes
import Synchronization

/// Whom this node serves: the sealers and observers of the roster at its head. A node that the
/// chain CA certified may link before a governor adds it, but nothing is sent to it and its sync
/// requests go unanswered until it is a member; a removed node stops receiving from the block that
/// removed it.
///
/// Both the PBFT host (as soon as it appends a block) and the committer's announcement update it;
/// a roster older than the one held is ignored, so the two never undo each other.
final class ChainMembers: Sendable {
    private let members: Mutex<(height: UInt64, nodes: Set<NodeID>)>

    init(roster: ConsensusRoster, height: UInt64) {
        members = Mutex((height, Set(roster.entries.map(\.node))))
    }

    func contains(_ node: NodeID) -> Bool {
        members.withLock { $0.nodes.contains(node) }
    }

    /// Takes the roster that the block at `height` left; returns the nodes that left.
    @discardableResult
    func update(_ roster: ConsensusRoster, height: UInt64) -> Set<NodeID> {
        members.withLock { members in
            guard height > members.height else { return [] }
            let now = Set(roster.entries.map(\.node))
            defer { members = (height, now) }
            return members.nodes.subtracting(now)
        }
    }
}

/// The links as sync and consensus see them: members only.
struct MembersOnlyMessenger: PeerMessenger {
    let network: Network
    let members: ChainMembers

    var connectedPeers: [NodeID] { network.connectedPeers.filter(members.contains) }

    @discardableResult
    func send(_ message: NetworkMessage, to peer: NodeID) -> Bool {
        guard members.contains(peer) else { return false }
        return network.send(message, to: peer)
    }

    func broadcast(_ message: NetworkMessage) {
        network.broadcast(message, to: members.contains)
    }

    func disconnect(_ peer: NodeID, because error: PeerError) {
        network.disconnect(peer, because: error)
    }
}
