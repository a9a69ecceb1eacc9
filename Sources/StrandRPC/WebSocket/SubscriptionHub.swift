import Dispatch
import Foundation
import Synchronization

/// Where a subscription's notifications go: a WebSocket session.
public protocol SubscriptionSink: AnyObject, Sendable {
    /// Queues one notification; a sink that cannot keep up closes itself.
    func notify(_ text: [UInt8])
}

/// Methods a WebSocket connection serves beyond the RPC service's (AMOP's, from StrandChannel).
public protocol WebSocketMethods: Sendable {
    func serves(_ method: String) -> Bool
    /// Runs off the event loop; may wait (for an answer).
    func call(_ call: RPCCall, from sink: any SubscriptionSink) -> RPCOutcome
    func sinkClosed(_ sink: any SubscriptionSink)
}

/// `eth_subscribe` for Ethereum clients: `newHeads`, `logs` (with `eth_getLogs`'s address and
/// topic filter) and `newPendingTransactions`. The node tells it what committed and what entered
/// the pool; it shapes each notification through the RPC service (so a head is what
/// `eth_getBlockByNumber` answers, a log what `eth_getLogs` does), in order, off the caller's thread.
public final class SubscriptionHub: Sendable {
    public enum Kind: String, Sendable { case newHeads, logs, newPendingTransactions }

    struct Subscription: Sendable {
        let sink: any SubscriptionSink
        let kind: Kind
        /// For `logs`: the filter's address and topics.
        let filter: JSONObject
    }

    public static let maxPerSession = 64

    private let service: any RPCService
    private let subscriptions = Mutex<[String: Subscription]>([:])
    private let nextID = Atomic<UInt64>(1)
    private let queue = DispatchQueue(label: "strand.rpc.subscriptions")
    private let extensions = Mutex<[any WebSocketMethods]>([])

    public init(service: any RPCService) {
        self.service = service
    }

    /// `eth_subscribe`'s parameters for `sink`; returns the subscription's id.
    func subscribe(_ params: [JSONValue], sink: any SubscriptionSink) throws(RPCError) -> String {
        guard let name = params.first?.stringValue, let kind = Kind(rawValue: name) else {
            throw .invalidParams("subscribe to newHeads, logs or newPendingTransactions")
        }
        var filter = JSONObject()
        if kind == .logs, params.count > 1 {
            guard let object = params[1].objectValue else { throw .invalidParams("a logs subscription's filter is an object") }
            for key in ["address", "topics"] { if let value = object[key] { filter[key] = value } }
            for key in object.keys where !["address", "topics"].contains(key) {
                throw .invalidParams("a logs subscription takes address and topics only, not \(key)")
            }
        }
        let id = "0x" + String(nextID.wrappingAdd(1, ordering: .relaxed).oldValue, radix: 16)
        let added = subscriptions.withLock { subscriptions -> Bool in
            guard subscriptions.values.count(where: { $0.sink === sink }) < Self.maxPerSession else { return false }
            subscriptions[id] = Subscription(sink: sink, kind: kind, filter: filter)
            return true
        }
        guard added else { throw RPCError(code: -32005, message: "at most \(Self.maxPerSession) subscriptions a connection") }
        return id
    }

    func unsubscribe(_ id: String, sink: any SubscriptionSink) -> Bool {
        subscriptions.withLock { subscriptions in
            guard subscriptions[id]?.sink === sink else { return false }
            subscriptions.removeValue(forKey: id)
            return true
        }
    }

    func sinkClosed(_ sink: any SubscriptionSink) {
        subscriptions.withLock { $0 = $0.filter { $0.value.sink !== sink } }
        for methods in extensions.withLock({ $0 }) { methods.sinkClosed(sink) }
    }

    /// Adds methods that WebSocket connections serve (AMOP's).
    public func add(_ methods: any WebSocketMethods) { extensions.withLock { $0.append(methods) } }

    func methods(for method: String) -> (any WebSocketMethods)? { extensions.withLock { $0.first { $0.serves(method) } } }

    /// Block `number` is on disk: its head to `newHeads`, its matching logs to each `logs`.
    public func blockCommitted(number: UInt64) {
        guard subscriptions.withLock({ $0.values.contains { $0.kind != .newPendingTransactions } }) else { return }
        queue.async { [self] in
            let current = subscriptions.withLock { $0 }
            let block = JSONValue.string("0x" + String(number, radix: 16))
            if current.values.contains(where: { $0.kind == .newHeads }),
               case .success(let head) = service.handle([RPCCall(method: "eth_getBlockByNumber", params: [block, .bool(false)])])[0].result {
                for (id, subscription) in current where subscription.kind == .newHeads { send(head, id: id, to: subscription.sink) }
            }
            for (id, subscription) in current where subscription.kind == .logs {
                var query = subscription.filter
                query["fromBlock"] = block
                query["toBlock"] = block
                guard case .success(.array(let logs)) = service.handle([RPCCall(method: "eth_getLogs", params: [.object(query)])])[0].result else {
                    continue
                }
                for log in logs { send(log, id: id, to: subscription.sink) }
            }
        }
    }

    /// Transactions entered the pool.
    public func pendingTransactions(_ hashes: [String]) {
        guard subscriptions.withLock({ $0.values.contains { $0.kind == .newPendingTransactions } }) else { return }
        queue.async { [self] in
            for (id, subscription) in subscriptions.withLock({ $0 }) where subscription.kind == .newPendingTransactions {
                for hash in hashes { send(.string(hash), id: id, to: subscription.sink) }
            }
        }
    }

    private func send(_ result: JSONValue, id: String, to sink: any SubscriptionSink) {
        let notification: JSONValue = ["jsonrpc": "2.0", "method": "eth_subscription",
                                       "params": ["subscription": .string(id), "result": result]]
        sink.notify(JSONWriter.write(notification))
    }
}
