import Foundation
import Logging
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import Synchronization

/// Whoever takes part in AMOP at this node: an SDK session on the channel port, or a WebSocket
/// client on the RPC port (`AMOPWebSocketMethods`).
protocol AMOPEndpoint: AnyObject, Sendable {
    func subscribes(_ topic: String) -> Bool
    var amopTopics: [String] { get }
    /// The account it proved it holds when it subscribed private `topic`; nil if none.
    func provenAccount(for topic: String) -> Address?
    /// A message for it (0x30, 0x35) or the answer to one it published (0x31).
    func deliver(_ frame: ChannelFrame)
}

/// AMOP (FISCO's Advanced Messages Onchain Protocol): an SDK publishes to a topic (0x30, or 0x35 to
/// every subscriber), the message reaches an SDK that subscribed it — at this node or at another
/// member's, as its topics announce — and the answer (0x31) comes back along the same path. No
/// subscriber: FISCO's 100; the subscriber's node lost it: 101; no answer in time: 102; a
/// publisher faster than its rate (a token bucket per endpoint): 103.
final class AMOPRouter: Sendable {
    static let noRoute: UInt32 = 100, unreachable: UInt32 = 101, timedOut: UInt32 = 102, overLimit: UInt32 = 103
    /// Messages one endpoint may publish a second, on average; bursts up to twice as many.
    static let publishesPerSecond = 1_000.0
    static let timeout: Duration = .seconds(10)
    /// FISCO's prefix of private topics: only subscribers that proved an account the publisher
    /// allows receive them.
    static let privatePrefix = "#!$TopicNeedVerify_"
    /// Messages in flight at once, beyond which a publisher is told 101 at once.
    static let maxInFlight = 10_000

    /// Who waits for an answer to a message handed to a subscriber here.
    enum Origin: Sendable {
        case local(publisher: ObjectIdentifier, sequence: [UInt8])
        case remote(node: NodeID, id: UInt64)
    }

    struct Forwarded: Sendable {
        var origin: Origin
        var deadline: ContinuousClock.Instant
    }

    /// A publisher's message sent to another node, with the nodes left to try.
    struct Outgoing: Sendable {
        var publisher: ObjectIdentifier
        var sequence: [UInt8]
        var topic: String
        var body: [UInt8]
        var allowed: [Address]
        var candidates: [NodeID]
        var deadline: ContinuousClock.Instant
    }

    struct State: Sendable {
        var version: UInt64 = 0
        var announced: Set<String> = []
        var remote: [NodeID: (version: UInt64, topics: Set<String>)] = [:]
        var nextID: UInt64 = 1
        var outgoing: [UInt64: Outgoing] = [:]
        var forwarded: [ForwardKey: Forwarded] = [:]
        /// Each publisher's token bucket: tokens left, when last filled.
        var buckets: [ObjectIdentifier: (tokens: Double, filled: ContinuousClock.Instant)] = [:]
    }

    /// A message handed to a subscriber: which session, under which sequence.
    struct ForwardKey: Hashable, Sendable {
        var subscriber: ObjectIdentifier
        var sequence: [UInt8]
    }

    private let sessions: ChannelSessions
    /// Endpoints that are not channel sessions (WebSocket clients).
    private let others = Mutex<[ObjectIdentifier: any AMOPEndpoint]>([:])
    private let counters: ChannelServer.Counters
    private let peers: (any PeerMessenger)?
    private let state = Mutex(State())

    init(sessions: ChannelSessions, counters: ChannelServer.Counters, peers: (any PeerMessenger)?) {
        self.sessions = sessions
        self.counters = counters
        self.peers = peers
    }

    private static func key(_ subscriber: ObjectIdentifier, _ sequence: [UInt8]) -> ForwardKey {
        ForwardKey(subscriber: subscriber, sequence: sequence)
    }

    private var endpoints: [any AMOPEndpoint] { sessions.all + others.withLock { Array($0.values) } }

    static func isPrivate(_ topic: String) -> Bool { topic.hasPrefix(privatePrefix) }

    /// The endpoints here that may receive a message for `topic`: subscribed, and for a private
    /// topic proven to hold one of the `allowed` accounts.
    private func subscribers(of topic: String, allowed: [Address] = [], except: ObjectIdentifier? = nil) -> [any AMOPEndpoint] {
        endpoints.filter { endpoint in
            ObjectIdentifier(endpoint) != except && endpoint.subscribes(topic)
                && (!Self.isPrivate(topic) || endpoint.provenAccount(for: topic).map(allowed.contains) == true)
        }
    }

    func register(_ endpoint: any AMOPEndpoint) { others.withLock { $0[ObjectIdentifier(endpoint)] = endpoint } }

    func unregister(_ endpoint: any AMOPEndpoint) {
        let id = ObjectIdentifier(endpoint)
        guard others.withLock({ $0.removeValue(forKey: id) }) != nil else { return }
        sessionClosed(id)
    }

    // MARK: From this node's SDKs

    /// A publisher's message (0x30 or 0x35) for `topic`; for a private topic, `allowed` names the
    /// accounts its subscribers must have proven.
    func publish(_ frame: ChannelFrame, topic: String, from publisher: any AMOPEndpoint, allowed: [Address] = []) {
        let id = ObjectIdentifier(publisher)
        let multicast = frame.kind == .amopMulticast
        guard takeToken(id) else {
            counters.ignoredFrames.wrappingAdd(1, ordering: .relaxed)
            if !multicast { publisher.deliver(answer(frame.sequence, topic: topic, result: Self.overLimit)) }
            return
        }
        let local = subscribers(of: topic, allowed: allowed, except: id)
        let remote = state.withLock { state in
            state.remote.filter { $0.value.topics.contains(topic) }.map(\.key)
        }.filter { peers?.connectedPeers.contains($0) ?? false }.shuffled()
        if multicast {
            for subscriber in local { subscriber.deliver(frame) }
            for node in remote {
                peers?.send(.subprotocol(AMOPMessage.request(id: 0, sequence: frame.sequence, topic: topic, payload: frame.body,
                                                             multicast: true, allowed: allowed).protocolMessage), to: node)
            }
            return
        }
        let deadline = ContinuousClock.now + Self.timeout
        guard state.withLock({ $0.outgoing.count + $0.forwarded.count }) < Self.maxInFlight else {
            return publisher.deliver(answer(frame.sequence, topic: topic, result: Self.unreachable))
        }
        if let subscriber = local.randomElement() {
            state.withLock { $0.forwarded[Self.key(ObjectIdentifier(subscriber), frame.sequence)] =
                Forwarded(origin: .local(publisher: id, sequence: frame.sequence), deadline: deadline) }
            subscriber.deliver(frame)
        } else if !remote.isEmpty {
            let outgoing = Outgoing(publisher: id, sequence: frame.sequence, topic: topic, body: frame.body, allowed: allowed,
                                    candidates: remote, deadline: deadline)
            let requestID = state.withLock { state -> UInt64 in
                defer { state.nextID += 1 }
                state.outgoing[state.nextID] = outgoing
                return state.nextID
            }
            tryNext(requestID)
        } else {
            publisher.deliver(answer(frame.sequence, topic: topic, result: Self.noRoute))
        }
    }

    /// A subscriber's answer (0x31).
    func answered(_ frame: ChannelFrame, by subscriber: any AMOPEndpoint) {
        guard let forwarded = state.withLock({ $0.forwarded.removeValue(forKey: Self.key(ObjectIdentifier(subscriber), frame.sequence)) }) else {
            counters.ignoredFrames.wrappingAdd(1, ordering: .relaxed)
            return
        }
        switch forwarded.origin {
        case .local(let publisher, let sequence):
            connection(publisher)?.deliver(ChannelFrame(.amopResponse, sequence: sequence, result: frame.result, body: frame.body))
        case .remote(let node, let id):
            peers?.send(.subprotocol(AMOPMessage.response(id: id, result: frame.result, payload: frame.body).protocolMessage), to: node)
        }
    }

    /// The topics of this node's sessions changed: peers hear the new set (never while no SDK
    /// here ever subscribed one, so that nodes without AMOP send nothing new on their links).
    func localTopicsChanged() {
        let topics = Set(endpoints.flatMap { $0.amopTopics })
        let announcement = state.withLock { state -> AMOPMessage? in
            guard topics != state.announced else { return nil }
            state.announced = topics
            state.version += 1
            return .topics(version: state.version, topics: topics.sorted())
        }
        if let announcement { peers?.broadcast(.subprotocol(announcement.protocolMessage)) }
    }

    /// A session ended: what it was to answer fails (101), what it waited for is forgotten.
    func sessionClosed(_ id: ObjectIdentifier) {
        let orphaned = state.withLock { state -> [Forwarded] in
            state.outgoing = state.outgoing.filter { $0.value.publisher != id }
            state.buckets.removeValue(forKey: id)
            let gone = state.forwarded.filter { $0.key.subscriber == id }
            for key in gone.keys { state.forwarded.removeValue(forKey: key) }
            return Array(gone.values)
        }
        for forwarded in orphaned { fail(forwarded.origin, result: Self.unreachable, topic: "") }
        localTopicsChanged()
    }

    /// Answers what waited too long with 102.
    func expire(now: ContinuousClock.Instant = .now) {
        let (outgoing, forwarded) = state.withLock { state -> ([Outgoing], [Forwarded]) in
            let outgoing = state.outgoing.filter { $0.value.deadline <= now }
            let forwarded = state.forwarded.filter { $0.value.deadline <= now }
            for id in outgoing.keys { state.outgoing.removeValue(forKey: id) }
            for key in forwarded.keys { state.forwarded.removeValue(forKey: key) }
            return (Array(outgoing.values), Array(forwarded.values))
        }
        for item in outgoing { connection(item.publisher)?.deliver(answer(item.sequence, topic: item.topic, result: Self.timedOut)) }
        for item in forwarded { fail(item.origin, result: Self.timedOut, topic: "") }
    }

    // MARK: From other nodes

    func peerChanged(_ peer: NodeID, up: Bool) {
        if up {
            let announcement = state.withLock { state -> AMOPMessage? in
                state.announced.isEmpty && state.version == 0 ? nil : .topics(version: state.version, topics: state.announced.sorted())
            }
            if let announcement { peers?.send(.subprotocol(announcement.protocolMessage), to: peer) }
        } else {
            state.withLock { _ = $0.remote.removeValue(forKey: peer) }
        }
    }

    func received(_ message: ProtocolMessage, from peer: NodeID) {
        let decoded: AMOPMessage
        do { decoded = try AMOPMessage.decode(message) } catch {
            counters.badFrames.wrappingAdd(1, ordering: .relaxed)
            peers?.disconnect(peer, because: .unexpectedMessage("malformed AMOP message: \(error.reason)"))
            return
        }
        switch decoded {
        case .topics(let version, let topics):
            state.withLock { state in
                guard version > state.remote[peer]?.version ?? 0 else { return }
                state.remote[peer] = (version, Set(topics))
            }
        case .request(let id, let sequence, let topic, let payload, let multicast, let allowed):
            let frame = ChannelFrame(multicast ? .amopMulticast : .amopRequest, sequence: sequence, body: payload)
            let local = subscribers(of: topic, allowed: allowed)
            if multicast { return local.forEach { $0.deliver(frame) } }
            guard let subscriber = local.randomElement() else {
                peers?.send(.subprotocol(AMOPMessage.response(id: id, result: Self.noRoute, payload: []).protocolMessage), to: peer)
                return
            }
            state.withLock { $0.forwarded[Self.key(ObjectIdentifier(subscriber), sequence)] =
                Forwarded(origin: .remote(node: peer, id: id), deadline: .now + Self.timeout) }
            subscriber.deliver(frame)
        case .response(let id, let result, let payload):
            guard let outgoing = state.withLock({ $0.outgoing[id] }) else { return }
            if result == Self.noRoute, !outgoing.candidates.isEmpty { return tryNext(id) }
            state.withLock { _ = $0.outgoing.removeValue(forKey: id) }
            connection(outgoing.publisher)?.deliver(ChannelFrame(.amopResponse, sequence: outgoing.sequence, result: result, body: payload))
        }
    }

    // MARK: Helpers

    /// Takes one of `publisher`'s tokens; false when it has published faster than its rate.
    private func takeToken(_ publisher: ObjectIdentifier, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            var bucket = state.buckets[publisher] ?? (2 * Self.publishesPerSecond, now)
            let elapsed = Double((now - bucket.filled).components.attoseconds) / 1e18 + Double((now - bucket.filled).components.seconds)
            bucket = (min(2 * Self.publishesPerSecond, bucket.tokens + elapsed * Self.publishesPerSecond), now)
            guard bucket.tokens >= 1 else {
                state.buckets[publisher] = bucket
                return false
            }
            bucket.tokens -= 1
            state.buckets[publisher] = bucket
            return true
        }
    }

    /// Sends outgoing request `id` to its next candidate, failing over past unreachable ones.
    private func tryNext(_ id: UInt64) {
        while let (node, outgoing) = state.withLock({ state -> (NodeID, Outgoing)? in
            guard var outgoing = state.outgoing[id], !outgoing.candidates.isEmpty else { return nil }
            let node = outgoing.candidates.removeFirst()
            state.outgoing[id] = outgoing
            return (node, outgoing)
        }) {
            let request = AMOPMessage.request(id: id, sequence: outgoing.sequence, topic: outgoing.topic, payload: outgoing.body,
                                              multicast: false, allowed: outgoing.allowed)
            if peers?.send(.subprotocol(request.protocolMessage), to: node) == true { return }
        }
        guard let outgoing = state.withLock({ $0.outgoing.removeValue(forKey: id) }) else { return }
        connection(outgoing.publisher)?.deliver(answer(outgoing.sequence, topic: outgoing.topic, result: Self.noRoute))
    }

    private func fail(_ origin: Origin, result: UInt32, topic: String) {
        switch origin {
        case .local(let publisher, let sequence): connection(publisher)?.deliver(answer(sequence, topic: topic, result: result))
        case .remote(let node, let id):
            peers?.send(.subprotocol(AMOPMessage.response(id: id, result: result, payload: []).protocolMessage), to: node)
        }
    }

    private func connection(_ id: ObjectIdentifier) -> (any AMOPEndpoint)? { sessions[id] ?? others.withLock { $0[id] } }

    /// An answer the node gives itself: the topic framed, no payload.
    private func answer(_ sequence: [UInt8], topic: String, result: UInt32) -> ChannelFrame {
        let topicBytes = Array(topic.utf8)
        return ChannelFrame(.amopResponse, sequence: sequence, result: result, body: [UInt8(topicBytes.count + 1)] + topicBytes)
    }
}
