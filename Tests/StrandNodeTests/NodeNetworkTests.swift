import Foundation
import Logging
@testable import StrandNode
import StrandCrypto
import StrandPrimitives
import StrandRPCClient
import StrandTestSupport
import StrandTypes
import Testing

/// Three in-process nodes on loopback, made by `ChainSetup`: a transaction sent to one
/// observer reaches every other pool once, commits, and every node ends on the same head.
@Suite(.serialized) struct NodeNetworkTests {
    @Test func gossipReachesEveryPoolOnceAndBlocksFollow() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-nodes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var setup = ChainSetup(directory: directory.path)
        setup.nodes = 3
        setup.validators = 1
        setup.developmentAccounts = 1
        setup.rpcPort = Int.random(in: 20_000..<40_000)
        setup.p2pPort = setup.rpcPort + 100
        let written = try setup.write()
        var logger = Logger(label: "nodes")
        logger.logLevel = .warning
        let nodes = try written.configs.map { try Node(config: try NodeConfig(file: $0), logger: logger) }
        for node in nodes { try node.start() }
        defer { for node in nodes.reversed() { node.stop() } }
        let connected = { nodes.allSatisfy { $0.networking!.network.connectedPeers.count == 2 } }
        #expect(eventually(10, connected))

        let accounts = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: written.accounts!))) as! [[String: String]]
        let key = try PrivateKey(hex: accounts[0]["privateKey"]!)
        let raw = UnsignedTransaction(type: .dynamicFee, chainID: setup.chainID, nonce: 0, gasLimit: 21_000,
                                      to: Address(lastBytesOf: Keccak256.hash([7])), value: UInt256(5)).signed(with: key)
        let client = try RPCClient(url: "http://127.0.0.1:\(setup.rpcPort + 2)", timeoutSeconds: 10)
        #expect(try client.call("eth_sendRawTransaction", [Hex.encode(raw.encoded)]) as? String == raw.hash.description)
        #expect(eventually(10) { nodes.allSatisfy { $0.ledger.head.number == 1 } })
        #expect(Set(nodes.map(\.ledger.head)).count == 1)
        #expect(nodes.allSatisfy { $0.pool.count == 0 })
        // Sent once by the observer the client chose, received once by each of the others.
        let gossip = nodes.map { $0.networking!.gossipCounts }
        #expect(gossip.map(\.sent) == [0, 0, 1])
        #expect(gossip.map(\.received) == [1, 1, 0])
    }
}
