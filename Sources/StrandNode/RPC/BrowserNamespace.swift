import Foundation
import StrandBrowser
import StrandChain
import StrandNetworkAPI
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTypes

/// What the block browser asks the node (`strand_*`): one call per page, so a page costs the
/// node a few lookups in its recent blocks, not a request per transaction. Calls and events come
/// decoded wherever the node knows the contract (`ContractCatalog`).
enum BrowserNamespace {
    /// Blocks the overview covers: its chart, its averages, its latest lists.
    static let overviewBlocks = 50
    static let latestTransactions = 20
    /// Transactions a block page lists; the rest are counted.
    static let blockPageTransactions = 1_000
    /// Blocks an address page searches for the address's transactions (the node keeps no index by
    /// address), and the signatures it may recover for blocks the node has not cached.
    static let addressSearchBlocks = 64
    static let addressRecoveryBudget = 8_192

    static func register(in table: inout RPCMethodTable, _ node: RPCContext, catalog: ContractCatalog) {
        let shapes = BrowserShapes(node: node, catalog: catalog)
        table.register("strand_overview") { _ in try overview(node, shapes) }
        table.register("strand_nodes") { _ in .array(nodes(node)) }
        table.register("strand_block") { p in
            let snapshot = try node.snapshot()
            let key = try p.require(0, "block number or hash")
            let number: UInt64?
            if case .string(let text) = key, text.count == 66 {
                number = try snapshot.readingLedger { try $0.number(ofBlock: RPCParameters.hash(text, "block hash")) }
            } else {
                number = try RPCParameters.uint64(key, "block number")
            }
            guard let number, let entry = try snapshot.readingLedger({ try node.recent.entry(number: number, in: $0) }) else { return .null }
            return shapes.block(entry, in: snapshot, listing: blockPageTransactions)
        }
        table.register("strand_transaction") { p in
            let hash = try p.hash(0, "transaction hash")
            let snapshot = try node.snapshot()
            if let (entry, index) = try node.locate(hash, in: snapshot) { return shapes.transaction(at: index, in: entry, snapshot: snapshot) }
            guard let pending = node.pool.transaction(hash) else { return .null }
            return shapes.pending(pending.transaction, sender: pending.sender, snapshot: snapshot)
        }
        table.register("strand_address") { p in
            let address = try p.address(0, "address")
            let snapshot = try node.snapshot()
            return try shapes.account(address, in: snapshot, searching: addressSearchBlocks, recoveryBudget: addressRecoveryBudget)
        }
        table.register("strand_registerAbi") { p in
            let address = try p.address(0, "contract address")
            let abi: String
            switch try p.require(1, "abi") {
            case .string(let text): abi = text
            case .array(let entries): abi = String(decoding: JSONWriter.write(.array(entries)), as: UTF8.self)
            default: throw RPCError.invalidParams("abi: a JSON array, or a string holding one")
            }
            let name = try p.optional(2).map { value throws(RPCError) in
                guard case .string(let text) = value else { throw RPCError.invalidParams("name: a string") }
                return text
            } ?? address.description
            guard !catalog.isSystem(address) else { throw RPCError.invalidParams("\(address) is a system contract; its interface is built in") }
            let codeHash = Hash(try node.snapshot().value(of: .codeHash(address)))
            guard codeHash != .zero else { throw RPCError.invalidParams("no contract code at \(address) in the latest block") }
            do throws(ABIType.Invalid) { try catalog.registry.register(codeHash: codeHash, name: name, abi: abi) } catch {
                throw RPCError.invalidParams("abi: \(error)")
            }
            let interface = catalog.registry.entry(codeHash: codeHash)!.interface
            return ["codeHash": .string(codeHash.description), "name": .string(name),
                    "functions": .integer(Int64(interface.functions.count)), "events": .integer(Int64(interface.events.count))]
        }
    }

    private static func overview(_ node: RPCContext, _ shapes: BrowserShapes) throws(RPCError) -> JSONValue {
        let snapshot = try node.snapshot()
        let head = snapshot.head
        let roster = try node.roster()
        var blocks: [JSONValue] = [], transactions: [JSONValue] = []
        var timestamps: [(UInt64, Int)] = []
        var number = head.number
        while blocks.count < overviewBlocks {
            // Peeked at, not loaded into the cache: the overview needs counts, and senders for a few.
            guard let entry = try snapshot.readingLedger({ try node.recent.peek(number: number, in: $0) }) else { break }
            blocks.append(shapes.blockSummary(entry))
            // Genesis's time is when the chain was written, not when a block was made.
            if number > 0 { timestamps.append((entry.block.header.timestamp, entry.block.transactions.count)) }
            let shown = min(latestTransactions - transactions.count, entry.block.transactions.count)
            if shown > 0 {
                let indices = Array((entry.block.transactions.count - shown)..<entry.block.transactions.count).reversed()
                let missing = indices.filter { entry.senders[$0] == nil }
                let recovered = Dictionary(uniqueKeysWithValues: zip(missing, node.recent.recoverSenders(missing.map { entry.block.transactions[$0] })))
                for index in indices {
                    transactions.append(shapes.transactionSummary(at: index, in: entry, snapshot: snapshot, sender: recovered[index] ?? nil))
                }
            }
            if number == 0 { break }
            number -= 1
        }
        let now = node.clock.wallMilliseconds()
        // Blocks come only when there is work: the rate is over the last ten seconds, not over blocks.
        let recentTransactions = timestamps.filter { $0.0 + 10_000 >= now }.reduce(0) { $0 + $1.1 }
        let averageBlockMs = timestamps.count > 1 ? (timestamps.first!.0 - timestamps.last!.0) / UInt64(timestamps.count - 1) : 0
        return [
            "height": .integer(Int64(head.number)), "headHash": .string(head.hash.description),
            "transactions": .integer(Int64(head.transactionCount)), "failedTransactions": .integer(Int64(head.failedTransactionCount)),
            "pending": .integer(Int64(node.pool.count)),
            "validators": .array(roster.validators.members.map { .string($0.description) }),
            "observers": .array(roster.observers.map { .string($0.description) }),
            "averageBlockMs": .integer(Int64(averageBlockMs)), "tps": .double(Double(recentTransactions) / 10),
            "chainId": .integer(Int64(node.ledger.config.chainID)), "groupId": .integer(Int64(node.ledger.config.groupID)),
            "cryptoSuite": .string(node.ledger.config.suite.rawValue),
            "nodeId": .string(node.nodeID.description), "now": .integer(Int64(now)),
            "blocks": .array(blocks), "latestTransactions": .array(transactions),
        ]
    }

    /// Every member and connected peer: what it last reported of itself, or that this node cannot
    /// reach it. Lag is against the highest height any of them reports.
    static func nodes(_ node: RPCContext) -> [JSONValue] {
        let roster = (try? node.roster()) ?? ConsensusRoster(entries: [])
        let connected = Set(node.connectedPeers)
        let reports = node.networking?.statusBoard.reports ?? [:]
        let own = NodeHealth(node: node).assess()
        var order = [node.nodeID] + roster.entries.map(\.node).filter { $0 != node.nodeID }
        order += connected.subtracting(order).sorted { $0.description < $1.description }
        let best = ([own.height] + reports.values.map(\.report.height)).max() ?? own.height
        let now = node.clock.wallMilliseconds()
        return order.map { id -> JSONValue in
            let role = roster.role(of: id).map { $0 == .observer ? "observer" : "validator" } ?? "not a member"
            var row: JSONObject = ["nodeId": .string(id.description), "role": .string(role), "self": .bool(id == node.nodeID)]
            let report: NodeStatusReport?
            if id == node.nodeID {
                report = own.statusReport
                row["state"] = .string(own.serving ? "up" : "unhealthy")
            } else {
                report = reports[id]?.report
                if let heard = reports[id] { row["lastHeardSeconds"] = .integer(Int64(now > heard.at ? (now - heard.at) / 1000 : 0)) }
                row["state"] = .string(!connected.contains(id) ? "down" : report.map { $0.healthy ? "up" : "unhealthy" } ?? "connecting")
            }
            if let report {
                row["height"] = .integer(Int64(report.height))
                row["lag"] = .integer(Int64(best - min(best, report.height)))
                row["view"] = report.view.map { .integer(Int64($0)) } ?? .null
                row["peers"] = .integer(Int64(report.peers))
                if !report.reason.isEmpty { row["reason"] = .string(report.reason) }
            }
            return .object(row)
        }
    }
}

extension LedgerSnapshot {
    /// Runs a ledger read, turning its failure into an internal error.
    func readingLedger<T>(_ body: (LedgerSnapshot) throws -> T) throws(RPCError) -> T {
        do { return try body(self) } catch { throw .internalError("\(error)") }
    }
}
