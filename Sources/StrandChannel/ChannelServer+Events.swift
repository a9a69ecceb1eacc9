import Dispatch
import Foundation
import StrandRPC

/// Contract events pushed to the SDKs that registered for them (0x15, 0x1002).
extension ChannelServer {
    static let maxFiltersPerSession = 64
    /// Blocks one `eth_getLogs` query spans while a filter catches up.
    static let logQueryBlocks: UInt64 = 1_000

    /// Registers `json` for `connection` and answers on 0x15 with `sequence`; logs of blocks
    /// already committed (a `fromBlock` in the past) follow at once.
    func registerEvents(_ json: [UInt8], connection: ChannelConnectionHandler, sequence: [UInt8]) {
        let id = ObjectIdentifier(connection)
        let result: Int
        do {
            let filter = try EventLogFilter(json: json, head: head(), groupID: settings.groupID)
            let added = eventFilters.withLock { filters -> Bool in
                guard filters[id, default: []].count < Self.maxFiltersPerSession else { return false }
                filters[id, default: []].removeAll { $0.filterID == filter.filterID }
                filters[id, default: []].append(filter)
                return true
            }
            result = added ? ChannelSession.registered : ChannelSession.tooManyFilters
        } catch {
            logger.info("channel event registration refused: \(error.reason)")
            result = ChannelSession.badRegistration
        }
        connection.push(ChannelSession.registrationAnswer(sequence: sequence, result: result))
        if result == ChannelSession.registered { eventQueue.async { [self] in pushEvents(through: head(), only: id) } }
    }

    /// The chain's height, as the RPC service tells it.
    func head() -> UInt64 {
        let outcome = service.handle([RPCCall(method: "getBlockNumber", params: [.integer(Int64(settings.groupID))])])[0]
        guard case .success(let value) = outcome.result, let text = value.stringValue else { return 0 }
        return UInt64(text.dropFirst(2), radix: 16) ?? 0
    }

    /// Pushes every filter's (or `only` one session's) logs of blocks up to `head`, one frame per
    /// block that has any; a filter past its last block is dropped. Runs on `eventQueue` alone.
    func pushEvents(through head: UInt64, only: ObjectIdentifier? = nil) {
        let byID = sessions.byIdentifier
        let due = eventFilters.withLock { filters in
            filters.filter { only == nil || $0.key == only }.mapValues { $0.filter { $0.next <= head } }
        }
        for (id, filters) in due {
            guard let connection = byID[id] else { continue }
            for var filter in filters {
                while filter.next <= min(head, filter.last ?? head) {
                    let to = min(min(head, filter.last ?? head), filter.next + Self.logQueryBlocks - 1)
                    let outcome = service.handle([RPCCall(method: "eth_getLogs", params: [filter.query(from: filter.next, to: to)])])[0]
                    guard case .success(.array(let logs)) = outcome.result else { break }
                    var byBlock: [(String, [JSONValue])] = []
                    for log in logs {
                        let block = log.objectValue?["blockNumber"]?.stringValue ?? ""
                        if byBlock.last?.0 == block { byBlock[byBlock.count - 1].1.append(log) } else { byBlock.append((block, [log])) }
                    }
                    for (_, blockLogs) in byBlock {
                        let body: JSONValue = ["filterID": .string(filter.filterID), "result": 0, "logs": .array(blockLogs)]
                        connection.push(ChannelFrame(.eventLogPush, sequence: ChannelFrame.unsolicited, body: JSONWriter.write(body)))
                        counters.eventsPushed.wrappingAdd(blockLogs.count, ordering: .relaxed)
                    }
                    filter.next = to + 1
                }
                let advanced = filter
                eventFilters.withLock { filters in
                    guard let index = filters[id]?.firstIndex(where: { $0.filterID == advanced.filterID }) else { return }
                    if let last = advanced.last, advanced.next > last { filters[id]?.remove(at: index) } else { filters[id]?[index].next = advanced.next }
                }
            }
        }
    }
}

