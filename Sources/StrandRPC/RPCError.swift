/// A JSON-RPC error object: code, message and optional data.
public struct RPCError: Error, Sendable, Equatable {
    public let code: Int
    public let message: String
    /// Extra detail, e.g. revert data as 0x-hex.
    public let data: String?

    public init(code: Int, message: String, data: String? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static func parseError(_ detail: String) -> RPCError { RPCError(code: -32700, message: "parse error: \(detail)") }
    public static func invalidRequest(_ detail: String) -> RPCError { RPCError(code: -32600, message: "invalid request: \(detail)") }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "method not found: \(method)")
    }
    public static func invalidParams(_ detail: String) -> RPCError { RPCError(code: -32602, message: "invalid params: \(detail)") }
    public static func internalError(_ detail: String) -> RPCError { RPCError(code: -32603, message: "internal error: \(detail)") }
    /// A transaction the node refused, with the reason (geth uses -32000 for these) and, as
    /// data, a short machine-readable cause such as "nonce_too_low".
    public static func rejected(_ reason: String, cause: String? = nil) -> RPCError {
        RPCError(code: -32000, message: reason, data: cause)
    }
    /// A call that reverted (code 3, as geth answers eth_call), with the revert data.
    public static func reverted(_ reason: String?, data: String) -> RPCError {
        RPCError(code: 3, message: "execution reverted" + (reason.map { ": \($0)" } ?? ""), data: data)
    }
}
