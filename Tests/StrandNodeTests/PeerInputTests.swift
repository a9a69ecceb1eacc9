import Foundation
import Logging
@testable import StrandNode
import StrandConsensus
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import StrandRPCClient
import StrandSync
import StrandTestSupport
import StrandTypes
import Synchronization
import Testing

/// What a node reads from clients and peers at the edges of its rules: a transaction with a
/// signature `v` out of range, by RPC, by gossip and inside a peer's block, is refused by name and
/// changes nothing; a block of the chain's largest size crosses the network as a proposal and as
/// a sync answer; a chain whose blocks a frame cannot carry is refused at `chain init`.
@Suite(.serialized) struct PeerInputTests {
    private func chain(nodes: Int, validators: Int) throws -> (setup: ChainSetup, written: ChainSetup.Written) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-peer-input-\(UUID().uuidString)")
        var setup = ChainSetup(directory: directory.path)
        setup.nodes = nodes
        setup.validators = validators
        setup.developmentAccounts = 1
        setup.rpcPort = Int.random(in: 20_000..<40_000)
        setup.p2pPort = setup.rpcPort + 100
        return (setup, try setup.write())
    }

    @Test func outOfRangeVIsRefusedFromClientsGossipAndBlocks() throws {
        let (setup, written) = try chain(nodes: 2, validators: 1)
        defer { try? FileManager.default.removeItem(atPath: setup.directory) }
        var logger = Logger(label: "peer-input")
        logger.logLevel = .critical
        let nodes = try written.configs.map { try Node(config: try NodeConfig(file: $0), logger: logger) }
        for node in nodes { try node.start() }
        defer { for node in nodes.reversed() { node.stop() } }
        let (validator, observer) = (nodes[0], nodes[1])
        #expect(eventually(10) { observer.networking!.network.connectedPeers.count == 1 })

        let accounts = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: written.accounts!))) as! [[String: String]]
        let key = try PrivateKey(hex: accounts[0]["privateKey"]!)
        let good = UnsignedTransaction(type: .dynamicFee, chainID: setup.chainID, nonce: 0, gasLimit: 21_000,
                                       to: Address(lastBytesOf: Keccak256.hash([7])), value: UInt256(5)).signed(with: key)
        let client = try RPCClient(url: "http://127.0.0.1:\(setup.rpcPort)", timeoutSeconds: 10)
        var bad: [[UInt8]] = []
        for type in [TransactionType.legacy, .dynamicFee, .fisco] {
            let signed = type == .fisco
                ? UnsignedTransaction.fisco(FiscoFields(randomID: UInt256(3), blockLimit: 10, groupID: 1), chainID: setup.chainID,
                                            gasPrice: .zero, gasLimit: 30_000, to: good.content.to, data: []).signed(with: key)
                : UnsignedTransaction(type: type, chainID: setup.chainID, nonce: 0, gasLimit: 21_000, to: good.content.to).signed(with: key)
            for v in SignatureV.outOfRange(for: type) { bad.append(try SignatureV.replacing(signed.encoded, v: v)) }
        }

        // By RPC: each refused by name, the node still serving.
        for raw in bad {
            #expect {
                _ = try client.call("eth_sendRawTransaction", [Hex.encode(raw)])
            } throws: { "\($0)".contains("v value") || "\($0)".contains("field v") }
        }
        #expect(validator.pool.count == 0)

        // By gossip: dropped, nothing admitted.
        observer.networking!.sync.handle(.transactions(bad), from: validator.networking!.nodeID)
        usleep(300_000)
        #expect(observer.pool.count == 0)

        // A good transaction commits; its block, with the transaction's v put out of range, is a
        // peer's fault when served by sync, and a proposal carrying it does not decode.
        #expect(try client.call("eth_sendRawTransaction", [Hex.encode(good.encoded)]) as? String == good.hash.description)
        #expect(eventually(10) { observer.ledger.head.number == 1 })
        let block = try #require(try validator.ledger.block(number: 1))
        let badBlock = try Self.block(block, withTransaction: SignatureV.replacing(good.encoded, v: UInt256.one << 64))
        #expect(throws: (any Error).self) { try Block(networkEncoding: badBlock) }
        let droppedBefore = observer.networking!.sync.metrics.badBlocks.load(ordering: .relaxed)
        observer.networking!.sync.handle(.blocks([badBlock]), from: validator.networking!.nodeID)
        #expect(eventually(5) { observer.networking!.sync.metrics.badBlocks.load(ordering: .relaxed) > droppedBefore })
        #expect(observer.ledger.head.number == 1)
        let proposal = ConsensusMessage.proposal(Proposal(view: 0, block: block, justification: [], validator: 0,
                                                          signature: good.signature)).encoded
        guard case .list(var fields) = try RLPValue.decode(proposal) else { Issue.record("proposal is not a list"); return }
        fields[3] = .bytes(badBlock)
        #expect(throws: ConsensusDecodingError.self) { try ConsensusMessage.decode(RLPValue.list(fields).encoded) }
        #expect(try client.call("eth_blockNumber", []) as? String == "0x1", "the node still serves")
    }

    /// `block`'s network encoding with its first transaction's bytes replaced.
    static func block(_ block: Block, withTransaction raw: [UInt8]) throws -> [UInt8] {
        guard case .list(var parts) = try RLPValue.decode(block.networkEncoding), case .list(var transactions) = parts[1] else {
            throw RLPError.expectedList
        }
        transactions[0] = .bytes(raw)
        parts[1] = .list(transactions)
        return RLPValue.list(parts).encoded
    }

    @Test func aBlockOfTheLargestSizeCrossesAsAProposalAndAsASyncAnswer() throws {
        let (setup, written) = try chain(nodes: 2, validators: 2)
        defer { try? FileManager.default.removeItem(atPath: setup.directory) }
        let genesis = try Genesis(json: Data(contentsOf: URL(fileURLWithPath: written.genesis)))
        let configs = try written.configs.map { try NodeConfig(file: $0) }
        let ids = try configs.map { genesis.config.suite.nodeID(of: try KeyFile.read($0.keyPath)) }
        let inboxes = [Inbox(), Inbox()]
        var logger = Logger(label: "frames")
        logger.logLevel = .critical
        let networks = try (0..<2).map { k in
            try Network(config: configs[k].network!, nodeID: ids[k], chainID: setup.chainID, genesisHash: genesis.block.hash,
                        members: Set(ids), logger: logger)
        }
        for (k, network) in networks.enumerated() {
            try network.start(onMessage: { message, _ in inboxes[k].messages.withLock { $0.append(message) } })
        }
        defer { for network in networks { network.stop() } }
        #expect(eventually(10) { networks.allSatisfy { $0.connectedPeers.count == 1 } })

        // Transactions of 1 MiB of data each, as many as the chain's largest body holds.
        let key = PrivateKey.random()
        let each = 1 << 20
        var transactions: [Transaction] = []
        var bytes = ChainConfig.bodyOverheadBytes
        while true {
            let tx = UnsignedTransaction(type: .dynamicFee, chainID: setup.chainID, nonce: UInt64(transactions.count), gasLimit: 30_000_000,
                                         to: key.address, data: [UInt8](repeating: 0xab, count: each)).signed(with: key)
            guard bytes + ChainConfig.bodyBytes(ofTransaction: tx.encoded.count) <= genesis.config.maxBlockBytes else { break }
            bytes += ChainConfig.bodyBytes(ofTransaction: tx.encoded.count)
            transactions.append(tx)
        }
        #expect(bytes > genesis.config.maxBlockBytes - each - 1_024, "the block is at the chain's largest size")
        let block = Block.assemble(number: 1, parentHash: genesis.block.hash, parentStateRoot: .zero, timestamp: 1,
                                   sealer: key.address, gasLimit: genesis.config.blockGasLimit, transactions: transactions,
                                   receipts: SyntheticBlocks.receipts(for: transactions), changes: StateChanges([:]), suite: .secp256k1)
        // A proposal past view 0 carries a quorum of ViewChanges (without blocks) with their locks.
        let vote = Vote(phase: .prepare, height: 1, view: 0, blockHash: block.hash, validator: 0, signature: transactions[0].signature)
        let lock = PreparedCertificate(height: 1, view: 0, blockHash: block.hash, prepares: [vote, vote])
        let change = ViewChange(height: 1, view: 1, lock: lock, lockedBlock: nil, validator: 1, signature: vote.signature)
        let proposal = ConsensusMessage.proposal(Proposal(view: 1, block: block, justification: [change, change], validator: 1,
                                                          signature: vote.signature))
        let lockedViewChange = ConsensusMessage.viewChange(ViewChange(height: 1, view: 2, lock: lock, lockedBlock: block, validator: 0,
                                                                      signature: vote.signature))
        #expect(networks[0].send(.consensus(proposal.encoded), to: ids[1]))
        #expect(networks[0].send(.consensus(lockedViewChange.encoded), to: ids[1]))
        #expect(networks[1].send(SyncMessage.blocks([block.networkEncoding]).networkMessage, to: ids[0]))
        #expect(eventually(30) { inboxes[1].messages.withLock { $0.count } == 2 && inboxes[0].messages.withLock { $0.count } == 1 })
        let arrived = inboxes[1].messages.withLock { $0 }
        #expect(arrived.first.map { Self.consensus(in: $0) == proposal } == true)
        #expect(arrived.last.map { Self.consensus(in: $0) == lockedViewChange } == true)
        let served = inboxes[0].messages.withLock { $0 }
        #expect(served.first.map { message -> Bool in
            guard case .subprotocol(let carried) = message, case .blocks(let raws)? = try? SyncMessage(carried) else { return false }
            return raws.count == 1 && (try? Block(networkEncoding: raws[0])) == block
        } == true)
        #expect(networks.allSatisfy { $0.connectedPeers.count == 1 }, "no link dropped")
    }

    @Test func chainInitRefusesBlocksAFrameCannotCarry() throws {
        var setup = ChainSetup(directory: FileManager.default.temporaryDirectory.appendingPathComponent("strand-frames-\(UUID().uuidString)").path)
        setup.nodes = 4
        setup.maxBlockBytes = NetworkConfig.defaultMaxFrameBytes
        #expect { try setup.write() } throws: { "\($0)".contains("P2P frame") }
        #expect(!FileManager.default.fileExists(atPath: setup.directory), "nothing written")
        setup.maxBlockBytes = FrameBudget.largestBlockBytes()
        _ = try setup.write()
        try? FileManager.default.removeItem(atPath: setup.directory)
        let tooLarge = ChainConfig(chainID: 1, validators: [NodeID(PrivateKey.random().publicKey)], maxBlockBytes: NetworkConfig.defaultMaxFrameBytes)
        #expect(throws: NodeConfig.Invalid.self) { try FrameBudget.check(tooLarge) }
    }

    /// The consensus message a network message carries, if it carries one that decodes.
    static func consensus(in message: NetworkMessage) -> ConsensusMessage? {
        guard case .subprotocol(let carried) = message, carried.subprotocol == .consensus,
              let bytes = try? carried.opaqueBytes() else { return nil }
        return try? ConsensusMessage.decode(bytes)
    }

    final class Inbox: Sendable {
        let messages = Mutex<[NetworkMessage]>([])
    }
}
