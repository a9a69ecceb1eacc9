import Dispatch
import Foundation
import StrandPrimitives
import StrandRPC
import Synchronization

/// AMOP for clients that are not FISCO's, over the RPC port's WebSocket, through the same router
/// as the channel port's SDKs:
///
///     amop_subscribe([topic, …])                 → true; messages arrive as `amop_message`
///                                                   notifications {requestId, topic, data, multicast}
///     amop_reply(requestId, data)                → true (false: nothing awaits that answer)
///     amop_publish(topic, data[, multicast])     → {result, data}: FISCO's code and the answer
///
/// Data is 0x-hex. A publish waits for its answer (at most the router's timeout, then 102).
public final class AMOPWebSocketMethods: WebSocketMethods {
    static let methods: Set<String> = ["amop_subscribe", "amop_publish", "amop_reply"]
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
        case "amop_subscribe":
            guard let list = p.first?.arrayValue, list.count <= ChannelSession.maxTopics,
                  let topics = Optional(list.compactMap(\.stringValue)), topics.count == list.count,
                  topics.allSatisfy({ !$0.isEmpty && $0.utf8.count <= ChannelSession.maxTopicBytes && ChannelSession.isAMOPTopic($0) }) else {
                return .error(.invalidParams("amop_subscribe takes a list of topics (1 to 255 bytes each)"))
            }
            endpoint.topics.withLock { $0 = Set(topics) }
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
            let sequence = Array(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().utf8)
            let frame = ChannelFrame(multicast ? .amopMulticast : .amopRequest, sequence: sequence, body: WebSocketAMOPEndpoint.framed(topic, payload))
            if multicast {
                router.publish(frame, topic: topic, from: endpoint)
                return .value(["result": 0])
            }
            guard let waiter = endpoint.await(sequence, limit: Self.maxWaitingPublishes) else {
                return .error(RPCError(code: -32005, message: "at most \(Self.maxWaitingPublishes) publishes wait at once a connection"))
            }
            router.publish(frame, topic: topic, from: endpoint)
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
