import StrandRPC

/// FISCO BCOS's method names beside Ethereum's, so that FISCO's tools find the node. Where
/// FISCO puts a group id first, it is accepted and (for now) not checked; the FISCO dialect
/// issue makes it checked, with FISCO's result shapes.
enum FiscoNamespace {
    static func register(in table: inout RPCMethodTable, _ node: RPCContext) {
        let chainID = node.ledger.chainID
        table.register("getClientVersion") { _ in ["Client Version": .string(RPCContext.clientVersion), "Chain Id": .string(String(chainID))] }
        table.register("getBlockNumber") { _ in quantity(node.ledger.head.number) }
        table.register("getTotalTransactionCount") { _ in
            let head = node.ledger.head
            return ["blockNumber": quantity(head.number), "txSum": quantity(head.transactionCount), "failedTxSum": "0x0"]
        }
        table.register("getPendingTxSize") { _ in quantity(UInt64(node.pool.count)) }
        table.register("getSealerList") { _ in .array(node.ledger.config.validators.map { .string($0.description) }) }
        table.register("getObserverList") { _ in .array(node.observers.map { .string($0.description) }) }
        table.register("getNodeIDList") { _ in .array(([node.nodeID] + node.connectedPeers).map { .string($0.description) }) }
        table.register("getSyncStatus") { _ in
            let head = node.ledger.head
            let heights = node.networking?.sync.peerHeights ?? [:]
            let best = node.networking?.sync.bestKnownHeight ?? head.number
            return [
                "isSyncing": .bool(best > head.number), "nodeId": .string(node.nodeID.description),
                "blockNumber": .integer(Int64(head.number)), "knownHighestNumber": .integer(Int64(best)),
                "latestHash": .string(head.hash.description), "genesisHash": .string(node.ledger.genesisHash.description),
                "peers": .array(node.connectedPeers.map { peer in
                    ["nodeId": .string(peer.description), "blockNumber": .integer(Int64(heights[peer] ?? 0))]
                }),
            ]
        }
        table.register("getPeers") { _ in
            .array((node.networking?.network.peerAddresses ?? []).map { peer, address in
                ["NodeID": .string(peer.description), "IPAndPort": .string(address), "Topic": []]
            })
        }
        table.register("getPbftView") { _ in quantity(node.consensus?.status.withLock { $0.view } ?? 0) }
        table.register("getConsensusStatus") { _ in consensusStatus(node) }
        table.register("getTransactionReceipt") { p in
            try EthereumNamespace.receipt(try p.hash(p.count > 1 ? 1 : 0, "transaction hash"), node)
        }
        table.registerRawTransaction("sendRawTransaction") { p in p.count > 1 ? 1 : 0 }
    }

    /// Where PBFT stands on this node: what FISCO's getConsensusStatus tells, as one object.
    static func consensusStatus(_ node: RPCContext) -> JSONValue {
        let chain = node.ledger.config
        var object: JSONObject = [
            "validators": .array(chain.validators.map { .string($0.description) }),
            "validatorCount": .integer(Int64(chain.validators.count)), "quorum": .integer(Int64(chain.quorum)),
            "faultTolerance": .integer(Int64(chain.faultTolerance)),
            "consensusTimeoutMs": .integer(Int64(chain.consensusTimeoutMilliseconds)),
            "blockNumber": .integer(Int64(node.ledger.head.number)),
        ]
        guard let consensus = node.consensus else {
            object["algorithm"] = .string(chain.validators.count == 1 ? "solo" : "pbft")
            object["role"] = .string(chain.validatorIndex(of: node.nodeID) == nil ? "observer" : "validator")
            return .object(object)
        }
        let status = consensus.status.withLock { $0 }
        object["algorithm"] = "pbft"
        object["role"] = "validator"
        object["validatorIndex"] = .integer(Int64(status.index))
        object["height"] = .integer(Int64(status.height))
        object["view"] = .integer(Int64(status.view))
        object["leaderIndex"] = .integer(Int64(status.leader))
        object["leader"] = .string(chain.validators[Int(status.leader)].description)
        object["lockedView"] = status.lock.map { .integer(Int64($0.view)) } ?? .null
        object["lockedHash"] = status.lock.map { .string($0.blockHash.description) } ?? .null
        object["viewChanges"] = .integer(Int64(consensus.metrics.viewChanges.load(ordering: .relaxed)))
        object["blocksDecided"] = .integer(Int64(consensus.metrics.decided.load(ordering: .relaxed)))
        return .object(object)
    }
}
