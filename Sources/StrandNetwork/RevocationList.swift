import StrandCrypto
import Synchronization

/// The node IDs a chain has revoked (FISCO's certificate blacklist): a handshake that names one is
/// refused, and a link to one is ended the moment it is added. Shared by every link; replaced
/// whole when the operator changes it (`Network.revoke`).
public final class RevocationList: Sendable {
    private let nodes: Mutex<Set<NodeID>>

    public init(_ nodes: Set<NodeID> = []) {
        self.nodes = Mutex(nodes)
    }

    public func contains(_ node: NodeID) -> Bool { nodes.withLock { $0.contains(node) } }

    /// Replaces the list; returns the node IDs it adds.
    @discardableResult
    func replace(with new: Set<NodeID>) -> Set<NodeID> {
        nodes.withLock { nodes in
            defer { nodes = new }
            return new.subtracting(nodes)
        }
    }
}
