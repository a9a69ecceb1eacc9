import StrandCrypto
import Synchronization

/// What a chain has revoked: node IDs (FISCO's certificate blacklist) and certificates (the
/// chain CA's `CertificateRevocationList`). A handshake that names either is refused, and a link
/// to one is ended the moment it is added. Shared by every link; replaced whole when the
/// operator changes it (`Network.revoke`).
public final class RevocationList: Sendable {
    private let revoked: Mutex<(nodes: Set<NodeID>, certificates: CertificateRevocationList)>

    public init(_ nodes: Set<NodeID> = [], certificates: CertificateRevocationList = .init()) {
        revoked = Mutex((nodes, certificates))
    }

    public func contains(_ node: NodeID) -> Bool { revoked.withLock { $0.nodes.contains(node) } }

    public func revokes(serial: some Collection<UInt8>) -> Bool { revoked.withLock { $0.certificates.revokes(serial: serial) } }

    /// Replaces the lists; returns the node IDs and serials they add.
    @discardableResult
    func replace(nodes: Set<NodeID>, certificates: CertificateRevocationList) -> (nodes: Set<NodeID>, serials: Set<[UInt8]>) {
        revoked.withLock { revoked in
            defer { revoked = (nodes, certificates) }
            return (nodes.subtracting(revoked.nodes), certificates.serials.subtracting(revoked.certificates.serials))
        }
    }
}
