import StrandExecution
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTypes

/// Ethereum's methods (`eth_`, `net_`, `web3_`), as web3.py and eth-account use them.
enum EthereumNamespace {
    /// Widest block range `eth_getLogs` scans in one call.
    static let maxLogRange: UInt64 = 10_000

    static func register(in table: inout RPCMethodTable, _ node: RPCContext) {
        let chainID = node.ledger.chainID
        table.register("web3_clientVersion") { _ in .string(RPCContext.clientVersion) }
        table.register("net_version") { _ in .string(String(chainID)) }
        table.register("net_listening") { _ in true }
        table.register("net_peerCount") { _ in quantity(UInt64(node.connectedPeers.count)) }
        table.register("eth_chainId") { _ in quantity(chainID) }
        table.register("eth_syncing") { _ in
            let head = node.ledger.head.number
            guard let best = node.networking?.sync.bestKnownHeight, best > head else { return false }
            return ["startingBlock": "0x0", "currentBlock": quantity(head), "highestBlock": quantity(best)]
        }
        table.register("eth_accounts") { _ in [] }
        table.register("eth_blockNumber") { _ in quantity(node.ledger.head.number) }
        table.register("eth_gasPrice") { _ in "0x0" }
        table.register("eth_maxPriorityFeePerGas") { _ in "0x0" }
        table.register("eth_feeHistory") { p in try feeHistory(p, node) }
        table.register("eth_getBalance") { p in
            let address = try p.address(0, "address")
            return try node.atLatest(p, 1) { snapshot throws(RPCError) in quantity(snapshot.value(of: .balance(address))) }
        }
        table.register("eth_getTransactionCount") { p in
            let address = try p.address(0, "address")
            if try BlockTag(p.optional(1), name: "block") == .pending, let pending = node.pool.pendingNonce(of: address) {
                return quantity(pending)
            }
            return try node.atLatest(p, 1) { snapshot throws(RPCError) in quantity(snapshot.value(of: .nonce(address))) }
        }
        table.register("eth_getCode") { p in
            let address = try p.address(0, "address")
            return try node.atLatest(p, 1) { snapshot throws(RPCError) in
                let codeHash = snapshot.value(of: .codeHash(address))
                return .string(codeHash.isZero ? "0x" : Hex.encode(snapshot.code(hash: Hash(codeHash)) ?? []))
            }
        }
        table.register("eth_getStorageAt") { p in
            let address = try p.address(0, "address")
            let slot = Hash(try RPCParameters.quantity(try p.require(1, "slot"), "slot"))
            return try node.atLatest(p, 2) { snapshot throws(RPCError) in
                .string(Hex.encode(Hash(snapshot.value(of: .storage(address, slot))).bytes))
            }
        }
        table.register("eth_call") { p in try simulate(p, node, estimate: false) }
        table.register("eth_estimateGas") { p in try simulate(p, node, estimate: true) }
        table.register("eth_getTransactionByHash") { p in try transaction(try p.hash(0, "transaction hash"), node) }
        table.register("eth_getTransactionReceipt") { p in try receipt(try p.hash(0, "transaction hash"), node) }
        table.register("eth_getBlockByNumber") { p in try block(p, node, byHash: false) }
        table.register("eth_getBlockByHash") { p in try block(p, node, byHash: true) }
        table.register("eth_getLogs") { p in try LogQuery(try p.object(0, "filter"), node).run() }
        table.registerRawTransaction("eth_sendRawTransaction") { _ in 0 }
    }

    private static func feeHistory(_ p: RPCParameters, _ node: RPCContext) throws(RPCError) -> JSONValue {
        let count = min(try RPCParameters.uint64(try p.require(0, "block count"), "block count"), 1024)
        let head = node.ledger.head.number
        guard count > 0 else { return ["oldestBlock": quantity(head), "baseFeePerGas": [], "gasUsedRatio": []] }
        let oldest = head >= count ? head - count + 1 : 0
        let blocks = Int(head - oldest + 1)
        var result: JSONObject = [
            "oldestBlock": quantity(oldest),
            "baseFeePerGas": .array(Array(repeating: "0x0", count: blocks + 1)),
            "gasUsedRatio": .array(Array(repeating: .double(0), count: blocks)),
        ]
        if let percentiles = p.optional(2)?.arrayValue {
            result["reward"] = .array(Array(repeating: .array(Array(repeating: "0x0", count: percentiles.count)), count: blocks))
        }
        return .object(result)
    }

    /// eth_call and eth_estimateGas: the message runs through the call simulator in the block
    /// it would plausibly land in, and is not kept.
    private static func simulate(_ p: RPCParameters, _ node: RPCContext, estimate: Bool) throws(RPCError) -> JSONValue {
        let object = try p.object(0, "call")
        let data = try object.optional("data", dataValue)
        let input = try object.optional("input", dataValue)
        let message = CallMessage(
            from: try object.optional("from", addressValue) ?? .zero, to: try object.optional("to", addressValue),
            value: try object.optional("value", RPCParameters.quantity) ?? .zero, data: data ?? input ?? [],
            gas: try object.optional("gas", RPCParameters.uint64))
        let snapshot = try node.snapshot()
        let simulator = CallSimulator(chainID: node.ledger.chainID)
        let context = node.nextBlockContext(after: snapshot)
        do {
            guard estimate else {
                let receipt = try simulator.call(message, on: snapshot, context: context)
                if receipt.status != .success { throw reverted(receipt) }
                return .string(Hex.encode(receipt.output))
            }
            let (gas, receipt) = try simulator.estimateGas(message, on: snapshot, context: context)
            guard let gas else { throw reverted(receipt) }
            return quantity(gas)
        } catch let refusal as CallSimulator.Refusal {
            throw RPCError(code: -32000, message: refusal.description)
        } catch let error as RPCError {
            throw error
        } catch {
            throw .internalError("\(error)")
        }
    }

    private static func reverted(_ receipt: Receipt) -> RPCError {
        .reverted(ABI.revertReason(receipt.output), data: Hex.encode(receipt.output))
    }

    private static func string(_ value: JSONValue, _ name: String) throws(RPCError) -> String {
        guard let text = value.stringValue else { throw .invalidParams("\(name) must be a string") }
        return text
    }

    static func addressValue(_ value: JSONValue, _ name: String) throws(RPCError) -> Address {
        try RPCParameters.address(try string(value, name), name)
    }

    static func dataValue(_ value: JSONValue, _ name: String) throws(RPCError) -> [UInt8] {
        try RPCParameters.data(try string(value, name), name)
    }

    static func transaction(_ hash: Hash, _ node: RPCContext) throws(RPCError) -> JSONValue {
        let snapshot = try node.snapshot()
        if let (entry, index) = try node.locate(hash, in: snapshot) {
            return RPCShapes.transaction(entry.block.transactions[index], sender: entry.senders[index], block: entry.block.header,
                                         blockHash: entry.hash, index: UInt32(index))
        }
        if let pending = node.pool.transaction(hash) {
            return RPCShapes.transaction(pending.transaction, sender: pending.sender, block: nil, blockHash: nil, index: nil)
        }
        return .null
    }

    static func receipt(_ hash: Hash, _ node: RPCContext) throws(RPCError) -> JSONValue {
        guard let (entry, index) = try node.locate(hash, in: try node.snapshot()) else { return .null }
        // Log indexes count from the start of the block, as in eth_getLogs.
        let firstLogIndex = entry.receipts[..<index].reduce(0) { $0 + $1.logs.count }
        return RPCShapes.receipt(entry.receipts[index], tx: entry.block.transactions[index], sender: entry.senders[index],
                                 block: entry.block.header, blockHash: entry.hash, firstLogIndex: firstLogIndex,
                                 feesEnabled: node.feesEnabled)
    }

    private static func block(_ p: RPCParameters, _ node: RPCContext, byHash: Bool) throws(RPCError) -> JSONValue {
        let snapshot = try node.snapshot()
        let full = try p.bool(1, "full transactions", default: false)
        let number: UInt64?
        if byHash {
            let hash = try p.hash(0, "block hash")
            do { number = try snapshot.number(ofBlock: hash) } catch { throw .internalError("\(error)") }
        } else {
            switch try BlockTag(try p.require(0, "block"), name: "block") {
            case .latest, .pending: number = snapshot.head.number
            case .earliest: number = 0
            case .number(let n): number = n
            }
        }
        do {
            // Hashes only: an old block is read without recovering its senders (nor cached).
            let lookup = full ? node.recent.entry : node.recent.peek
            guard let number, let entry = try lookup(number, snapshot) else { return .null }
            return RPCShapes.block(entry, full: full)
        } catch { throw .internalError("\(error)") }
    }
}
