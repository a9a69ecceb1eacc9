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
    /// The highest block fetched so far, imported or still on its way to import.
    private var fetchedThrough: UInt64 = 0
    /// When blocks last arrived or imported.
    private var lastProgress: Duration = .zero
    /// How far fetching may run ahead of the import, in requests.
    public let lookahead: UInt64 = 2
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
        fetchedThrough = max(fetchedThrough, request.from + UInt64(count) - 1)
        lastProgress = now
        return next(localHeight: localHeight, now: now)
    }

    /// The blocks from `peer` were imported (`imported` of them) or refused: a refusal drops
    /// the peer, and whatever was asked of it is asked elsewhere.
    public mutating func imported(from peer: NodeID, imported: Int, refused: String?, localHeight: UInt64, now: Duration) -> [Action] {
        lastProgress = now
        guard let refused else { return next(localHeight: localHeight, now: now) }
        // What was fetched past the refused block is fetched again, from someone else.
        fetchedThrough = localHeight
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
        // Fetched blocks that never imported (a local failure left a gap): fetch them again.
        if inFlight == nil, fetchedThrough > localHeight, now - lastProgress > timeout {
            fetchedThrough = localHeight
        }
        return next(localHeight: localHeight, now: now)
    }

    private mutating func next(localHeight: UInt64, now: Duration) -> [Action] {
        guard inFlight == nil else { return [] }
        if fetchedThrough < localHeight { fetchedThrough = localHeight }
        // Fetched blocks waiting for import are bounded, and so is the memory they hold.
        guard fetchedThrough - localHeight < lookahead * batch else { return [] }
        let base = fetchedThrough
        let ahead = heights.filter { $0.value > base }
        guard !ahead.isEmpty else { return [] }
        // The highest peer that has not been slow; ties by node ID, so that runs repeat.
        let ranked = ahead.sorted { a, b in
            let (slowA, slowB) = (slow.contains(a.key), slow.contains(b.key))
            if slowA != slowB { return !slowA }
            return a.value != b.value ? a.value > b.value : a.key < b.key
        }
        let (peer, height) = ranked[0]
        let count = min(batch, height - base)
        let request = Request(peer: peer, from: base + 1, count: count, sentAt: now)
        inFlight = request
        return [.request(peer: peer, from: request.from, count: count)]
    }
}
