@testable import StrandNode
import StrandCrypto
import StrandPrimitives
import StrandRPC
import StrandTypes
import Testing

/// The RPC service over a harness node, without sockets: dispatch by namespace, batch
/// admission, answers read back from the ledger, and strict parameters.
@Suite struct NodeRPCServiceTests {
    private func service(_ node: NodeHarness) -> NodeRPCService {
        NodeRPCService(RPCContext(ledger: node.ledger, pool: node.pool, metrics: node.metrics, recent: node.recent,
                                  clock: node.clock, feesEnabled: false, nodeID: NodeHarness.genesis.config.validators[0], genesisGovernors: NodeHarness.genesis.governors,
                                  networking: nil))
    }

    private func call(_ service: NodeRPCService, _ method: String, _ params: [JSONValue] = []) -> Result<JSONValue, RPCError> {
        service.handle([RPCCall(method: method, params: params)])[0].result
    }

    @Test func answersFromTheLedgerAndThePool() throws {
        let node = try NodeHarness()
        let rpc = service(node)
        #expect(try call(rpc, "eth_chainId").get() == "0x4ee8")
        #expect(try call(rpc, "getSealerList", [1]).get() == [.string(NodeHarness.genesis.config.validators[0].description)])
        // A batch of raw transactions is admitted together; a bad one is refused by itself.
        let raws = node.transfers(2).map { JSONValue.string(Hex.encode($0)) }
        let outcomes = rpc.handle([
            RPCCall(method: "eth_sendRawTransaction", params: [raws[0]]),
            RPCCall(method: "sendRawTransaction", params: [1, raws[1]]),
            RPCCall(method: "eth_sendRawTransaction", params: ["0x02"]),
            RPCCall(method: "eth_blockNumber", params: []),
        ])
        let hashes = try outcomes[0...1].map { try $0.result.get() }
        #expect(throws: RPCError.self) { try outcomes[2].result.get() }
        #expect(try outcomes[3].result.get() == "0x0")
        #expect(node.pool.count == 2)
        #expect(try call(rpc, "getPendingTxSize", [1]).get() == "0x2")
        // Pending, then mined.
        #expect(try call(rpc, "eth_getTransactionReceipt", [hashes[0]]).get() == .null)
        #expect(try call(rpc, "eth_getTransactionByHash", [hashes[0]]).get().objectValue?["blockHash"] == .null)
        try node.sealBlock()
        let receipt = try #require(try call(rpc, "eth_getTransactionReceipt", [hashes[0]]).get().objectValue)
        #expect(receipt["status"] == "0x1" && receipt["blockNumber"] == "0x1")
        #expect(try call(rpc, "getTransactionReceipt", [1, hashes[1]]).get().objectValue?["transactionIndex"] == "0x1")
        let block = try #require(try call(rpc, "eth_getBlockByNumber", ["latest", true]).get().objectValue)
        #expect(block["transactions"]?.arrayValue?.count == 2)
        #expect(block["timestamp"] == quantity(try node.ledger.header(number: 1)!.evmTimestamp))
        let sender = NodeHarness.accounts[0].address.description
        #expect(try call(rpc, "eth_getTransactionCount", [.string(sender), "latest"]).get() == "0x1")
    }

    /// An old block's hashes are served without recovering its senders: a client walking the
    /// chain must not make the node recover every signature in it. Its full form recovers them.
    @Test func anOldBlocksHashesCostNoRecovery() throws {
        let node = try NodeHarness()
        let rpc = service(node)
        for _ in 0...node.recent.capacity {
            try node.admitTransfers(2)
            try node.sealBlock()
        }
        let recovered = node.pool.verifier.signaturesRecovered
        let hashes = try #require(try call(rpc, "eth_getBlockByNumber", ["0x1", false]).get().objectValue)
        #expect(hashes["transactions"]?.arrayValue?.count == 2)
        #expect(node.pool.verifier.signaturesRecovered == recovered)
        let full = try #require(try call(rpc, "eth_getBlockByNumber", ["0x1", true]).get().objectValue)
        #expect(full["transactions"]?.arrayValue?.first?.objectValue?["from"] == .string(NodeHarness.accounts[0].address.description))
        #expect(node.pool.verifier.signaturesRecovered == recovered + 2)
    }

    @Test func callsAndEstimatesRunUnsignedInTheNextBlock() throws {
        let node = try NodeHarness()
        let rpc = service(node)
        let to = NodeHarness.accounts[1].address.description
        let from = NodeHarness.accounts[0].address.description
        #expect(try call(rpc, "eth_estimateGas", [["from": .string(from), "to": .string(to), "value": "0x1"]]).get() == "0x5208")
        #expect(try call(rpc, "eth_call", [["from": .string(from), "to": .string(to)], "latest"]).get() == "0x")
        // More value than the sender holds: refused as the transaction would be.
        let refused = call(rpc, "eth_call", [["from": .string(from), "to": .string(to), "value": "0xffffffffffffffffffffffffffff"]])
        #expect(throws: RPCError.self) { try refused.get() }
        #expect(node.ledger.head.number == 0 && node.pool.count == 0)
    }

    @Test func badParametersAreNamed() throws {
        let node = try NodeHarness()
        let rpc = service(node)
        func message(_ method: String, _ params: [JSONValue]) -> String? {
            if case .failure(let error) = call(rpc, method, params), error.code == -32602 { return error.message }
            return nil
        }
        #expect(message("eth_getBlockByNumber", [.double(1.5), false])?.contains("block") == true)
        #expect(message("eth_getBlockByNumber", [-1, false])?.contains("block") == true)
        #expect(message("eth_getBlockByNumber", [.double(1e30), false])?.contains("block") == true)
        #expect(message("eth_getBalance", ["0x12"])?.contains("address") == true)
        #expect(message("eth_call", [["to": "0x0000000000000000000000000000000000000001", "gas": "0x10000000000000000"]])?
            .contains("gas") == true)
        #expect(message("eth_getLogs", [["fromBlock": .string("0x" + String(repeating: "f", count: 70))]])?.contains("fromBlock") == true)
        if case .failure(let error) = call(rpc, "eth_nothing") { #expect(error.code == -32601) } else { Issue.record("answered") }
    }
}
