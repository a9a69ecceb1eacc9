import StrandPrimitives
import StrandTypes

/// One sender's pending transactions by nonce.
struct SenderQueue {
    /// The account's nonce as last seen: the next transaction a block can include.
    var baseNonce: UInt64
    var arrival: UInt64
    var byNonce: [UInt64: RecoveredTransaction] = [:]
    /// The run of consecutive nonces from `baseNonce`: what a block could take now (a later
    /// nonce waits for the gap before it to fill).
    fileprivate(set) var run = Run()

    struct Run {
        var length: UInt64 = 0
        var blockGasCharge: UInt64 = 0
    }

    init(baseNonce: UInt64, arrival: UInt64) {
        self.baseNonce = baseNonce
        self.arrival = arrival
    }

    /// Extends the run over the nonces held past its end.
    fileprivate mutating func extendRun() {
        while let tx = byNonce[baseNonce &+ run.length] {
            run.length += 1
            run.blockGasCharge &+= tx.transaction.content.blockGasCharge
        }
    }
}

/// What the pool holds, behind its lock.
struct PoolState {
    var byHash: [Hash: RecoveredTransaction] = [:]
    /// Each sender's queue, changed only through `store(_:of:onlyAdded:)`.
    private(set) var senders: [Address: SenderQueue] = [:]
    /// Senders with pending transactions, in the order they first arrived.
    var senderOrder: [Address] = []
    /// Pending FISCO transactions by arrival (entries for removed ones are swept by `drop`).
    var fiscoOrder: [(arrival: UInt64, hash: Hash)] = []
    var fiscoByRandomID: [UInt256: Hash] = [:]
    /// When each pending transaction was admitted, for the admission-to-commit latency.
    var admittedAt: [Hash: ContinuousClock.Instant] = [:]
    /// Shared by senders and FISCO transactions, so that a block takes both in arrival order.
    var nextArrival: UInt64 = 0
    /// Transactions a block could include now (every FISCO one, each sender's run), and their
    /// block-gas charges summed: a nonce gap must not make consensus expect a block.
    private(set) var ready = 0
    private(set) var readyBlockGasCharge: UInt64 = 0
    var appendedNonces = AppendedNonces()

    mutating func add(_ tx: RecoveredTransaction) {
        byHash[tx.transaction.hash] = tx
        admittedAt[tx.transaction.hash] = .now
        if tx.transaction.content.fisco != nil { count(tx, as: 1) }
    }

    /// Removes a transaction from the indexes every transaction is in (not its sender's queue:
    /// store the queue after removing it there).
    @discardableResult
    mutating func forget(_ hash: Hash) -> RecoveredTransaction? {
        guard let tx = byHash.removeValue(forKey: hash) else { return nil }
        admittedAt[hash] = nil
        if tx.transaction.content.fisco != nil { count(tx, as: -1) }
        return tx
    }

    /// Keeps `sender`'s queue after a change, and the ready count with it. `onlyAdded`: the
    /// change added transactions and left the base nonce, so the run can only have grown
    /// from its end (counting it again would make one sender's long run quadratic).
    mutating func store(_ queue: SenderQueue, of sender: Address, onlyAdded: Bool) {
        let before = senders[sender]?.run ?? SenderQueue.Run()
        var queue = queue
        if !onlyAdded { queue.run = SenderQueue.Run() }
        queue.extendRun()
        ready += Int(queue.run.length) - Int(before.length)
        readyBlockGasCharge = readyBlockGasCharge &- before.blockGasCharge &+ queue.run.blockGasCharge
        senders[sender] = queue.byNonce.isEmpty ? nil : queue
    }

    mutating func drop(_ hashes: some Sequence<Hash>) {
        var droppedFisco = false
        for hash in hashes {
            guard let tx = forget(hash) else { continue }
            if let fisco = tx.transaction.content.fisco {
                fiscoByRandomID[fisco.randomID] = nil
                droppedFisco = true
            } else if var queue = senders[tx.sender] {
                queue.byNonce[tx.transaction.content.nonce] = nil
                store(queue, of: tx.sender, onlyAdded: false)
            }
        }
        senderOrder.removeAll { senders[$0] == nil }
        if droppedFisco { fiscoOrder.removeAll { byHash[$0.hash] == nil } }
    }

    private mutating func count(_ tx: RecoveredTransaction, as sign: Int) {
        ready += sign
        let charge = tx.transaction.content.blockGasCharge
        readyBlockGasCharge = sign > 0 ? readyBlockGasCharge &+ charge : readyBlockGasCharge &- charge
    }
}
