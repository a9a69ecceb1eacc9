import StrandCrypto
import StrandTestSupport
import StrandPrimitives
import StrandTxPool
import StrandTypes
import Testing

@Suite struct TransactionPoolTests {
    static let chainID: UInt64 = 20200
    let alice = try! PrivateKey(Keccak256.hash(Array("alice".utf8)).bytes)
    let bob = try! PrivateKey(Keccak256.hash(Array("bob".utf8)).bytes)
    let verifier = SignatureVerifier(threads: 2)

    func pool(capacity: Int = 100, gap: UInt64 = 4) -> TransactionPool {
        TransactionPool(config: TxPoolConfig(chainID: Self.chainID, blockGasLimit: 1_000_000, capacity: capacity, maxNonceGap: gap),
                        verifier: verifier)
    }

    func raw(_ key: PrivateKey, nonce: UInt64, value: UInt64 = 1, gas: UInt64 = 21_000, chainID: UInt64 = chainID) -> [UInt8] {
        UnsignedTransaction(type: .dynamicFee, chainID: chainID, nonce: nonce, gasLimit: gas,
                            to: Address(lastBytesOf: Keccak256.hash([9])), value: UInt256(value)).signed(with: key).encoded
    }

    var funded: InMemoryState {
        InMemoryState([.balance(alice.address): UInt256(1_000), .balance(bob.address): UInt256(1_000), .nonce(bob.address): UInt256(3)])
    }

    func codes(_ results: [Result<Hash, TxPoolError>]) -> [TxPoolError.Code?] {
        results.map { if case .failure(let e) = $0 { e.code } else { nil } }
    }

    @Test func admitsAndNamesEachRefusal() {
        let pool = pool()
        let results = pool.admit([
            raw(alice, nonce: 0), raw(alice, nonce: 0), raw(bob, nonce: 2), raw(bob, nonce: 9),
            raw(alice, nonce: 1, value: 5_000), raw(alice, nonce: 1, chainID: 1), raw(alice, nonce: 1, gas: 2_000_000),
            [0xc0], raw(alice, nonce: 1, gas: 20_000),
        ], accounts: funded)
        #expect(codes(results) == [nil, .alreadyKnown, .nonceTooLow, .nonceTooFarAhead, .insufficientBalance, .wrongChain,
                                   .gasLimitTooHigh, .malformed, .invalid])
        #expect(pool.count == 1)
        #expect(codes(pool.admit([raw(alice, nonce: 0)], accounts: funded)) == [.alreadyKnown])
    }

    @Test func refusesAFrozenSenderOrContract() {
        var accounts = funded
        accounts.apply(StateChanges(sortedEntries: StateKey.sorted(ChainGovernance.frozenStorage([bob.address], replacingCount: 0)), code: [], suite: .secp256k1))
        let pool = pool()
        #expect(codes(pool.admit([raw(alice, nonce: 0), raw(bob, nonce: 3)], accounts: accounts)) == [nil, .accountFrozen])
        #expect(pool.count == 1)
        // raw() sends to keccak([9])'s address: frozen as a contract, alice's next is refused too.
        accounts.apply(StateChanges(sortedEntries: StateKey.sorted(
            ContractLifeCycle.frozenStorage([Address(lastBytesOf: Keccak256.hash([9]))], replacingCount: 0)), code: [], suite: .secp256k1))
        #expect(codes(pool.admit([raw(alice, nonce: 1)], accounts: accounts)) == [.contractFrozen])
    }

    @Test func selectsRunsOfConsecutiveNoncesInArrivalOrder() {
        let pool = pool()
        _ = pool.admit([raw(bob, nonce: 4), raw(alice, nonce: 1), raw(alice, nonce: 0), raw(bob, nonce: 3), raw(alice, nonce: 3)],
                       accounts: funded)
        let selected = pool.select(limit: 10, blockNumber: 1, accounts: funded)
        // Bob arrived first; Alice's nonce 3 waits for 2.
        #expect(selected.map { "\($0.sender == bob.address ? "b" : "a")\($0.transaction.nonce)" } == ["b3", "b4", "a0", "a1"])
        #expect(pool.select(limit: 3, blockNumber: 1, accounts: funded).count == 3)
        #expect(pool.pendingNonce(of: alice.address) == 2)
    }

    @Test func selectionFitsTheBlockGasLimit() {
        let pool = pool()
        _ = pool.admit([raw(alice, nonce: 0, gas: 50_000), raw(alice, nonce: 1, gas: 50_000), raw(bob, nonce: 3, gas: 30_000)],
                       accounts: funded)
        // Alice's second transaction does not fit; she waits (her nonce order kept), Bob's fits.
        let selected = pool.select(limit: 10, gasLimit: 90_000, blockNumber: 1, accounts: funded)
        #expect(selected.map { "\($0.sender == bob.address ? "b" : "a")\($0.transaction.nonce)" } == ["a0", "b3"])
        #expect(pool.select(limit: 10, gasLimit: 130_000, blockNumber: 1, accounts: funded).count == 3)
    }

    @Test func committedAndStaleTransactionsLeave() {
        let pool = pool()
        _ = pool.admit([raw(alice, nonce: 0), raw(alice, nonce: 1), raw(alice, nonce: 2)], accounts: funded)
        let first = pool.select(limit: 1, blockNumber: 1, accounts: funded)
        var state = funded
        state.apply(StateChanges([.nonce(alice.address): UInt256(2)]))  // nonces 0 and 1 are done
        pool.removeCommitted(first, block: 1, accounts: state)
        #expect(pool.count == 1)
        #expect(pool.select(limit: 5, blockNumber: 1, accounts: state).map(\.transaction.nonce) == [2])
        pool.remove([pool.select(limit: 1, blockNumber: 1, accounts: state)[0].transaction.hash])
        #expect(pool.count == 0 && pool.pendingNonce(of: alice.address) == nil)
    }

    /// The pool sums what its transactions charge the block gas limit, through admission,
    /// commit and removal, so that a sealer knows when a block's worth is waiting.
    @Test func tellsWhenItsTransactionsFillABlocksGas() {
        let pool = pool()   // a block gas limit of 1,000,000
        _ = pool.admit([raw(alice, nonce: 0, gas: 400_000), raw(alice, nonce: 1, gas: 400_000)], accounts: funded)
        #expect(pool.pending.count == 2 && !pool.pending.fillsBlockGas)
        _ = pool.admit([raw(bob, nonce: 3, gas: 200_000)], accounts: funded)
        #expect(pool.pending.count == 3 && pool.pending.fillsBlockGas)
        let first = pool.select(limit: 1, blockNumber: 1, accounts: funded)
        var state = funded
        state.apply(StateChanges([.nonce(alice.address): UInt256(1)]))
        pool.removeCommitted(first, block: 1, accounts: state)
        #expect(pool.pending.count == 2 && !pool.pending.fillsBlockGas)
        pool.remove(pool.select(limit: 5, blockNumber: 1, accounts: state).map(\.transaction.hash))
        #expect(pool.pending.count == 0 && !pool.pending.fillsBlockGas)
        _ = pool.admit([raw(alice, nonce: 1, gas: 1_000_000)], accounts: state)
        #expect(pool.pending.fillsBlockGas)
    }

    /// A transaction behind a nonce gap is held but not ready: consensus must not expect a block
    /// for it (its views would time out on an idle chain). It becomes ready when the gap fills.
    @Test func onlyTransactionsABlockCouldTakeArePending() {
        let pool = pool()
        _ = pool.admit([raw(alice, nonce: 2, gas: 600_000), raw(bob, nonce: 3)], accounts: funded)
        #expect(pool.count == 2 && pool.pending.count == 1 && !pool.pending.fillsBlockGas)
        _ = pool.admit([raw(alice, nonce: 0, gas: 300_000)], accounts: funded)
        #expect(pool.pending.count == 2)
        _ = pool.admit([raw(alice, nonce: 1, gas: 300_000)], accounts: funded)
        #expect(pool.pending.count == 4 && pool.pending.fillsBlockGas)
        pool.remove([Keccak256.hash(raw(alice, nonce: 1, gas: 300_000))])
        #expect(pool.count == 3 && pool.pending.count == 2 && !pool.pending.fillsBlockGas)
    }

    /// A peer's gossip of a transaction the chain already holds is refused before its
    /// signature is recovered; a client's submission goes the usual way (its nonce decides).
    @Test func gossipOfACommittedTransactionIsRefusedUnrecovered() {
        let committed = raw(alice, nonce: 0)
        let committedHash = Keccak256.hash(committed)
        let pool = TransactionPool(
            config: TxPoolConfig(chainID: Self.chainID, blockGasLimit: 1_000_000, capacity: 100, maxNonceGap: 4),
            verifier: verifier, isInChain: { $0 == committedHash })
        #expect(codes(pool.admit([committed, raw(bob, nonce: 3)], accounts: funded, fromPeer: true)) == [.alreadyInChain, nil])
        #expect(pool.count == 1)
        #expect(codes(pool.admit([committed], accounts: funded)) == [nil])
    }

    /// Admission reads the committed state before it recovers signatures, and the ledger commits
    /// behind the tip: a transaction that blocks appended since then included must not come back
    /// (it would wait for good, counted as pending), whether its sender's queue emptied or not.
    @Test func admissionAgainstAStateOlderThanTheTipCannotBringBackIncludedTransactions() {
        let pool = pool()
        _ = pool.admit([raw(alice, nonce: 0), raw(bob, nonce: 3), raw(bob, nonce: 4)], accounts: funded, asOf: 0)
        let block1 = pool.select(limit: 2, blockNumber: 1, accounts: funded)   // alice 0, bob 3
        var after1 = funded
        after1.apply(StateChanges([.nonce(alice.address): UInt256(1), .nonce(bob.address): UInt256(4)]))
        pool.removeCommitted(block1, block: 1, accounts: after1)
        #expect(pool.pending.count == 1)
        // Gossip of the same transactions, checked against the state of block 0.
        #expect(codes(pool.admit([raw(alice, nonce: 0), raw(bob, nonce: 3)], accounts: funded, asOf: 0)) == [.nonceTooLow, .nonceTooLow])
        #expect(pool.pending.count == 1)
        #expect(codes(pool.admit([raw(alice, nonce: 1)], accounts: funded, asOf: 0)) == [nil])
        // A state older than the blocks the pool remembers is refused for now, not trusted.
        for number in UInt64(2)...UInt64(40) { pool.removeCommitted([], block: number, accounts: after1) }
        #expect(codes(pool.admit([raw(alice, nonce: 2)], accounts: funded, asOf: 1)) == [.unavailable])
        #expect(codes(pool.admit([raw(alice, nonce: 2)], accounts: after1, asOf: 40)) == [nil])
    }

    @Test func aQueueAdmittedAgainstStaleStateStillDrains() {
        // Admitted while the account was at nonce 0; by selection time a block has moved it to 2.
        let pool = pool()
        _ = pool.admit([raw(alice, nonce: 2), raw(alice, nonce: 3)], accounts: funded)
        var later = funded
        later.apply(StateChanges([.nonce(alice.address): UInt256(2)]))
        #expect(pool.select(limit: 5, blockNumber: 1, accounts: funded).isEmpty)
        #expect(pool.select(limit: 5, blockNumber: 1, accounts: later).map(\.transaction.nonce) == [2, 3])
    }

    @Test func fullPoolPushesBack() {
        let pool = pool(capacity: 2)
        let results = pool.admit([raw(alice, nonce: 0), raw(alice, nonce: 1), raw(alice, nonce: 2)], accounts: funded)
        #expect(codes(results) == [nil, nil, .poolFull])
    }
}
