import Foundation

/// JSON-RPC 2.0 framing: parsing a request body into calls and writing the answers back,
/// single or batch, with the standard error codes for what does not parse.
enum JSONRPC {
    /// A parsed body: the calls to make, and where each answer goes.
    struct Envelope {
        enum Slot {
            /// The answer to calls[index], with this id.
            case call(index: Int, id: Any)
            /// A notification: no answer.
            case notification(index: Int)
            /// An entry that was not a valid request: this error, with this id.
            case invalid(RPCError, id: Any)
        }

        var calls: [RPCCall] = []
        var slots: [Slot] = []
        var isBatch = false
    }

    static let maxBatch = 10_000

    /// Parses a body; throws the error for a body that is not JSON or an empty batch.
    static func parse(_ body: Data) throws(RPCError) -> Envelope {
        if let envelope = parseSimple(body) { return envelope }
        return try parseWithFoundation(body)
    }

    /// Any body, through `JSONSerialization`.
    static func parseWithFoundation(_ body: Data) throws(RPCError) -> Envelope {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) } catch {
            throw .parseError("body is not valid JSON")
        }
        var envelope = Envelope()
        if let batch = json as? [Any] {
            guard !batch.isEmpty else { throw .invalidRequest("empty batch") }
            guard batch.count <= maxBatch else { throw .invalidRequest("batch of \(batch.count) exceeds \(maxBatch) calls") }
            envelope.isBatch = true
            for entry in batch { add(entry, to: &envelope) }
        } else {
            add(json, to: &envelope)
        }
        return envelope
    }

    private static func add(_ entry: Any, to envelope: inout Envelope) {
        guard let object = entry as? [String: Any] else {
            envelope.slots.append(.invalid(.invalidRequest("a request must be a JSON object"), id: NSNull()))
            return
        }
        let id = object["id"]
        guard object["jsonrpc"] as? String == "2.0" else {
            envelope.slots.append(.invalid(.invalidRequest("\"jsonrpc\" must be \"2.0\""), id: id ?? NSNull()))
            return
        }
        guard let method = object["method"] as? String else {
            envelope.slots.append(.invalid(.invalidRequest("\"method\" must be a string"), id: id ?? NSNull()))
            return
        }
        if let id, !(id is String || id is NSNumber || id is NSNull) {
            envelope.slots.append(.invalid(.invalidRequest("\"id\" must be a string, number or null"), id: NSNull()))
            return
        }
        let params: [Any]
        switch object["params"] {
        case nil, is NSNull: params = []
        case let list as [Any]: params = list
        default:
            envelope.slots.append(.invalid(.invalidParams("\"params\" must be an array"), id: id ?? NSNull()))
            return
        }
        let index = envelope.calls.count
        envelope.calls.append(RPCCall(method: method, params: params))
        envelope.slots.append(id.map { .call(index: index, id: $0) } ?? .notification(index: index))
    }

    /// The response body for the answered calls; nil when nothing is to be sent back.
    static func respond(_ envelope: Envelope, _ outcomes: [RPCOutcome]) -> Data? {
        var answers: [[String: Any]] = []
        for slot in envelope.slots {
            switch slot {
            case .call(let index, let id): answers.append(answer(outcomes[index].result, id: id))
            case .notification: continue
            case .invalid(let error, let id): answers.append(answer(.failure(error), id: id))
            }
        }
        if answers.isEmpty { return nil }
        return serialize(envelope.isBatch ? answers : answers[0])
    }

    static func errorBody(_ error: RPCError) -> Data {
        serialize(answer(.failure(error), id: NSNull()))!
    }

    private static func answer(_ result: Result<Any, RPCError>, id: Any) -> [String: Any] {
        switch result {
        case .success(let value): return ["jsonrpc": "2.0", "id": id, "result": value]
        case .failure(let error):
            var object: [String: Any] = ["code": error.code, "message": error.message]
            if let data = error.data { object["data"] = data }
            return ["jsonrpc": "2.0", "id": id, "error": object]
        }
    }

    private static func serialize(_ value: Any) -> Data? {
        Data(JSONWriter.write(value))
    }
}
