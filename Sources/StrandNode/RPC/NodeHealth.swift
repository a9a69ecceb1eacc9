import Foundation
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandRPC
import StrandTypes

/// What `GET /health` answers: the node's own view of whether it can serve, for load balancers,
/// `strand chain start` (which waits on it) and `strand chain status` (which shows it).
///
/// Unavailable (503) when a PBFT validator sees fewer validators than a quorum (itself counted),
/// when the ledger's commits fail, when the node is more than `farBehind` blocks behind the
/// highest height a peer reports, or when a node of a network has no peer at all. An idle chain
/// is healthy: blocks are made only when there is work, so the head's age is shown, not judged.
struct NodeHealth {
    /// Lag, in blocks, past which a node's answers are too stale to serve.
    static let farBehind: UInt64 = 64

    let node: RPCContext

    /// The node's state and the reasons it cannot serve, if any.
    struct Assessment {
        var reasons: [String]
        var role: NodeStatusReport.Role
        var height: UInt64
        var headHash: Hash
        var headAgeSeconds: UInt64
        var peers: Int
        var validators: Int
        var validatorsSeen: Int
        var quorum: Int
        var lag: UInt64
        var view: UInt64?
        var commitFailing: Bool

        var serving: Bool { reasons.isEmpty }

        /// What this node tells its peers of itself (the `status` protocol).
        var statusReport: NodeStatusReport {
            NodeStatusReport(height: height, view: view, peers: UInt64(peers), role: role, healthy: serving,
                             reason: reasons.joined(separator: "; "))
        }
    }

    func assess() -> Assessment {
        let chain = node.ledger.config
        let roster = try? node.roster()
        let validators = (roster ?? ConsensusRoster(entries: [])).validators
        let head = node.ledger.head
        let headTimestamp = ((try? node.ledger.header(number: head.number)) ?? nil)?.timestamp ?? 0
        let now = node.clock.wallMilliseconds()
        let connected = Set(node.connectedPeers)
        let isValidator = validators.contains(node.nodeID)
        let validatorsSeen = validators.members.filter { $0 == node.nodeID || connected.contains($0) }.count
        let best = node.networking?.sync.bestKnownHeight ?? head.number
        let lag = best > head.number ? best - head.number : 0
        let commitFailing = node.metrics.commitFailing.load(ordering: .relaxed) == 1

        var reasons: [String] = []
        if commitFailing { reasons.append("ledger commits are failing (disk full or I/O errors); admission paused") }
        if isValidator && validators.count > 1 && validatorsSeen < validators.quorum {
            reasons.append("no quorum: sees \(validatorsSeen) of \(validators.count) validators (itself counted), needs \(validators.quorum)")
        }
        if lag > Self.farBehind { reasons.append("far behind: \(lag) blocks behind its peers (syncing)") }
        if node.networking != nil && connected.isEmpty && !(isValidator && validators.count == 1 && chain.validators.count == 1) {
            reasons.append("isolated: no peer connected")
        }
        return Assessment(
            reasons: reasons, role: isValidator ? .validator : roster?.role(of: node.nodeID) == .observer ? .observer : .none,
            height: head.number, headHash: head.hash, headAgeSeconds: now > headTimestamp ? (now - headTimestamp) / 1000 : 0,
            peers: connected.count, validators: validators.count, validatorsSeen: validatorsSeen, quorum: validators.quorum, lag: lag,
            view: node.consensus?.status.withLock { $0.view }, commitFailing: commitFailing)
    }

    func report() -> (serving: Bool, body: Data) {
        let health = assess()
        var object: JSONObject = [
            "status": .string(health.serving ? "ok" : "unavailable"),
            "nodeId": .string(node.nodeID.description),
            "role": .string(health.role.name),
            "height": .integer(Int64(health.height)),
            "headHash": .string(health.headHash.description),
            "headAgeSeconds": .integer(Int64(health.headAgeSeconds)),
            "peers": .integer(Int64(health.peers)),
            "validators": .integer(Int64(health.validators)),
            "validatorsConnected": .integer(Int64(health.validatorsSeen)),
            "quorum": .integer(Int64(health.quorum)),
            "syncing": .bool(health.lag > 0),
            "lag": .integer(Int64(health.lag)),
            "view": health.view.map { .integer(Int64($0)) } ?? .null,
            "commitFailing": .bool(health.commitFailing),
        ]
        if !health.serving { object["reason"] = .string(health.reasons.joined(separator: "; ")) }
        return (health.serving, Data(JSONWriter.write(.object(object))))
    }
}

extension NodeStatusReport.Role {
    /// As `/health` and the browser name it.
    var name: String {
        switch self {
        case .validator: "validator"
        case .observer: "observer"
        case .none: "none"
        }
    }
}
