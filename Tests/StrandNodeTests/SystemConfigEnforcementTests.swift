@testable import StrandChain
@testable import StrandNode
import StrandCrypto
import StrandPrimitives
import StrandStorage
import StrandTxPool
import StrandTypes
import Testing

/// A governor's limits bind the next block everywhere: the builder fills blocks up to
/// tx_count_limit, the importer refuses a block beyond it or a transaction over tx_gas_limit, and
/// the pool refuses such a transaction at admission.
@Suite struct SystemConfigEnforcementTests {
    static func setConfig(_ node: NodeHarness, _ key: String, _ value: String, from sender: Int = 0) throws -> Receipt {
        let snapshot = try node.ledger.snapshot()
        _ = try node.pool.admit([node.call(from: sender, to: SystemConfig.address, data: SystemConfig.calldata(key: key, value: value))],
                                accounts: snapshot)[0].get()
        node.clock.advance(by: .milliseconds(3))
        let block = try node.sealBlock()
        return try #require(try node.ledger.receipts(blockNumber: block.number)?.last)
    }

    @Test func aCountLimitBindsTheNextBlocksOfBuilderAndImporter() throws {
        let leader = try NodeHarness()
        let replica = try NodeHarness()
        let receipt = try Self.setConfig(leader, "tx_count_limit", "2")
        #expect(ContractCalldata.decodeInt256(receipt.output) == 1)
        try replica.appendSealed(try #require(try leader.ledger.block(number: 1)))

        try leader.admitTransfers(5)
        leader.clock.advance(by: .milliseconds(3))
        let limited = try leader.sealBlock()
        #expect(limited.transactions.count == 2)
        #expect(leader.pool.count == 3)

        var tooMany = limited
        tooMany.transactions.append(try Transaction.decode(leader.transfers(1)[0]))
        tooMany.header.transactionsRoot = Block.transactionsRoot(tooMany.transactions, suite: .secp256k1)
        #expect(throws: BlockImportError.tooManyTransactions(limit: 2, got: 3)) {
            _ = try replica.importer.importBlock(tooMany, on: try replica.committer.tip())
        }
        try replica.appendSealed(limited)
        #expect(replica.ledger.head == leader.ledger.head)
    }

    @Test func aGasLimitIsRefusedAtAdmissionAndInAPeersBlock() throws {
        let leader = try NodeHarness()
        let replica = try NodeHarness()
        let big = try Transaction.decode(leader.call(from: 1, to: NodeHarness.accounts[2].address, data: [], gasLimit: 150_000))
        #expect(ContractCalldata.decodeInt256(try Self.setConfig(leader, "tx_gas_limit", "100000").output) == 1)
        try replica.appendSealed(try #require(try leader.ledger.block(number: 1)))

        let refused = leader.pool.admit([big.encoded], accounts: try leader.ledger.snapshot())[0]
        guard case .failure(let admission) = refused else { Issue.record("admitted a transaction over tx_gas_limit"); return }
        #expect("\(admission)".contains("exceeds tx_gas_limit 100000"))

        try leader.admitTransfers(1)
        leader.clock.advance(by: .milliseconds(3))
        var block = try leader.sealBlock()
        block.transactions.append(big)
        block.header.transactionsRoot = Block.transactionsRoot(block.transactions, suite: .secp256k1)
        let tip = try replica.committer.tip()
        let refusal: BlockImportError? = #expect(throws: BlockImportError.self) { _ = try replica.importer.importBlock(block, on: tip) }
        guard case .badTransaction(index: 1, let reason)? = refusal else { Issue.record("\(String(describing: refusal))"); return }
        #expect(reason.contains("exceeds tx_gas_limit 100000"))
    }

    @Test func aStrangerIsRefusedAndNothingChanges() throws {
        let node = try NodeHarness()
        let receipt = try Self.setConfig(node, "tx_count_limit", "1", from: 3)
        #expect(receipt.status == .success && ContractCalldata.decodeInt256(receipt.output) == FiscoCode.permissionDenied.rawValue)
        #expect(SystemConfig.Limits(chain: node.ledger.config, state: try node.ledger.snapshot()).txCountLimit == node.ledger.config.maxBlockTransactions)
    }
}
