import Dispatch
import Foundation
import StrandCrypto
import StrandPrimitives
import StrandRPC
import Synchronization

/// AMOP for clients that are not FISCO's, over the RPC port's WebSocket, through the same router
/// as the channel port's SDKs:
///
///     amop_subscribe([topic, …])                 → true; messages arrive as `amop_message`
///                                                   notifications {requestId, topic, data, multicast}
///     amop_reply(requestId, data)                → true (false: nothing awaits that answer)
///     amop_publish(topic, data[, multicast[, allowed]])
///                                                → {result, data}: FISCO's code and the answer
///     amop_challenge()                           → this connection's nonce, for private topics
///
/// Data is 0x-hex. A publish waits for its answer (at most the router's timeout, then 102).
/// A private topic (FISCO's `#!$TopicNeedVerify_` prefix) is subscribed as {topic, signature}: the
/// account's signature of keccak256("strand-amop-subscribe:" ‖ nonce ‖ topic), which the node
/// checks; a publisher to it names the accounts it allows, and only subscribers that proved one of
/// them receive it.
public final class AMOPWebSocketMethods: WebSocketMethods {
    static let methods: Set<String> = ["amop_subscribe", "amop_publish", "amop_reply", "amop_challenge"]
    static let maxWaitingPublishes = 16

    private let router: AMOPRouter
    private let endpoints = Mutex<[ObjectIdentifier: WebSocketAMOPEndpoint]>([:])

    public init(channel: ChannelServer) {
        router = channel.amop
    }

    public func serves(_ method: String) -> Bool { Self.methods.contains(method) }

    public func sinkClosed(_ sink: any SubscriptionSink) {
        guard let endpoint = endpoints.withLock({ $0.removeValue(forKey: ObjectIdentifier(sink)) }) else { return }
        router.unregister(endpoint)
    }

    private func endpoint(for sink: any SubscriptionSink) -> WebSocketAMOPEndpoint {
        let (endpoint, made) = endpoints.withLock { endpoints -> (WebSocketAMOPEndpoint, Bool) in
            if let existing = endpoints[ObjectIdentifier(sink)] { return (existing, false) }
            let made = WebSocketAMOPEndpoint(sink: sink)
            endpoints[ObjectIdentifier(sink)] = made
            return (made, true)
        }
        if made { router.register(endpoint) }
        return endpoint
    }

    public func call(_ call: RPCCall, from sink: any SubscriptionSink) -> RPCOutcome {
        let endpoint = endpoint(for: sink)
        let p = call.params
        func data(_ index: Int) -> [UInt8]? { p.count > index ? p[index].stringValue.flatMap { try? Hex.decode($0) } : nil }
        switch call.method {
        case "amop_challenge":
            return .value(.string(Hex.encode(endpoint.nonce)))
        case "amop_subscribe":
            guard let list = p.first?.arrayValue, list.count <= ChannelSession.maxTopics else {
                return .error(.invalidParams("amop_subscribe takes a list of topics"))
            }
            var topics: Set<String> = [], proven: [String: Address] = [:]
            for item in list {
                guard let topic = item.stringValue ?? item.objectValue?["topic"]?.stringValue, !topic.isEmpty,
                      topic.utf8.count <= ChannelSession.maxTopicBytes, ChannelSession.isAMOPTopic(topic) else {
                    return .error(.invalidParams("a topic is 1 to 255 bytes"))
                }
                topics.insert(topic)
                guard AMOPRouter.isPrivate(topic) else { continue }
                guard let signature = item.objectValue?["signature"]?.stringValue, let account = endpoint.prove(topic, signature: signature) else {
                    return .error(.invalidParams("private topic \(topic) needs {topic, signature}: the signature of keccak256(\"strand-amop-subscribe:\" ‖ amop_challenge() ‖ topic)"))
                }
                proven[topic] = account
            }
            endpoint.subscribe(topics, proven: proven)
            router.localTopicsChanged()
            return .value(.bool(true))
        case "amop_reply":
            guard let requestID = p.first?.stringValue, let payload = data(1) else { return .error(.invalidParams("amop_reply takes a requestId and 0x-hex data")) }
            guard let topic = endpoint.takeRequest(requestID) else { return .value(.bool(false)) }
            let frame = ChannelFrame(.amopResponse, sequence: Array(requestID.utf8), body: WebSocketAMOPEndpoint.framed(topic, payload))
            router.answered(frame, by: endpoint)
            return .value(.bool(true))
        case "amop_publish":
            guard let topic = p.first?.stringValue, !topic.isEmpty, topic.utf8.count <= ChannelSession.maxTopicBytes,
                  let payload = data(1), payload.count <= AMOPMessage.maxPayloadBytes else {
                return .error(.invalidParams("amop_publish takes a topic and 0x-hex data of at most 1 MiB"))
            }
            let multicast = p.count > 2 && p[2] == .bool(true)
            var allowed: [Address] = []
            if p.count > 3 {
                guard let list = p[3].arrayValue, list.count <= AMOPMessage.maxAllowed,
                      let accounts = Optional(list.compactMap { $0.stringValue.flatMap { try? Address(hex: $0) } }), accounts.count == list.count else {
                    return .error(.invalidParams("allowed is a list of at most \(AMOPMessage.maxAllowed) addresses"))
                }
                allowed = accounts
            }
            let sequence = Array(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().utf8)
            let frame = ChannelFrame(multicast ? .amopMulticast : .amopRequest, sequence: sequence, body: WebSocketAMOPEndpoint.framed(topic, payload))
            if multicast {
                router.publish(frame, topic: topic, from: endpoint, allowed: allowed)
                return .value(["result": 0])
            }
            guard let waiter = endpoint.await(sequence, limit: Self.maxWaitingPublishes) else {
                return .error(RPCError(code: -32005, message: "at most \(Self.maxWaitingPublishes) publishes wait at once a connection"))
            }
            router.publish(frame, topic: topic, from: endpoint, allowed: allowed)
            let answer = waiter.wait(timeout: AMOPRouter.timeout + .seconds(2))
            endpoint.forget(sequence)
            guard let answer else { return .value(["result": .integer(Int64(AMOPRouter.timedOut)), "data": "0x"]) }
            let body = ChannelSession.topic(of: answer.body).map { Array(answer.body.dropFirst($0.utf8.count + 1)) } ?? answer.body
            return .value(["result": .integer(Int64(answer.result)), "data": .string(Hex.encode(body))])
        default:
            return .error(.methodNotFound(call.method))
        }
    }
}

/// A WebSocket client's part in AMOP: its topics, the messages it was handed and has yet to
/// answer, and its publishes waiting for answers.
final class WebSocketAMOPEndpoint: AMOPEndpoint, @unchecked Sendable {
    static let maxPendingRequests = 1_024

    let sink: any SubscriptionSink
    let topics = Mutex<Set<String>>([])
    /// What this connection signs to prove an account for a private topic.
    let nonce: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    private let proven = Mutex<[String: Address]>([:])
    private let requests = Mutex<[String: String]>([:])
    private let waiters = Mutex<[[UInt8]: Waiter]>([:])

    final class Waiter: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let answer = Mutex<ChannelFrame?>(nil)

        func resolve(_ frame: ChannelFrame) {
            answer.withLock { $0 = frame }
            done.signal()
        }

        func wait(timeout: Duration) -> ChannelFrame? {
            _ = done.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000)))
            return answer.withLock { $0 }
        }
    }

    init(sink: any SubscriptionSink) {
        self.sink = sink
    }

    static func framed(_ topic: String, _ payload: [UInt8]) -> [UInt8] {
        let bytes = Array(topic.utf8)
        return [UInt8(bytes.count + 1)] + bytes + payload
    }

    func subscribes(_ topic: String) -> Bool { topics.withLock { $0.contains(topic) } }

    func provenAccount(for topic: String) -> Address? { proven.withLock { $0[topic] } }

    func subscribe(_ topics: Set<String>, proven accounts: [String: Address]) {
        self.topics.withLock { $0 = topics }
        proven.withLock { $0 = accounts }
    }

    /// The account whose signature (65 bytes, 0x-hex: r, s, v) of this connection's challenge for
    /// `topic` this is; nil if it is none.
    func prove(_ topic: String, signature text: String) -> Address? {
        guard let bytes = try? Hex.decode(text), bytes.count == 65,
              let r = UInt256(bigEndian: bytes[0..<32]), let s = UInt256(bigEndian: bytes[32..<64]) else { return nil }
        let v = bytes[64] >= 27 ? bytes[64] - 27 : bytes[64]
        guard v <= 1 else { return nil }
        let message = Keccak256.hash(Array("strand-amop-subscribe:".utf8) + nonce + Array(topic.utf8))
        return try? RecoverableSignature(r: r, s: s, recoveryID: v).recoverSigner(messageHash: message)
    }
    var amopTopics: [String] { topics.withLock { Array($0) } }

    func await(_ sequence: [UInt8], limit: Int) -> Waiter? {
        waiters.withLock { waiters in
            guard waiters.count < limit else { return nil }
            let waiter = Waiter()
            waiters[sequence] = waiter
            return waiter
        }
    }

    func forget(_ sequence: [UInt8]) { waiters.withLock { _ = $0.removeValue(forKey: sequence) } }

    func takeRequest(_ id: String) -> String? { requests.withLock { $0.removeValue(forKey: id) } }

    func deliver(_ frame: ChannelFrame) {
        if frame.kind == .amopResponse {
            waiters.withLock { $0[frame.sequence] }?.resolve(frame)
            return
        }
        guard let topic = ChannelSession.topic(of: frame.body) else { return }
        let requestID = String(decoding: frame.sequence, as: UTF8.self)
        let multicast = frame.kind == .amopMulticast
        if !multicast {
            requests.withLock { requests in if requests.count < Self.maxPendingRequests { requests[requestID] = topic } }
        }
        let data = Array(frame.body.dropFirst(topic.utf8.count + 1))
        let notification: JSONValue = ["jsonrpc": "2.0", "method": "amop_message", "params": [
            "requestId": .string(requestID), "topic": .string(topic), "data": .string(Hex.encode(data)), "multicast": .bool(multicast),
        ]]
        sink.notify(JSONWriter.write(notification))
    }
}
