import Foundation
import StrandRPC

/// An SDK's registration of contract events (FISCO 2.x's 0x15): from a block (or the next one,
/// "latest"), to a block (or for as long as the session lasts), addresses and positional topics
/// as `eth_getLogs` takes them. Matching logs are pushed on 0x1002, one frame per block.
struct EventLogFilter: Sendable, Equatable {
    var filterID: String
    /// The next block whose logs are due.
    var next: UInt64
    /// The last block wanted; nil while the session lasts.
    var last: UInt64?
    var addresses: [String]
    var topics: [JSONValue]

    struct Invalid: Error, Equatable {
        let reason: String
    }

    static let maxFilterIDBytes = 128
    static let maxAddresses = 64

    /// Parses the SDK's JSON (`fromBlock`, `toBlock`, `addresses`, `topics`, `groupID`, `filterID`);
    /// `head` is the chain's height now, which "latest" means.
    init(json body: [UInt8], head: UInt64, groupID: UInt64) throws(Invalid) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw Invalid(reason: "the registration is not a JSON object")
        }
        guard let filterID = object["filterID"] as? String, !filterID.isEmpty, filterID.utf8.count <= Self.maxFilterIDBytes else {
            throw Invalid(reason: "filterID must be a string of 1 to \(Self.maxFilterIDBytes) bytes")
        }
        let group = (object["groupID"] as? NSNumber)?.uint64Value ?? (object["groupID"] as? String).flatMap { UInt64($0) }
        guard group == groupID else { throw Invalid(reason: "groupID must be \(groupID)") }
        func block(_ key: String) throws(Invalid) -> UInt64? {
            switch object[key] {
            case nil, is NSNull: return nil
            case let text as String where text == "latest": return nil
            case let text as String:
                guard let number = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text) else {
                    throw Invalid(reason: "\(key) must be \"latest\" or a block number")
                }
                return number
            case let number as NSNumber where number.int64Value >= 0: return number.uint64Value
            default: throw Invalid(reason: "\(key) must be \"latest\" or a block number")
            }
        }
        self.filterID = filterID
        next = try block("fromBlock") ?? head + 1
        last = try block("toBlock")
        guard let addresses = (object["addresses"] ?? [String]()) as? [String], addresses.count <= Self.maxAddresses else {
            throw Invalid(reason: "addresses must be a list of at most \(Self.maxAddresses) addresses")
        }
        self.addresses = addresses
        guard let topics = (object["topics"] ?? [Any]()) as? [Any], topics.count <= 4 else {
            throw Invalid(reason: "topics must be a list of at most 4 positions")
        }
        self.topics = topics.map(JSONValue.init(foundation:))
    }

    /// `eth_getLogs`'s parameter for blocks `from`…`to`.
    func query(from: UInt64, to: UInt64) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("fromBlock", .string("0x" + String(from, radix: 16))), ("toBlock", .string("0x" + String(to, radix: 16))),
            ("topics", .array(topics)),
        ]
        if !addresses.isEmpty { members.append(("address", .array(addresses.map(JSONValue.string)))) }
        return .object(JSONObject(members))
    }
}
