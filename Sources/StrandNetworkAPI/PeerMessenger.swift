import StrandCrypto

/// What a protocol (sync, consensus) may do with the peers, whatever carries the bytes: the node's
/// TLS network (`StrandNetwork.Network`) in a node, a fake in tests. Inbound messages reach the
/// protocols through the handlers the network is started with, never through this.
public protocol PeerMessenger: Sendable {
    /// The peers with an established link, in node-ID order.
    var connectedPeers: [NodeID] { get }
    /// Queues `message` for `peer`; false when it has no link or its queue is full.
    @discardableResult
    func send(_ message: NetworkMessage, to peer: NodeID) -> Bool
    /// Queues `message` for every connected peer.
    func broadcast(_ message: NetworkMessage)
    /// Ends the link to `peer`, counting why: the peer is to blame when `error.isPeerFault`.
    func disconnect(_ peer: NodeID, because error: PeerError)
}
