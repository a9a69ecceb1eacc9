import StrandCrypto

/// Decides which blocks to fetch from whom, without I/O: peers' heads in, requests and
/// verdicts out. One request is in flight at a time, the next asked for as soon as an answer
/// arrives (while that answer imports); a peer that does not answer in time is skipped for
/// the next request, one that serves a bad block is dropped.
public struct SyncPlanner: Sendable {
    public struct Request: Equatable, Sendable {
        public let peer: NodeID
        public let from: UInt64
        public let count: UInt64
        let sentAt: Duration
    }

    public enum Action: Equatable, Sendable {
        case request(peer: NodeID, from: UInt64, count: UInt64)
        /// The peer misbehaved: end its link.
        case drop(NodeID, reason: String)
    }

    public let batch: UInt64
    public let timeout: Duration
    /// Each peer's latest reported height.
    public private(set) var heights: [NodeID: UInt64] = [:]
    public private(set) var inFlight: Request?
    /// Peers that timed out once: asked last until they answer again.
    private var slow: Set<NodeID> = []

    public init(batch: UInt64 = 64, timeout: Duration = .seconds(5)) {
        self.batch = batch
        self.timeout = timeout
    }

    /// The highest height any peer reported.
    public var bestKnownHeight: UInt64 { heights.values.max() ?? 0 }

    public mutating func status(of peer: NodeID, height: UInt64, localHeight: UInt64, now: Duration) -> [Action] {
        heights[peer] = height
        return next(localHeight: localHeight, now: now)
    }

    public mutating func peerGone(_ peer: NodeID, localHeight: UInt64, now: Duration) -> [Action] {
        heights[peer] = nil
        slow.remove(peer)
        if inFlight?.peer == peer { inFlight = nil }
        return next(localHeight: localHeight, now: now)
    }

    /// `count` blocks arrived from `peer`, to be imported on top of `localHeight`: the next
    /// range is asked for at once, so that serving and sending it overlap this import.
    public mutating func arrived(from peer: NodeID, count: Int, localHeight: UInt64, now: Duration) -> [Action] {
        guard let request = inFlight, request.peer == peer else { return [] }
        inFlight = nil
        slow.remove(peer)
        guard count > 0 else {
            // It claimed a height it did not serve: ask others first.
            slow.insert(peer)
            return next(localHeight: localHeight, now: now)
        }
        return next(localHeight: localHeight + UInt64(count), now: now)
    }

    /// The blocks from `peer` were imported (`imported` of them) or refused: a refusal drops
    /// the peer, and whatever was asked of it is asked elsewhere.
    public mutating func imported(from peer: NodeID, imported: Int, refused: String?, localHeight: UInt64, now: Duration) -> [Action] {
        guard let refused else { return next(localHeight: localHeight, now: now) }
        heights[peer] = nil
        slow.remove(peer)
        if inFlight?.peer == peer { inFlight = nil }
        return [.drop(peer, reason: refused)] + next(localHeight: localHeight, now: now)
    }

    /// Called about once a second: a request past its timeout is given up.
    public mutating func tick(localHeight: UInt64, now: Duration) -> [Action] {
        if let request = inFlight, now - request.sentAt > timeout {
            slow.insert(request.peer)
            inFlight = nil
        }
        return next(localHeight: localHeight, now: now)
    }

    private mutating func next(localHeight: UInt64, now: Duration) -> [Action] {
        guard inFlight == nil else { return [] }
        let ahead = heights.filter { $0.value > localHeight }
        guard !ahead.isEmpty else { return [] }
        // The highest peer that has not been slow; ties by node ID, so that runs repeat.
        let ranked = ahead.sorted { a, b in
            let (slowA, slowB) = (slow.contains(a.key), slow.contains(b.key))
            if slowA != slowB { return !slowA }
            return a.value != b.value ? a.value > b.value : a.key < b.key
        }
        let (peer, height) = ranked[0]
        let count = min(batch, height - localHeight)
        let request = Request(peer: peer, from: localHeight + 1, count: count, sentAt: now)
        inFlight = request
        return [.request(peer: peer, from: request.from, count: count)]
    }
}
