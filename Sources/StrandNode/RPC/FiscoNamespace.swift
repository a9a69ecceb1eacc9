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
        table.register("getPbftView") { _ in "0x0" }
        table.register("getTransactionReceipt") { p in
            try EthereumNamespace.receipt(try p.hash(p.count > 1 ? 1 : 0, "transaction hash"), node)
        }
        table.registerRawTransaction("sendRawTransaction") { p in p.count > 1 ? 1 : 0 }
    }
}
