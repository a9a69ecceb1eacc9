import StrandCrypto
import StrandNetworkAPI
import Synchronization

/// A `PeerMessenger` with no sockets: it records what a protocol sends and whom it drops.
public final class RecordingMessenger: PeerMessenger {
    /// Each message and its peer (nil: broadcast).
    public let sent = Mutex<[(NetworkMessage, NodeID?)]>([])
    public let dropped = Mutex<[(NodeID, PeerError)]>([])
    let peers: [NodeID]

    public init(peers: [NodeID] = []) {
        self.peers = peers.sorted()
    }

    public var connectedPeers: [NodeID] { peers }

    public func send(_ message: NetworkMessage, to peer: NodeID) -> Bool {
        sent.withLock { $0.append((message, peer)) }
        return true
    }

    public func broadcast(_ message: NetworkMessage) { sent.withLock { $0.append((message, nil)) } }

    public func disconnect(_ peer: NodeID, because error: PeerError) { dropped.withLock { $0.append((peer, error)) } }
}
