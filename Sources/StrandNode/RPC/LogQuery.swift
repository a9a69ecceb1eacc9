import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTypes

/// An `eth_getLogs` filter, read strictly, and its scan over the ledger's receipts.
struct LogQuery {
    let node: RPCContext
    let snapshot: LedgerSnapshot
    var from: UInt64
    var to: UInt64
    var addresses: Set<Address>?
    /// Per position: nil matches anything, else one of the set.
    var topics: [Set<Hash>?] = []

    init(_ filter: JSONObject, _ node: RPCContext) throws(RPCError) {
        self.node = node
        snapshot = try node.snapshot()
        let head = snapshot.head.number
        func bound(_ key: String) throws(RPCError) -> UInt64 {
            switch try BlockTag(filter[key], name: key) {
            case .latest, .pending: head
            case .earliest: 0
            case .number(let n): min(n, head)
            }
        }
        from = try bound("fromBlock")
        to = try bound("toBlock")
        if let blockHash = filter["blockHash"], !blockHash.isNull {
            guard let text = blockHash.stringValue else { throw .invalidParams("blockHash must be a string") }
            let hash = try RPCParameters.hash(text, "blockHash")
            if let number = (try? snapshot.number(ofBlock: hash)) ?? nil { (from, to) = (number, number) } else { (from, to) = (1, 0) }
        }
        switch filter["address"] {
        case .string(let text)?: addresses = [try RPCParameters.address(text, "address")]
        case .array(let list)?:
            var set = Set<Address>()
            for item in list {
                guard let text = item.stringValue else { throw .invalidParams("address list must hold strings") }
                set.insert(try RPCParameters.address(text, "address"))
            }
            addresses = set
        case nil, .null?: addresses = nil
        default: throw .invalidParams("address must be a string or a list")
        }
        for entry in filter["topics"]?.arrayValue ?? [] {
            switch entry {
            case .null: topics.append(nil)
            case .string(let text): topics.append([try RPCParameters.hash(text, "topic")])
            case .array(let options):
                var set = Set<Hash>()
                for option in options {
                    guard let text = option.stringValue else { throw .invalidParams("topic options must be strings") }
                    set.insert(try RPCParameters.hash(text, "topic"))
                }
                topics.append(set)
            default: throw .invalidParams("topics must be strings, lists or null")
            }
        }
    }

    func run() throws(RPCError) -> JSONValue {
        guard from <= to else { return [] }
        guard to - from < EthereumNamespace.maxLogRange else {
            throw .invalidParams("block range of \(to - from + 1) exceeds \(EthereumNamespace.maxLogRange) blocks")
        }
        var results: [JSONValue] = []
        do {
            for number in from...to {
                guard let receipts = try snapshot.receipts(blockNumber: number), receipts.contains(where: { !$0.logs.isEmpty }),
                      let header = try snapshot.header(number: number) else { continue }
                let blockHash = header.hash
                var logIndex = 0
                for receipt in receipts {
                    for log in receipt.logs {
                        defer { logIndex += 1 }
                        if matches(log) {
                            results.append(RPCShapes.log(log, receipt: receipt, header: header, blockHash: blockHash, index: logIndex))
                        }
                    }
                }
            }
        } catch { throw .internalError("\(error)") }
        return .array(results)
    }

    private func matches(_ log: Log) -> Bool {
        if let addresses, !addresses.contains(log.address) { return false }
        return topics.enumerated().allSatisfy { i, wanted in
            wanted == nil || (i < log.topics.count && wanted!.contains(log.topics[i]))
        }
    }
}
