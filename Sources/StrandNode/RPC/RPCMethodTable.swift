import StrandRPC
import StrandTxPool

/// The node's JSON-RPC methods by name. Each namespace registers its own; raw-transaction
/// methods are kept apart, because a batch admits all of its raw transactions at once.
struct RPCMethodTable: Sendable {
    typealias Method = @Sendable (RPCParameters) throws -> JSONValue

    /// A method that submits a raw transaction: which parameter holds it (after checking the
    /// others), and how a refusal is told in the method's dialect.
    struct RawTransactionMethod: Sendable {
        let position: @Sendable (RPCParameters) throws(RPCError) -> Int
        let refusal: @Sendable (TxPoolError) -> RPCError
    }

    private(set) var methods: [String: Method] = [:]
    private(set) var rawTransactionMethods: [String: RawTransactionMethod] = [:]

    mutating func register(_ name: String, _ method: @escaping Method) {
        precondition(methods[name] == nil && rawTransactionMethods[name] == nil, "\(name) registered twice")
        methods[name] = method
    }

    mutating func registerRawTransaction(
        _ name: String, refusal: @escaping @Sendable (TxPoolError) -> RPCError = { .rejected($0.message, cause: $0.code.rawValue) },
        position: @escaping @Sendable (RPCParameters) throws(RPCError) -> Int
    ) {
        precondition(methods[name] == nil && rawTransactionMethods[name] == nil, "\(name) registered twice")
        rawTransactionMethods[name] = RawTransactionMethod(position: position, refusal: refusal)
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
