import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTxPool
import StrandTypes
import Testing

/// FISCO transactions in the pool: no nonce queue, FISCO's block-limit and random-id rule.
@Suite struct FiscoPoolTests {
    static let chainID: UInt64 = 20200
    let alice = try! PrivateKey(Keccak256.hash(Array("alice".utf8)).bytes)
    let verifier = SignatureVerifier(threads: 2)
    let accounts = InMemoryState()

    func pool(window: ReplayWindow = ReplayWindow(window: 10), inChain: Set<Hash> = []) -> TransactionPool {
        TransactionPool(config: TxPoolConfig(chainID: Self.chainID, groupID: 1, blockGasLimit: 30_000_000), verifier: verifier,
                        replay: window, isInChain: { inChain.contains($0) })
    }

    func fisco(_ randomID: UInt64, limit: UInt64, group: UInt64 = 1, data: [UInt8] = []) -> Transaction {
        UnsignedTransaction.fisco(FiscoFields(randomID: UInt256(randomID), blockLimit: limit, groupID: group), chainID: Self.chainID,
                                  gasPrice: UInt256(30_000_000), gasLimit: 30_000_000, to: Address(lastBytesOf: Keccak256.hash([9])),
                                  data: data).signed(with: alice)
    }

    func codes(_ results: [Result<Hash, TxPoolError>]) -> [TxPoolError.Code?] {
        results.map { if case .failure(let e) = $0 { e.code } else { nil } }
    }

    @Test func admissionAppliesTheReplayRule() {
        let committed = fisco(99, limit: 5)
        let pool = pool(inChain: [committed.hash])
        let results = pool.admit([
            fisco(1, limit: 1).encoded, fisco(2, limit: 10).encoded, fisco(3, limit: 11).encoded, fisco(4, limit: 0).encoded,
            fisco(1, limit: 1).encoded, fisco(1, limit: 2).encoded, fisco(5, limit: 3, group: 2).encoded, committed.encoded,
        ], accounts: accounts)
        #expect(codes(results) == [nil, nil, .blockLimitCheckFailed, .blockLimitCheckFailed, .alreadyKnown, .randomIDCheckFailed,
                                   .wrongGroup, .alreadyInChain])
        #expect(pool.count == 2)
    }

    @Test func oneSenderNeedsNoNonceAndExpiredOnesLeave() {
        let window = ReplayWindow(window: 10)
        let pool = pool(window: window)
        let txs = (0..<5).map { fisco(UInt64($0), limit: $0 < 2 ? 1 : 8) }
        #expect(codes(pool.admit(txs.map(\.encoded), accounts: accounts)).allSatisfy { $0 == nil })
        // A block of 30M-gas FISCO transactions is not filled by gas: they do not count against it.
        #expect(pool.select(limit: 10, gasLimit: 30_000_000, blockNumber: 1, accounts: accounts).map(\.transaction) == txs)
        // Block 2 may not include a transaction whose limit is 1: those leave for good.
        #expect(pool.select(limit: 10, blockNumber: 2, accounts: accounts).map(\.transaction) == Array(txs[2...]))
        #expect(pool.count == 3)
    }

    @Test func aCommittedRandomIDRetiresThePendingOne() {
        let window = ReplayWindow(window: 10)
        let pool = pool(window: window)
        let mine = fisco(7, limit: 5, data: [1])
        #expect(codes(pool.admit([mine.encoded], accounts: accounts)) == [nil])
        // A peer's block includes another transaction with the same random id.
        let theirs = RecoveredTransaction(fisco(7, limit: 5, data: [2]), sender: alice.address)
        window.record(blockNumber: 1, transactions: [theirs.transaction])
        pool.removeCommitted([theirs], block: 1, accounts: accounts)
        #expect(pool.count == 0)
        #expect(codes(pool.admit([mine.encoded], accounts: accounts)) == [.randomIDCheckFailed])
    }

    @Test func windowForgetsWhatLeftIt() {
        let window = ReplayWindow(window: 3)
        let tx = fisco(42, limit: 3)
        window.record(blockNumber: 1, transactions: [tx])
        for number: UInt64 in 2...3 { window.record(blockNumber: number, transactions: []) }
        var later = tx.content.fisco!
        later.blockLimit = 5
        #expect(window.violation(of: later, inBlock: 4) == .randomIDSeen(UInt256(42), block: 1))
        window.record(blockNumber: 4, transactions: [])
        #expect(window.violation(of: later, inBlock: 5) == nil)
        #expect(window.firstViolation(in: [fisco(1, limit: 6), fisco(1, limit: 7)], blockNumber: 5)?.index == 1)
        #expect(window.firstViolation(in: [fisco(2, limit: 4)], blockNumber: 5)?.violation
                == .blockLimit(limit: 4, height: 4, window: 3))
    }
}
