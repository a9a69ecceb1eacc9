import Foundation
import StrandCrypto
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

    func report() -> (serving: Bool, body: Data) {
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
        let view = node.consensus?.status.withLock { $0.view }

        var reasons: [String] = []
        if commitFailing { reasons.append("ledger commits are failing (disk full or I/O errors); admission paused") }
        if isValidator && validators.count > 1 && validatorsSeen < validators.quorum {
            reasons.append("no quorum: sees \(validatorsSeen) of \(validators.count) validators (itself counted), needs \(validators.quorum)")
        }
        if lag > Self.farBehind { reasons.append("far behind: \(lag) blocks behind its peers (syncing)") }
        if node.networking != nil && connected.isEmpty && !(isValidator && validators.count == 1 && chain.validators.count == 1) {
            reasons.append("isolated: no peer connected")
        }

        var object: JSONObject = [
            "status": .string(reasons.isEmpty ? "ok" : "unavailable"),
            "nodeId": .string(node.nodeID.description),
            "role": .string(isValidator ? "validator" : roster?.role(of: node.nodeID) == .observer ? "observer" : "none"),
            "height": .integer(Int64(head.number)),
            "headHash": .string(head.hash.description),
            "headAgeSeconds": .integer(Int64(now > headTimestamp ? (now - headTimestamp) / 1000 : 0)),
            "peers": .integer(Int64(connected.count)),
            "validators": .integer(Int64(validators.count)),
            "validatorsConnected": .integer(Int64(validatorsSeen)),
            "quorum": .integer(Int64(validators.quorum)),
            "syncing": .bool(lag > 0),
            "lag": .integer(Int64(lag)),
            "view": view.map { .integer(Int64($0)) } ?? .null,
            "commitFailing": .bool(commitFailing),
        ]
        if !reasons.isEmpty { object["reason"] = .string(reasons.joined(separator: "; ")) }
        return (reasons.isEmpty, Data(JSONWriter.write(.object(object))))
    }
}
