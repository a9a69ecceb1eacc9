@testable import StrandChain
@testable import StrandNode
import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandStorage
import StrandTypes
import Testing

/// Blocks built by one node import into another through the one import path; every broken
/// rule is refused by name and leaves the ledger as it was.
@Suite struct BlockImportTests {
    @Test func blocksBuiltByOneLedgerImportIntoAnother() throws {
        let leader = try NodeHarness()
        let replica = try NodeHarness()
        for count in [5, 1, 12] {
            try leader.admitTransfers(count)
            leader.clock.advance(by: .milliseconds(3))
            let block = try leader.sealBlock()
            try replica.appendSealed(block)
        }
        #expect(replica.ledger.head == leader.ledger.head)
        #expect(replica.ledger.head.number == 3)
        #expect(try replica.ledger.receipts(blockNumber: 3) == leader.ledger.receipts(blockNumber: 3))
        _ = try replica.ledger.verify()
    }

    /// The next block of `leader`, built and sealed but not yet committed anywhere else.
    private func nextBlock(_ leader: NodeHarness) throws -> Block {
        try leader.admitTransfers(3)
        leader.clock.advance(by: .milliseconds(5))
        return try leader.sealBlock()
    }

    @Test func brokenBlocksAreRefusedByNameAndChangeNothing() throws {
        let leader = try NodeHarness()
        let replica = try NodeHarness()
        let good = try nextBlock(leader)
        let headBefore = replica.ledger.head
        let tip = try replica.committer.tip()

        func refusal(_ edit: (inout Block) -> Void) -> BlockImportError? {
            var block = good
            edit(&block)
            do {
                _ = try replica.importer.importBlock(block, on: tip)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal { $0.header.stateRoot = Hash(UInt256(7)) }
                == .stateRootMismatch(inHeader: Hash(UInt256(7)), computed: good.header.stateRoot))
        #expect(refusal { $0.header.receiptsRoot = Hash(UInt256(8)) }
                == .receiptsRootMismatch(inHeader: Hash(UInt256(8)), computed: good.header.receiptsRoot))
        #expect(refusal { $0.header.parentHash = Hash(UInt256(9)) } == .wrongParent(expected: tip.hash, got: Hash(UInt256(9))))
        #expect(refusal { $0.header.number = 2 } == .wrongNumber(expected: 1, got: 2))
        #expect(refusal { $0.header.timestamp = tip.timestamp }
                == .timestampNotAfterParent(parent: tip.timestamp, got: tip.timestamp))
        let farAhead = replica.clock.wallMilliseconds() + 3_600_000
        #expect(refusal { $0.header.timestamp = farAhead }
                == .timestampInFuture(now: replica.clock.wallMilliseconds(), got: farAhead))
        #expect(refusal { $0.header.gasLimit = 1 } == .wrongGasLimit(expected: replica.ledger.config.blockGasLimit, got: 1))
        #expect(refusal { $0.header.gasUsed += 1 }
                == .gasUsedMismatch(inHeader: good.header.gasUsed + 1, computed: good.header.gasUsed))
        #expect(refusal { $0.transactions.removeLast() }.map {
            if case .transactionsRootMismatch = $0 { true } else { false }
        } == true)
        // A transaction replayed in the same block cannot execute.
        #expect(refusal {
            $0.transactions.append($0.transactions[0])
            $0.header.transactionsRoot = Block.transactionsRoot($0.transactions, suite: .secp256k1)
        }.map { if case .badTransaction(index: 3, _) = $0 { true } else { false } } == true)
        #expect(replica.ledger.head == headBefore)
        #expect(replica.pool.count == 0)

        // The good block still imports after all that.
        try replica.appendSealed(good)
        #expect(replica.ledger.head == leader.ledger.head)
    }

    /// FISCO's replay rule binds a peer's block as it binds the pool: a random id used in the
    /// window, or a block limit the chain has passed, makes the whole block the sender's fault.
    @Test func fiscoReplayRuleBindsImportedBlocks() throws {
        let leader = try NodeHarness()
        let replica = try NodeHarness()
        func fisco(_ randomID: UInt64, limit: UInt64, data: [UInt8] = []) -> Transaction {
            UnsignedTransaction.fisco(FiscoFields(randomID: UInt256(randomID), blockLimit: limit), chainID: NodeHarness.chainID,
                                      gasLimit: 100_000, to: NodeHarness.accounts[1].address, data: data)
                .signed(with: NodeHarness.accounts[0])
        }
        _ = try leader.pool.admit([fisco(1, limit: 5).encoded], accounts: try leader.ledger.snapshot())[0].get()
        leader.clock.advance(by: .milliseconds(3))
        let first = try leader.sealBlock()
        try replica.appendSealed(first)

        let good = try nextBlock(leader)
        let tip = try replica.committer.tip()
        func refusal(adding tx: Transaction) -> String? {
            var block = good
            block.transactions.append(tx)
            block.header.transactionsRoot = Block.transactionsRoot(block.transactions, suite: .secp256k1)
            do {
                _ = try replica.importer.importBlock(block, on: tip)
                return nil
            } catch {
                guard case .badTransaction(index: 3, let reason) = error, error.isPeerFault else { return "\(error)" }
                return reason
            }
        }
        #expect(refusal(adding: fisco(1, limit: 6, data: [1]))?.contains("random id") == true)
        #expect(refusal(adding: fisco(2, limit: 1))?.contains("block limit 1 is outside (1, 1001]") == true)
        #expect(refusal(adding: fisco(3, limit: 1_002))?.contains("block limit 1002") == true)
        try replica.appendSealed(good)
        #expect(replica.ledger.head == leader.ledger.head)
    }

    @Test func sealsNeedTheValidatorsSignatures() throws {
        let leader = try NodeHarness()
        let replica = try NodeHarness()
        let good = try nextBlock(leader)
        let tip = try replica.committer.tip()
        var unsealed = good
        unsealed.header.seal = BlockSeal()
        #expect(throws: BlockImportError.badSeal(.noQuorum(signers: 0, needed: 1))) {
            try replica.importer.importSealed(unsealed, on: tip)
        }
        var forged = good
        forged.header.seal = BlockSeal(signatures: [
            replica.ledger.config.sealSignature(for: good.header, validatorIndex: 0, key: NodeHarness.accounts[0]),
        ])
        #expect(throws: BlockImportError.badSeal(.wrongSigner(index: 0))) { try replica.importer.importSealed(forged, on: tip) }
        var otherView = good
        otherView.header.seal.view = 1
        #expect(throws: BlockImportError.badSeal(.wrongSigner(index: 0))) { try replica.importer.importSealed(otherView, on: tip) }
        var twice = good
        twice.header.seal.signatures.append(twice.header.seal.signatures[0])
        #expect(throws: BlockImportError.badSeal(.duplicateSigner(index: 0))) { try replica.importer.importSealed(twice, on: tip) }
        #expect(replica.ledger.head.number == 0)
        // The quorum rule: n − ⌊(n−1)/3⌋.
        let ids = (0..<7).map { _ in NodeID(PrivateKey.random().publicKey) }
        #expect([1, 2, 3, 4, 5, 6, 7].map { ValidatorSet(Array(ids.prefix($0))).quorum } == [1, 2, 3, 3, 4, 5, 5])
    }
}
