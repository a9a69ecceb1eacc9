import StrandChain
import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTypes

/// FISCO BCOS 2.x's JSON-RPC dialect, beside Ethereum's, so that FISCO's SDKs work unchanged:
/// the group id first (checked: another group gets -40001), FISCO's result shapes
/// (`FiscoShapes`) and codes (`FiscoStatus`).
enum FiscoNamespace {
    /// The FISCO release whose 2.x dialect this node speaks.
    static let supportedVersion = "2.9.0"

    static func register(in table: inout RPCMethodTable, _ node: RPCContext) {
        let group = node.ledger.config.groupID
        /// Registers a method whose first parameter is the group id; `body` reads the ones after it.
        func inGroup(_ name: String, groupOptional: Bool = false, _ body: @escaping @Sendable (RPCParameters) throws -> JSONValue) {
            table.register(name) { p in try body(try groupParameters(p, group: group, optional: groupOptional)) }
        }
        let chain = node.ledger.config
        inGroup("getClientVersion", groupOptional: true) { _ in
            ["FISCO-BCOS Version": .string(RPCContext.clientVersion), "Supported Version": .string(supportedVersion),
             "Chain Id": .string(String(chain.chainID)), "Build Type": "Linux/swift/release",
             // Strand's own: how its transactions are signed (sm: 国密).
             "Crypto Suite": .string(chain.suite.rawValue)]
        }
        inGroup("getGroupList", groupOptional: true) { _ in [.integer(Int64(group))] }
        inGroup("getBlockNumber") { _ in quantity(node.ledger.head.number) }
        inGroup("getPbftView") { _ in
            guard let consensus = node.consensus else {
                if chain.validators.count > 1 { return .null }  // a PBFT chain's node runs a view
                throw FiscoStatus.notPBFT
            }
            return quantity(consensus.status.withLock { $0.view })
        }
        inGroup("getSealerList") { _ in .array(try node.roster().sealers.map { .string($0.description) }) }
        inGroup("getObserverList") { _ in .array(try node.roster().observers.map { .string($0.description) }) }
        inGroup("getGroupPeers") { _ in .array(try node.roster().entries.map { .string($0.node.description) }) }
        inGroup("getNodeIDList") { _ in .array(([node.nodeID] + node.connectedPeers).map { .string($0.description) }) }
        inGroup("getConsensusStatus") { _ in try consensusStatus(node) }
        inGroup("getSyncStatus") { _ in syncStatus(node) }
        inGroup("getPeers") { _ in
            .array((node.networking?.network.peerAddresses ?? []).map { peer, address in
                ["NodeID": .string(peer.description), "IPAndPort": .string(address), "Topic": []]
            })
        }
        inGroup("getTotalTransactionCount") { _ in
            let head = node.ledger.head
            return ["blockNumber": quantity(head.number), "txSum": quantity(head.transactionCount),
                    "failedTxSum": quantity(head.failedTransactionCount)]
        }
        inGroup("getPendingTxSize") { _ in quantity(UInt64(node.pool.count)) }
        inGroup("getPendingTransactions") { _ in
            .array(node.pool.pending(limit: 1_000).map {
                FiscoShapes.transaction($0.transaction, sender: $0.sender, block: nil, blockHash: nil, index: nil)
            })
        }
        inGroup("getSystemConfigByKey") { p in try systemConfig(try p.string(0, "key"), chain, state: try node.snapshot()) }
        inGroup("getCode") { p in
            let address = try p.address(0, "address")
            let snapshot = try node.snapshot()
            let codeHash = snapshot.value(of: .codeHash(address))
            return .string(codeHash.isZero ? "0x" : Hex.encode(snapshot.code(hash: Hash(codeHash)) ?? []))
        }
        inGroup("getBlockByNumber") { p in
            let number = try RPCParameters.uint64(try p.require(0, "block number"), "block number")
            return try block(number: number, full: try p.bool(1, "include transactions", default: true), node)
        }
        inGroup("getBlockByHash") { p in
            let number = try blockNumber(ofHash: try p.hash(0, "block hash"), node)
            return try block(number: number, full: try p.bool(1, "include transactions", default: true), node)
        }
        inGroup("getBlockHashByNumber") { p in
            let number = try RPCParameters.uint64(try p.require(0, "block number"), "block number")
            return .string(try entry(number: number, node).hash.description)
        }
        inGroup("getTransactionByHash") { p in
            let hash = try p.hash(0, "transaction hash")
            if let (entry, index) = try node.locate(hash, in: try node.snapshot()) { return transaction(at: index, in: entry) }
            guard let pending = node.pool.transaction(hash) else { return .null }
            return FiscoShapes.transaction(pending.transaction, sender: pending.sender, block: nil, blockHash: nil, index: nil)
        }
        inGroup("getTransactionByBlockHashAndIndex") { p in
            let number = try blockNumber(ofHash: try p.hash(0, "block hash"), node)
            return try transaction(at: try p.require(1, "transaction index"), in: try entry(number: number, node))
        }
        inGroup("getTransactionByBlockNumberAndIndex") { p in
            let number = try RPCParameters.uint64(try p.require(0, "block number"), "block number")
            return try transaction(at: try p.require(1, "transaction index"), in: try entry(number: number, node))
        }
        inGroup("getTransactionReceipt") { p in
            guard let (entry, index) = try node.locate(try p.hash(0, "transaction hash"), in: try node.snapshot()) else { return .null }
            return FiscoShapes.receipt(entry.receipts[index], tx: entry.block.transactions[index], sender: entry.senders[index],
                                       block: entry.block.header, blockHash: entry.hash)
        }
        inGroup("call") { p in try call(try p.object(0, "call"), node) }
        table.registerRawTransaction("sendRawTransaction", refusal: FiscoStatus.refusal) { p throws(RPCError) in
            _ = try groupParameters(p, group: group, optional: false)
            return 1
        }
    }

    /// The parameters after the group id, once it names this chain's group.
    static func groupParameters(_ p: RPCParameters, group: UInt64, optional: Bool) throws(RPCError) -> RPCParameters {
        guard let value = p.optional(0) else {
            if optional { return RPCParameters([]) }
            throw .invalidParams("missing group id (parameter 1)")
        }
        let named: UInt64?
        if let text = value.stringValue, !text.hasPrefix("0x") {
            named = UInt64(text)
        } else {
            named = try? RPCParameters.uint64(value, "group id")
        }
        guard let named else { throw .invalidParams("group id must be a number") }
        guard named == group else { throw FiscoStatus.groupNotFound }
        return RPCParameters(Array(p.values.dropFirst()))
    }

    private static func entry(number: UInt64, _ node: RPCContext) throws(RPCError) -> RecentBlocks.Entry {
        let snapshot = try node.snapshot()
        guard number <= snapshot.head.number else { throw FiscoStatus.blockNumberNotFound }
        do {
            guard let entry = try node.recent.entry(number: number, in: snapshot) else { throw FiscoStatus.blockNumberNotFound }
            return entry
        } catch let error as RPCError { throw error } catch { throw .internalError("\(error)") }
    }

    private static func blockNumber(ofHash hash: Hash, _ node: RPCContext) throws(RPCError) -> UInt64 {
        let number: UInt64?
        do { number = try node.snapshot().number(ofBlock: hash) } catch { throw .internalError("\(error)") }
        guard let number else { throw FiscoStatus.blockHashNotFound }
        return number
    }

    private static func block(number: UInt64, full: Bool, _ node: RPCContext) throws(RPCError) -> JSONValue {
        FiscoShapes.block(try entry(number: number, node), full: full, chain: node.ledger.config)
    }

    private static func transaction(at index: JSONValue, in entry: RecentBlocks.Entry) throws(RPCError) -> JSONValue {
        let index = try RPCParameters.uint64(index, "transaction index")
        guard index < entry.block.transactions.count else { throw FiscoStatus.transactionIndexOutOfRange }
        return transaction(at: Int(index), in: entry)
    }

    private static func transaction(at index: Int, in entry: RecentBlocks.Entry) -> JSONValue {
        FiscoShapes.transaction(entry.block.transactions[index], sender: entry.senders[index], block: entry.block.header,
                                blockHash: entry.hash, index: UInt32(index))
    }

    /// FISCO's `call`: the message runs on the latest state; `{currentBlockNumber, status, output}`.
    private static func call(_ object: JSONObject, _ node: RPCContext) throws(RPCError) -> JSONValue {
        guard let from = try object.optional("from", EthereumNamespace.addressValue) else { throw FiscoStatus.callNeedsFrom }
        let message = CallMessage(
            from: from, to: try object.optional("to", EthereumNamespace.addressValue),
            value: try object.optional("value", RPCParameters.quantity) ?? .zero,
            data: try object.optional("data", EthereumNamespace.dataValue) ?? [])
        let snapshot = try node.snapshot()
        let context = node.nextBlockContext(after: snapshot)
        let status: UInt64, output: [UInt8]
        do {
            let receipt = try CallSimulator(chainID: node.ledger.chainID).call(message, on: snapshot, context: context)
            (status, output) = (FiscoStatus.code(of: receipt, gasLimit: context.gasLimit), receipt.output)
        } catch {
            (status, output) = (FiscoStatus.code(of: error.reason), [])
        }
        return ["currentBlockNumber": quantity(snapshot.head.number), "status": quantity(status), "output": .string(Hex.encode(output))]
    }

    /// The chain settings FISCO keeps as system config, by FISCO's keys.
    /// The value in force for the next block: a governor's setting in the head's state, else genesis's.
    private static func systemConfig(_ key: String, _ chain: ChainConfig, state: LedgerSnapshot) throws(RPCError) -> JSONValue {
        switch key {
        case "tx_count_limit": .string(String(SystemConfig.Limits.value(.txCountLimit, chain: chain, state)))
        case "tx_gas_limit": .string(String(SystemConfig.Limits.value(.txGasLimit, chain: chain, state)))
        case "consensus_timeout": .string(String(SystemConfig.Limits.value(.consensusTimeout, chain: chain, state)))
        default: throw FiscoStatus.invalidSystemConfig
        }
    }

    private static func syncStatus(_ node: RPCContext) -> JSONValue {
        let head = node.ledger.head
        let heights = node.networking?.sync.peerHeights ?? [:]
        let best = node.networking?.sync.bestKnownHeight ?? head.number
        return [
            "isSyncing": .bool(best > head.number), "nodeId": .string(node.nodeID.description),
            "blockNumber": .integer(Int64(head.number)), "knownHighestNumber": .integer(Int64(best)),
            "latestHash": .string(head.hash.description), "genesisHash": .string(node.ledger.genesisHash.description),
            "txPoolSize": .string(String(node.pool.count)),
            "peers": .array(node.connectedPeers.map { peer in
                ["nodeId": .string(peer.description), "blockNumber": .integer(Int64(heights[peer] ?? 0))]
            }),
        ]
    }

    /// Where PBFT stands on this node: what FISCO's getConsensusStatus tells, as one object.
    static func consensusStatus(_ node: RPCContext) throws(RPCError) -> JSONValue {
        let chain = node.ledger.config
        let roster = try node.roster()
        let validators = roster.validators
        var object: JSONObject = [
            "validators": .array(validators.members.map { .string($0.description) }),
            "observers": .array(roster.observers.map { .string($0.description) }),
            "validatorCount": .integer(Int64(validators.count)), "quorum": .integer(Int64(validators.quorum)),
            "faultTolerance": .integer(Int64(validators.faultTolerance)),
            "consensusTimeoutMs": .integer(Int64(chain.consensusTimeoutMilliseconds)),
            "blockNumber": .integer(Int64(node.ledger.head.number)),
        ]
        guard let consensus = node.consensus else {
            object["algorithm"] = .string(chain.validators.count == 1 ? "solo" : "pbft")
            object["role"] = .string(role(of: node.nodeID, in: roster))
            return .object(object)
        }
        let status = consensus.status.withLock { $0 }
        object["algorithm"] = "pbft"
        object["role"] = .string(role(of: node.nodeID, in: roster))
        object["validatorIndex"] = status.index.map { .integer(Int64($0)) } ?? .null
        object["height"] = .integer(Int64(status.height))
        object["view"] = .integer(Int64(status.view))
        object["leaderIndex"] = .integer(Int64(status.leader))
        object["leader"] = status.validators[status.leader].map { .string($0.description) } ?? .null
        object["lockedView"] = status.lock.map { .integer(Int64($0.view)) } ?? .null
        object["lockedHash"] = status.lock.map { .string($0.blockHash.description) } ?? .null
        object["viewChanges"] = .integer(Int64(consensus.metrics.viewChanges.load(ordering: .relaxed)))
        object["blocksDecided"] = .integer(Int64(consensus.metrics.decided.load(ordering: .relaxed)))
        return .object(object)
    }

    /// FISCO's words for a node's place in the roster: "sealer", "observer", or "none" for a node
    /// with a certificate that no governor has added.
    static func role(of node: NodeID, in roster: ConsensusRoster) -> String {
        switch roster.role(of: node) {
        case .sealer?: "sealer"
        case .observer?: "observer"
        case nil: "none"
        }
    }
}
