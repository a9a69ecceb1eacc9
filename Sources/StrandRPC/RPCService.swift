import Foundation

/// One call of a request or batch: its method and positional parameters.
public struct RPCCall: Sendable, Equatable {
    public let method: String
    public let params: [JSONValue]

    public init(method: String, params: [JSONValue]) {
        self.method = method
        self.params = params
    }
}

/// The answer to one call: a JSON value or an error.
public struct RPCOutcome: Sendable {
    public let result: Result<JSONValue, RPCError>

    public init(_ result: Result<JSONValue, RPCError>) { self.result = result }
    public static func value(_ value: JSONValue) -> RPCOutcome { RPCOutcome(.success(value)) }
    public static func error(_ error: RPCError) -> RPCOutcome { RPCOutcome(.failure(error)) }
}

/// What serves the calls. It sees a whole batch at once, so that it can batch work
/// across calls (e.g. recover the senders of many raw transactions on all cores).
/// Called off the event loop; may block.
public protocol RPCService: Sendable {
    func handle(_ calls: [RPCCall]) -> [RPCOutcome]
    /// The Prometheus text exposition for `GET /metrics`.
    func metricsText() -> String
    /// `GET /health`: whether the node can serve (200, else 503) and a JSON body saying why.
    func health() -> (serving: Bool, body: Data)
}
