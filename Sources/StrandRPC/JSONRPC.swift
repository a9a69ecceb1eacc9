import Foundation

/// JSON-RPC 2.0 framing: parsing a request body into calls and writing the answers back,
/// single or batch, with the standard error codes for what does not parse.
public enum JSONRPC {
    /// A parsed body: the calls to make, and where each answer goes.
    public struct Envelope: Equatable, Sendable {
        public enum Slot: Equatable, Sendable {
            /// The answer to calls[index], with this id.
            case call(index: Int, id: JSONValue)
            /// A notification: no answer.
            case notification(index: Int)
            /// An entry that was not a valid request: this error, with this id.
            case invalid(RPCError, id: JSONValue)
        }

        public internal(set) var calls: [RPCCall] = []
        public internal(set) var slots: [Slot] = []
        public internal(set) var isBatch = false
    }

    static let maxBatch = 10_000

    /// Parses a body; throws the error for a body that is not JSON or an empty batch.
    public static func parse(_ body: Data) throws(RPCError) -> Envelope {
        if let envelope = parseSimple(body) { return envelope }
        return try parseWithFoundation(body)
    }

    /// Any body, through `JSONSerialization`.
    public static func parseWithFoundation(_ body: Data) throws(RPCError) -> Envelope {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) } catch {
            throw .parseError("body is not valid JSON")
        }
        var envelope = Envelope()
        if case .array(let batch) = JSONValue(foundation: json) {
            guard !batch.isEmpty else { throw .invalidRequest("empty batch") }
            guard batch.count <= maxBatch else { throw .invalidRequest("batch of \(batch.count) exceeds \(maxBatch) calls") }
            envelope.isBatch = true
            for entry in batch { add(entry, to: &envelope) }
        } else {
            add(JSONValue(foundation: json), to: &envelope)
        }
        return envelope
    }

    private static func add(_ entry: JSONValue, to envelope: inout Envelope) {
        guard let object = entry.objectValue else {
            envelope.slots.append(.invalid(.invalidRequest("a request must be a JSON object"), id: .null))
            return
        }
        let id = object["id"]
        guard object["jsonrpc"] == "2.0" else {
            envelope.slots.append(.invalid(.invalidRequest("\"jsonrpc\" must be \"2.0\""), id: id ?? .null))
            return
        }
        guard let method = object["method"]?.stringValue else {
            envelope.slots.append(.invalid(.invalidRequest("\"method\" must be a string"), id: id ?? .null))
            return
        }
        switch id {
        case nil, .string?, .integer?, .double?, .null?: break
        default:
            envelope.slots.append(.invalid(.invalidRequest("\"id\" must be a string, number or null"), id: .null))
            return
        }
        let params: [JSONValue]
        switch object["params"] {
        case nil, .null?: params = []
        case .array(let list)?: params = list
        default:
            envelope.slots.append(.invalid(.invalidParams("\"params\" must be an array"), id: id ?? .null))
            return
        }
        let index = envelope.calls.count
        envelope.calls.append(RPCCall(method: method, params: params))
        envelope.slots.append(id.map { .call(index: index, id: $0) } ?? .notification(index: index))
    }

    /// The response body for the answered calls; nil when nothing is to be sent back.
    public static func respond(_ envelope: Envelope, _ outcomes: [RPCOutcome]) -> Data? {
        var answers: [JSONValue] = []
        for slot in envelope.slots {
            switch slot {
            case .call(let index, let id): answers.append(answer(outcomes[index].result, id: id))
            case .notification: continue
            case .invalid(let error, let id): answers.append(answer(.failure(error), id: id))
            }
        }
        if answers.isEmpty { return nil }
        return Data(JSONWriter.write(envelope.isBatch ? .array(answers) : answers[0]))
    }

    public static func errorBody(_ error: RPCError) -> Data {
        Data(JSONWriter.write(answer(.failure(error), id: .null)))
    }

    private static func answer(_ result: Result<JSONValue, RPCError>, id: JSONValue) -> JSONValue {
        switch result {
        case .success(let value): return ["jsonrpc": "2.0", "id": id, "result": value]
        case .failure(let error):
            var object: JSONObject = ["code": .integer(Int64(error.code)), "message": .string(error.message)]
            if let data = error.data { object["data"] = .string(data) }
            return ["jsonrpc": "2.0", "id": id, "error": .object(object)]
        }
    }
}
