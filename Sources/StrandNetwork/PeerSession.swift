import StrandCrypto
import StrandPrimitives

/// One link's protocol, without I/O: the TLS handshake's verified node ID, then hellos both
/// ways, then messages and heartbeats. Each event returns the actions the handler carries out,
/// as swift-nio's protocol state machines do.
struct PeerSession {
    struct Local {
        let nodeID: NodeID
        let chainID: UInt64
        let genesisHash: Hash
        /// The nodes admitted; nil: every node the chain CA certified (the node then decides
        /// whom it serves).
        let members: Set<NodeID>?
        /// Node IDs refused whatever their certificate says; changes while the node runs.
        let revoked: RevocationList
    }

    enum State: Equatable {
        case awaitingTLS
        case awaitingHello(NodeID)
        case established(NodeID)
        case closed
    }

    enum Action: Equatable {
        case send(NetworkMessage)
        /// The link is up: register the peer.
        case established(NodeID)
        /// Hand a message to the node.
        case deliver(NetworkMessage, from: NodeID)
        case close(PeerError)
    }

    let local: Local
    private(set) var state: State = .awaitingTLS
    /// Monotonic time of the last frame received.
    private var lastHeard: Duration
    private var pingNonce: UInt64 = 0

    init(local: Local, now: Duration) {
        self.local = local
        lastHeard = now
    }

    /// TLS verified the peer's chain against the chain CA; `certified` is the node ID its
    /// certificate names, or why it names none.
    mutating func tlsCompleted(certified: Result<NodeID, PeerError>, now: Duration) -> [Action] {
        guard state == .awaitingTLS else { return [] }
        switch certified {
        case .failure(let error): return close(error)
        case .success(let nodeID):
            guard nodeID != local.nodeID else { return close(.notAMember("the certificate names this node itself")) }
            guard local.members?.contains(nodeID) ?? true else { return close(.notAMember("node \(nodeID.description.prefix(16))…")) }
            guard !local.revoked.contains(nodeID) else { return close(.revoked("node \(nodeID.description.prefix(16))…")) }
            state = .awaitingHello(nodeID)
            lastHeard = now
            return [.send(.hello(.init(chainID: local.chainID, genesisHash: local.genesisHash, nodeID: local.nodeID)))]
        }
    }

    mutating func received(_ message: NetworkMessage, now: Duration) -> [Action] {
        lastHeard = now
        switch state {
        case .awaitingTLS: return close(.unexpectedMessage("\(message.name) before the TLS handshake"))
        case .closed: return []
        case .awaitingHello(let certified):
            guard case .hello(let hello) = message else { return close(.unexpectedMessage("\(message.name) before hello")) }
            guard hello.protocolVersion == NetworkMessage.protocolVersion else {
                return close(.wrongChain("protocol version \(hello.protocolVersion), this node speaks \(NetworkMessage.protocolVersion)"))
            }
            guard hello.chainID == local.chainID, hello.genesisHash == local.genesisHash else {
                return close(.wrongChain("chain \(hello.chainID) with genesis \(hello.genesisHash)"))
            }
            guard hello.nodeID == certified else { return close(.badCertificate("hello names another node than the certificate")) }
            state = .established(certified)
            return [.established(certified)]
        case .established(let peer):
            switch message {
            case .hello: return close(.unexpectedMessage("a second hello"))
            case .ping(let nonce): return [.send(.pong(nonce))]
            case .pong: return []
            default: return [.deliver(message, from: peer)]
            }
        }
    }

    /// A frame that does not decode.
    mutating func receivedGarbage(_ error: MessageError) -> [Action] { close(.badMessage(error)) }

    /// Called every heartbeat interval: a ping, or the end of a silent or hello-less link.
    mutating func heartbeat(now: Duration, deadAfter: Duration, helloWithin: Duration) -> [Action] {
        switch state {
        case .closed: return []
        case .awaitingTLS, .awaitingHello:
            return now - lastHeard > helloWithin ? close(.noHello) : []
        case .established:
            if now - lastHeard > deadAfter { return close(.silent) }
            pingNonce &+= 1
            return [.send(.ping(pingNonce))]
        }
    }

    mutating func close(_ error: PeerError) -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.close(error)]
    }
}
