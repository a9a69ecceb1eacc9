import StrandCrypto
import StrandPrimitives
import StrandTypes

/// Makes valid, reproducible blocks for ledger benchmarks, crash tests and demos: signed
/// transfers from a fixed set of development accounts, receipts for them, and state
/// changes that create, update and delete random storage slots.
///
/// Not an executor: the state changes are random, not what the transactions would do.
public struct SyntheticBlocks {
    /// Deterministic development keys, so that every run agrees on the genesis.
    public let senders: [PrivateKey]
    public let genesis: Genesis
    private var generator: SeededGenerator
    private var nonces: [UInt64]
    /// Slots written so far by this generator, for updates and deletions.
    private var written: [StateKey] = []

    public static let chainID: UInt64 = 20200

    /// - Parameter firstNonce: the senders' next nonce, so that a generator started on an
    ///   existing chain signs new transactions rather than repeating old ones.
    public init(seed: UInt64, senderCount: Int = 8, firstNonce: UInt64 = 0) {
        senders = (0..<senderCount).map { i in
            try! PrivateKey(Keccak256.hash(Array("strand synthetic sender \(i)".utf8)).bytes)
        }
        var accounts: [Address: Genesis.Account] = [:]
        for key in senders { accounts[key.address] = Genesis.Account(balance: UInt256(1) << 100) }
        genesis = Genesis(config: ChainConfig(chainID: Self.chainID, validators: [NodeID(senders[0].publicKey)]), accounts: accounts)
        generator = SeededGenerator(seed: seed)
        nonces = Array(repeating: firstNonce, count: senderCount)
    }

    /// Signed transfers, `count` of them, round-robin over the senders.
    public mutating func transactions(_ count: Int) -> [Transaction] {
        (0..<count).map { i in
            let sender = i % senders.count
            defer { nonces[sender] += 1 }
            return UnsignedTransaction(
                type: .dynamicFee, chainID: Self.chainID, nonce: nonces[sender], maxFeePerGas: UInt256(1),
                gasLimit: 21_000, to: Address(lastBytesOf: Keccak256.hash(generator.bytes(8))), value: UInt256(1)
            ).signed(with: senders[sender])
        }
    }

    /// Successful 21,000-gas receipts for `transactions`.
    public static func receipts(for transactions: [Transaction]) -> [Receipt] {
        transactions.enumerated().map { index, tx in
            Receipt(status: .success, gasUsed: 21_000, cumulativeGasUsed: 21_000 * UInt64(index + 1),
                    transactionHash: tx.hash, transactionIndex: UInt32(index))
        }
    }

    /// `count` random storage writes: with `churn`, a quarter update earlier slots and a
    /// tenth delete them; otherwise all are new slots with non-zero 32-byte values.
    public mutating func stateChanges(_ count: Int, churn: Bool) -> StateChanges {
        var writes: [StateKey: UInt256] = [:]
        writes.reserveCapacity(count)
        while writes.count < count {
            let roll = generator.next() % 100
            let key: StateKey
            if churn && roll < 35 && !written.isEmpty {
                key = written[Int(generator.next() % UInt64(written.count))]
            } else {
                key = .storage(Address(generator.bytes(20))!, Hash(generator.bytes(32))!)
                written.append(key)
            }
            let delete = churn && roll < 10
            writes[key] = delete ? .zero : UInt256(bigEndian: generator.bytes(32))! | (UInt256.one << 255)
        }
        return StateChanges(writes)
    }

    /// The next block on `parent` with `transactionCount` transfers and `stateKeys` writes.
    public mutating func block(
        number: UInt64, parentHash: Hash, parentStateRoot: Hash, transactionCount: Int, stateKeys: Int, churn: Bool
    ) -> (block: Block, receipts: [Receipt], changes: StateChanges) {
        let transactions = transactions(transactionCount)
        let receipts = Self.receipts(for: transactions)
        let changes = stateChanges(stateKeys, churn: churn)
        var block = Block.assemble(
            number: number, parentHash: parentHash, parentStateRoot: parentStateRoot, timestamp: number,
            sealer: senders[0].address, gasLimit: 300_000_000, transactions: transactions, receipts: receipts,
            changes: changes, suite: .secp256k1)
        seal(&block)
        return (block, receipts, changes)
    }

    /// Seals `block` as the genesis's one validator, so that `ledger verify` checks it as any chain's.
    public func seal(_ block: inout Block) {
        block.header.seal = BlockSeal(signatures: [genesis.config.sealSignature(for: block.header, validatorIndex: 0, key: senders[0])])
    }
}
