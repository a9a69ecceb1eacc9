import StrandRPC

/// The node's JSON-RPC methods by name. Each namespace registers its own; raw-transaction
/// methods are kept apart, because a batch admits all of its raw transactions at once.
struct RPCMethodTable: Sendable {
    typealias Method = @Sendable (RPCParameters) throws -> JSONValue
    /// Which parameter holds the raw transaction.
    typealias RawTransactionPosition = @Sendable (RPCParameters) -> Int

    private(set) var methods: [String: Method] = [:]
    private(set) var rawTransactionMethods: [String: RawTransactionPosition] = [:]

    mutating func register(_ name: String, _ method: @escaping Method) {
        precondition(methods[name] == nil && rawTransactionMethods[name] == nil, "\(name) registered twice")
        methods[name] = method
    }

    mutating func registerRawTransaction(_ name: String, position: @escaping RawTransactionPosition) {
        precondition(methods[name] == nil && rawTransactionMethods[name] == nil, "\(name) registered twice")
        rawTransactionMethods[name] = position
    }

    /// Answers a call that is not a raw transaction.
    func answer(_ call: RPCCall) -> RPCOutcome {
        guard let method = methods[call.method] else { return .error(.methodNotFound(call.method)) }
        do {
            return .value(try method(RPCParameters(call.params)))
        } catch let error as RPCError {
            return .error(error)
        } catch {
            return .error(.internalError("\(error)"))
        }
    }
}
