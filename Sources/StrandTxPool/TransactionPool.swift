import StrandCrypto
import StrandPrimitives
import StrandTypes
import Synchronization

/// The pool's limits and the chain's rules.
public struct TxPoolConfig: Sendable {
    public var rules: TransactionRules
    /// A transaction's gas limit may not exceed a block's.
    public var blockGasLimit: UInt64
    /// Most transactions held at once; beyond it admission fails with `pool_full`.
    public var capacity: Int
    /// How far ahead of its account's nonce a transaction may be queued.
    public var maxNonceGap: UInt64
    /// Whether senders must also hold gas limit × price (fees on) or only the value.
    public var feesEnabled: Bool

    public init(chainID: UInt64, groupID: UInt64 = 1, blockGasLimit: UInt64 = 300_000_000, capacity: Int = 200_000,
                maxNonceGap: UInt64 = 64, maxEncodedSize: Int = 128 * 1024, feesEnabled: Bool = false) {
        rules = TransactionRules(chainID: chainID, groupID: groupID, maxEncodedSize: maxEncodedSize)
        self.blockGasLimit = blockGasLimit
        self.capacity = capacity
        self.maxNonceGap = maxNonceGap
        self.feesEnabled = feesEnabled
    }
}

/// Pending transactions, admitted once (decoded, hashed, sender recovered in batches on all
/// cores, checked against the chain and the sender's account) and kept until a block includes
/// them: Ethereum's per sender in nonce order, FISCO's (which have no nonce) by arrival, under
/// the replay window's rule.
///
/// Thread-safe; admission does its expensive work (decoding, recovery) outside the lock.
public final class TransactionPool: Sendable {
    public let config: TxPoolConfig
    /// Recovers senders at admission; the node shares it with the importer and sync.
    public let verifier: SignatureVerifier
    private let state = Mutex(PoolState())
    /// Why admission is refused for now, if it is (the ledger cannot commit).
    private let pausedReason = Mutex<String?>(nil)
    private let onAdmitted: @Sendable ([Hash]) -> Void
    /// FISCO's anti-replay rule, shared with the builder, the importer and the committer.
    public let replay: ReplayWindow
    private let isInChain: @Sendable (Hash) -> Bool
    private let onCommitted: @Sendable ([Duration]) -> Void

    /// - Parameters:
    ///   - replay: the chain's replay window; its height is the tip a FISCO transaction is checked against.
    ///   - isInChain: whether a transaction hash is in a committed block (FISCO clients get their own code for it).
    ///   - onAdmitted: called after each admission with the transactions it added (the block
    ///     driver wakes on it; WebSocket subscribers hear of them).
    ///   - onCommitted: called with how long each transaction a committed block took from this
    ///     pool waited in it (admission to commit).
    public init(config: TxPoolConfig, verifier: SignatureVerifier, replay: ReplayWindow = ReplayWindow(window: 1_000),
                isInChain: @escaping @Sendable (Hash) -> Bool = { _ in false }, onAdmitted: @escaping @Sendable ([Hash]) -> Void = { _ in },
                onCommitted: @escaping @Sendable ([Duration]) -> Void = { _ in }) {
        self.onCommitted = onCommitted
        self.config = config
        self.verifier = verifier
        self.replay = replay
        self.isInChain = isInChain
        self.onAdmitted = onAdmitted
    }

    /// Refuses every admission with `reason` (code `unavailable`) until `resumeAdmission()`.
    public func pauseAdmission(because reason: String) { pausedReason.withLock { $0 = reason } }

    public func resumeAdmission() { pausedReason.withLock { $0 = nil } }

    /// The number of transactions held.
    public var count: Int { state.withLock { $0.byHash.count } }

    /// What a block could take now, in one look at the pool: the number of ready transactions
    /// (a nonce behind a gap is not), and whether their block-gas charges add up to a whole
    /// block's gas limit (a block of them would be cut by gas, not by count: the sealer need not
    /// wait for more).
    public var pending: (count: Int, fillsBlockGas: Bool) {
        state.withLock { ($0.ready, $0.readyBlockGasCharge >= config.blockGasLimit) }
    }

    public func contains(_ hash: Hash) -> Bool { state.withLock { $0.byHash[hash] != nil } }

    public func transaction(_ hash: Hash) -> RecoveredTransaction? { state.withLock { $0.byHash[hash] } }

    /// Up to `limit` pending transactions, in no particular order.
    public func pending(limit: Int) -> [RecoveredTransaction] { state.withLock { Array($0.byHash.values.prefix(limit)) } }

    /// The recovered sender of each pending transaction among `hashes`, nil for the others;
    /// one lock for them all.
    public func senders(of hashes: some Sequence<Hash>) -> [Address?] {
        state.withLock { pool in hashes.map { pool.byHash[$0]?.sender } }
    }

    /// The nonce after the sender's highest contiguous pending transaction, if any is pending.
    public func pendingNonce(of sender: Address) -> UInt64? {
        state.withLock { pool in
            guard let queue = pool.senders[sender] else { return nil }
            var nonce = queue.baseNonce
            while queue.byNonce[nonce] != nil { nonce += 1 }
            return nonce
        }
    }

    /// Admits raw transactions; each result is the transaction's hash or why it was refused.
    ///
    /// - Parameters:
    ///   - accounts: the committed state, for nonces, balances and frozen accounts.
    ///   - stateBlock: the block `accounts` is the state after (the ledger's head), checked
    ///     against the blocks appended since (`AppendedNonces`); nil when it is the tip's state.
    ///   - fromPeer: the transactions are a peer's gossip: one already in the chain is refused
    ///     before its signature is recovered (gossip lags the chain under load, and no client
    ///     waits for the answer; a client's resubmission keeps Ethereum's nonce error).
    /// - Complexity: one decode and one signature recovery per new transaction, the
    ///   recoveries spread over all cores.
    public func admit(_ raws: [[UInt8]], accounts: some StateReader, asOf stateBlock: UInt64? = nil,
                      fromPeer: Bool = false) -> [Result<Hash, TxPoolError>] {
        if let reason = pausedReason.withLock({ $0 }) {
            return Array(repeating: .failure(TxPoolError(.unavailable, "node not accepting transactions: \(reason)")), count: raws.count)
        }
        var results = [Result<Hash, TxPoolError>](repeating: .failure(TxPoolError(.malformed, "unprocessed")), count: raws.count)
        var decoded: [(index: Int, tx: Transaction)] = []
        decoded.reserveCapacity(raws.count)
        // SystemConfig's tx_gas_limit as the head's state has it; the block gas limit when no governor set one.
        let gasCap = SystemConfig.Limits.value(.txGasLimit, genesis: config.blockGasLimit, accounts)
        for (index, decodedRaw) in Transaction.decodeAll(raws).enumerated() {
            do {
                let tx = try decodedRaw.get()
                try tx.validate(config.rules)
                guard tx.gasLimit <= gasCap else {
                    let limit = gasCap == config.blockGasLimit ? "the block gas limit \(gasCap)" : "tx_gas_limit \(gasCap)"
                    results[index] = .failure(TxPoolError(.gasLimitTooHigh, "gas limit \(tx.gasLimit) exceeds \(limit)"))
                    continue
                }
                decoded.append((index, tx))
            } catch {
                results[index] = .failure(TxPoolError(error))
            }
        }
        let known = state.withLock { pool in decoded.map { pool.byHash[$0.tx.hash] != nil } }
        var fresh = zip(decoded, known).filter { !$1 }.map(\.0)
        for (entry, isKnown) in zip(decoded, known) where isKnown {
            results[entry.index] = .failure(TxPoolError(.alreadyKnown, "transaction \(entry.tx.hash) is already known"))
        }
        if fromPeer {
            fresh.removeAll { entry in
                guard isInChain(entry.tx.hash) else { return false }
                results[entry.index] = .failure(TxPoolError(.alreadyInChain, "transaction \(entry.tx.hash) is already in the chain"))
                return true
            }
        }
        let recovered = verifier.recoverSenders(fresh.map(\.tx))
        let frozen = Freezes(in: accounts)
        for (entry, outcome) in zip(fresh, recovered) {
            switch outcome {
            case .failure(let error): results[entry.index] = .failure(TxPoolError(error))
            case .success(let tx) where frozen.accounts.contains(tx.sender):
                results[entry.index] = .failure(TxPoolError(.accountFrozen, "account \(tx.sender) is frozen by the chain's committee"))
            case .success(let tx) where tx.transaction.content.to.map(frozen.contracts.contains) == true:
                results[entry.index] = .failure(TxPoolError(.contractFrozen, "contract \(tx.transaction.content.to!) is frozen"))
            case .success(let tx): results[entry.index] = insert(tx, accounts: accounts, asOf: stateBlock)
            }
        }
        let added = results.compactMap { result in if case .success(let hash) = result { hash } else { nil } }
        if !added.isEmpty { onAdmitted(added) }
        return results
    }

    private func insert(_ tx: RecoveredTransaction, accounts: some StateReader, asOf stateBlock: UInt64?) -> Result<Hash, TxPoolError> {
        let content = tx.transaction.content
        if let fisco = content.fisco { return insertFisco(tx, fisco, accounts: accounts) }
        let stateNonce = accounts.value(of: .nonce(tx.sender)).uint64 ?? .max
        guard content.nonce >= stateNonce else { return .failure(nonceTooLow(tx, accountNonce: stateNonce)) }
        if let shortfall = balanceShortfall(tx, accounts: accounts) { return .failure(shortfall) }
        return state.withLock { pool in
            if let stateBlock, !pool.appendedNonces.covers(stateBlock: stateBlock) {
                return .failure(TxPoolError(.unavailable, "the state admission read (block \(stateBlock)) is too far behind the chain; retry"))
            }
            // Blocks appended after the state was read, and the sender's queue, may know a later nonce.
            let accountNonce = max(stateNonce, stateBlock.flatMap { pool.appendedNonces.nonce(of: tx.sender, after: $0) } ?? 0,
                                   pool.senders[tx.sender]?.baseNonce ?? 0)
            guard content.nonce >= accountNonce else { return .failure(nonceTooLow(tx, accountNonce: accountNonce)) }
            guard content.nonce - accountNonce <= config.maxNonceGap else {
                return .failure(TxPoolError(.nonceTooFarAhead,
                    "nonce too far ahead: account \(tx.sender) is at \(accountNonce), got \(content.nonce) (gap limit \(config.maxNonceGap))"))
            }
            guard pool.byHash[tx.transaction.hash] == nil else {
                return .failure(TxPoolError(.alreadyKnown, "transaction \(tx.transaction.hash) is already known"))
            }
            guard pool.byHash.count < config.capacity else {
                return .failure(TxPoolError(.poolFull, "transaction pool is full (\(config.capacity) transactions); retry later"))
            }
            var queue = pool.senders[tx.sender] ?? SenderQueue(baseNonce: accountNonce, arrival: pool.nextArrival)
            let baseMoved = queue.baseNonce != accountNonce
            queue.baseNonce = accountNonce
            guard queue.byNonce[content.nonce] == nil else {
                return .failure(TxPoolError(.nonceAlreadyPending, "a transaction with nonce \(content.nonce) from \(tx.sender) is already pending"))
            }
            if pool.senders[tx.sender] == nil {
                pool.senderOrder.append(tx.sender)
                pool.nextArrival += 1
            }
            queue.byNonce[content.nonce] = tx
            pool.add(tx)
            pool.store(queue, of: tx.sender, onlyAdded: !baseMoved)
            return .success(tx.transaction.hash)
        }
    }

    private func nonceTooLow(_ tx: RecoveredTransaction, accountNonce: UInt64) -> TxPoolError {
        TxPoolError(.nonceTooLow, "nonce too low: account \(tx.sender) is at \(accountNonce), got \(tx.transaction.content.nonce)")
    }

    /// What the sender cannot pay: the value, and gas at its price when fees are on.
    private func balanceShortfall(_ tx: RecoveredTransaction, accounts: some StateReader) -> TxPoolError? {
        let content = tx.transaction.content
        var cost = content.value
        if config.feesEnabled {
            cost = cost &+ UInt256(content.gasLimit) &* min(content.maxFeePerGas, content.maxPriorityFeePerGas)
        }
        let balance = accounts.value(of: .balance(tx.sender))
        guard balance < cost else { return nil }
        return TxPoolError(.insufficientBalance, "insufficient balance: \(tx.sender) has \(balance), needs \(cost)")
    }

    /// A FISCO transaction: its block limit against the tip, its random id against the window
    /// and the pool, its hash against the chain; queued by arrival.
    private func insertFisco(_ tx: RecoveredTransaction, _ fisco: FiscoFields, accounts: some StateReader) -> Result<Hash, TxPoolError> {
        let hash = tx.transaction.hash
        if isInChain(hash) { return .failure(TxPoolError(.alreadyInChain, "transaction \(hash) is already in the chain")) }
        if let violation = replay.violation(of: fisco, inBlock: replay.height + 1) { return .failure(TxPoolError(violation)) }
        if let shortfall = balanceShortfall(tx, accounts: accounts) { return .failure(shortfall) }
        return state.withLock { pool in
            guard pool.byHash[hash] == nil else {
                return .failure(TxPoolError(.alreadyKnown, "transaction \(hash) is already known"))
            }
            guard pool.byHash.count < config.capacity else {
                return .failure(TxPoolError(.poolFull, "transaction pool is full (\(config.capacity) transactions); retry later"))
            }
            if let pending = pool.fiscoByRandomID[fisco.randomID] {
                return .failure(TxPoolError(.randomIDCheckFailed, "random id \(fisco.randomID.hexString) is already used by pending transaction \(pending)"))
            }
            pool.fiscoByRandomID[fisco.randomID] = hash
            pool.fiscoOrder.append((pool.nextArrival, hash))
            pool.nextArrival += 1
            pool.add(tx)
            return .success(hash)
        }
    }

    /// Up to `limit` ready transactions for the next block: each sender's run of consecutive
    /// nonces from its account nonce in `accounts`, senders in the order they first arrived.
    ///
    /// The account nonce is read here, not only remembered: a transaction admitted while a
    /// block was committing may have been checked against the state before that block.
    ///
    /// FISCO transactions come in between by arrival; those the block `blockNumber` may not
    /// include for their block limit or random id (`ReplayWindow`) never can, and leave the pool.
    ///
    /// The block-gas charges of the selection add up to at most `gasLimit`, so that the block never
    /// has to leave a transaction out for gas (which would drop it and strand its sender's
    /// later nonces): a sender whose next transaction does not fit waits for the next block.
    public func select(limit: Int, gasLimit: UInt64 = .max, blockNumber: UInt64, accounts: some StateReader) -> [RecoveredTransaction] {
        replay.checking(blockNumber) { replayViolation in state.withLock { pool in
            var gasLeft = gasLimit
            var selected: [RecoveredTransaction] = []
            selected.reserveCapacity(min(limit, pool.byHash.count))
            var nextFisco = 0
            var expired: [Hash] = []
            func takeFisco(arrivedBefore arrival: UInt64) {
                while selected.count < limit, nextFisco < pool.fiscoOrder.count, pool.fiscoOrder[nextFisco].arrival < arrival {
                    defer { nextFisco += 1 }
                    guard let tx = pool.byHash[pool.fiscoOrder[nextFisco].hash], let fisco = tx.transaction.content.fisco else { continue }
                    if replayViolation(fisco) != nil {
                        expired.append(tx.transaction.hash)
                    } else {
                        selected.append(tx)
                    }
                }
            }
            for sender in pool.senderOrder where selected.count < limit {
                guard var queue = pool.senders[sender] else { continue }
                takeFisco(arrivedBefore: queue.arrival)
                let accountNonce = accounts.value(of: .nonce(sender)).uint64 ?? .max
                if accountNonce > queue.baseNonce {
                    // What a block admitted against an older state included can never be again.
                    queue.baseNonce = accountNonce
                    for (nonce, tx) in queue.byNonce where nonce < accountNonce {
                        queue.byNonce[nonce] = nil
                        pool.forget(tx.transaction.hash)
                    }
                    pool.store(queue, of: sender, onlyAdded: false)
                    if pool.senders[sender] == nil { continue }
                }
                var nonce = queue.baseNonce
                while selected.count < limit, let tx = queue.byNonce[nonce], tx.transaction.content.blockGasCharge <= gasLeft {
                    gasLeft -= tx.transaction.content.blockGasCharge
                    selected.append(tx)
                    nonce += 1
                }
            }
            takeFisco(arrivedBefore: .max)
            pool.drop(expired)
            return selected
        } }
    }

    /// Drops transactions by hash, e.g. those a block excluded for good (nonce too low,
    /// balance short): their senders must send them again.
    public func remove(_ hashes: some Sequence<Hash>) {
        state.withLock { $0.drop(hashes) }
    }

    /// Forgets what the block `number`, just appended, included, and whatever the new account
    /// nonces (read from `accounts`, the state after it) and its FISCO random ids made stale.
    public func removeCommitted(_ included: [RecoveredTransaction], block number: UInt64, accounts: some StateReader) {
        let senders = Set(included.lazy.filter { $0.transaction.content.type.usesAccountNonce }.map(\.sender))
        let nonces = Dictionary(uniqueKeysWithValues: senders.map { ($0, accounts.value(of: .nonce($0)).uint64 ?? .max) })
        let now = ContinuousClock.now
        let waits = state.withLock { pool -> [Duration] in
            let waits = included.compactMap { tx in pool.admittedAt[tx.transaction.hash].map { now - $0 } }
            // A pending FISCO transaction with a committed random id (this one, or another) can never be included now.
            var spent: [Hash] = []
            for tx in included {
                if let fisco = tx.transaction.content.fisco {
                    if let pending = pool.fiscoByRandomID[fisco.randomID] { spent.append(pending) }
                } else {
                    pool.forget(tx.transaction.hash)
                }
            }
            pool.drop(spent)
            pool.appendedNonces.record(block: number, nonces: nonces)
            for sender in senders {
                guard var queue = pool.senders[sender] else { continue }
                queue.baseNonce = max(queue.baseNonce, nonces[sender]!)
                for (nonce, tx) in queue.byNonce where nonce < queue.baseNonce {
                    queue.byNonce[nonce] = nil
                    pool.forget(tx.transaction.hash)
                }
                pool.store(queue, of: sender, onlyAdded: false)
            }
            pool.senderOrder.removeAll { pool.senders[$0] == nil }
            return waits
        }
        if !waits.isEmpty { onCommitted(waits) }
    }
}
