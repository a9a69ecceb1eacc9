import Foundation
import StrandPrimitives
import StrandTypes
import Synchronization

/// The chain on disk: blocks, transactions, receipts, indexes and the flat state, in one
/// LMDB environment, advanced by exactly one write transaction per block.
///
/// Readers (`snapshot()`, the lookups) never block the writer and always see whole
/// blocks. After a crash the ledger reopens at the last committed block.
public final class Ledger: Sendable {
    let env: LMDBEnvironment
    let tables: LedgerTables
    private let lock: DataDirectoryLock
    private let headState: Mutex<ChainHead>
    // Held across a commit, so that the head cannot move between check and write.
    private let commitLock = Mutex(())

    /// Hash of block 0; names the chain.
    public let genesisHash: Hash
    /// What the genesis fixed: chain id, suite, validators, limits.
    public let config: ChainConfig
    public var chainID: UInt64 { config.chainID }

    public var durability: LMDBOptions.Durability { env.options.durability }

    /// Opens the ledger in `directory` and locks it against every other opener until the
    /// ledger is released (`LedgerError.locked` names the holder). An empty directory is initialised from `genesis`;
    /// one that holds a chain must hold the chain of `genesis`, when one is given.
    public init(directory: String, options: LMDBOptions = LMDBOptions(), genesis: Genesis? = nil) throws(LedgerError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage(LMDBError(operation: "create directory \(directory): \(error.localizedDescription)", code: EIO))
        }
        lock = try DataDirectoryLock(directory: directory)
        do {
            env = try LMDBEnvironment(path: directory, options: options)
            tables = try LedgerTables(env)
        } catch {
            throw LedgerError(error, mapSize: options.mapSize)
        }
        let stored = try Self.readHead(env: env, tables: tables)
        let genesisBlock: Block
        if let stored {
            genesisBlock = try Self.readBlock(number: 0, env: env, tables: tables)
            if let genesis, genesis.block.hash != genesisBlock.hash {
                throw .genesisMismatch(stored: genesisBlock.hash, given: genesis.block.hash)
            }
            headState = Mutex(stored.head)
        } else {
            guard let genesis else { throw .noChain(directory: directory) }
            genesisBlock = genesis.block
            headState = Mutex(ChainHead(number: 0, hash: genesisBlock.hash, stateRoot: .zero, transactionCount: 0))
        }
        genesisHash = genesisBlock.hash
        do { config = try ChainConfig.decode(genesisBlock.header.extraData) } catch {
            throw .corrupt("genesis extra data: \(error)")
        }
        if stored == nil, let genesis {
            try writeBlock(genesisBlock, receipts: [], changes: genesis.stateChanges, head: nil)
        }
        if let stored, !stored.countsFailures { try countFailedTransactions() }
    }

    /// Counts the failed receipts of a ledger whose head predates the count; the next commit records it.
    private func countFailedTransactions() throws(LedgerError) {
        let head = self.head
        guard head.number > 0 else { return }
        let failed = try reading { snapshot in
            try (1...head.number).reduce(UInt64(0)) { count, number in
                count + UInt64(try snapshot.receipts(blockNumber: number)?.count { $0.status != .success } ?? 0)
            }
        }
        headState.withLock { $0.failedTransactionCount = failed }
    }

    /// The latest committed block.
    public var head: ChainHead { headState.withLock { $0 } }

    // MARK: Commit

    /// Appends `block` with its receipts and state changes in one atomic, durable (unless
    /// opened unsafe) write: the block, its transactions and receipts, their indexes, the
    /// state writes, new code, the change log and the new head.
    ///
    /// Checks first that the block extends the head and that its transaction, receipt and
    /// state roots are what its contents give; on any error nothing is written. A caller that
    /// computed or checked the transaction and receipt roots from these very transactions and
    /// receipts (the block builder, the importer: `ExecutedBlock`) passes `rootsChecked`, and
    /// the ledger does not hash every transaction and receipt a second time. The state root,
    /// one hash, is always checked.
    ///
    /// - Complexity: O(*t* + *k*) for *t* transactions and *k* changed keys, in one LMDB transaction.
    public func commit(_ block: Block, receipts: [Receipt], changes: StateChanges, rootsChecked: Bool = false) throws(LedgerError) {
        try commitLock.withLock { _ throws(LedgerError) in
            let current = head
            guard block.number == current.number + 1 else {
                throw .notNextBlock(expected: current.number + 1, got: block.number)
            }
            guard block.header.parentHash == current.hash else {
                throw .wrongParent(expected: current.hash, got: block.header.parentHash)
            }
            try writeBlock(block, receipts: receipts, changes: changes, head: current, rootsChecked: rootsChecked)
        }
    }

    private func writeBlock(
        _ block: Block, receipts: [Receipt], changes: StateChanges, head current: ChainHead?, rootsChecked: Bool = false
    ) throws(LedgerError) {
        let header = block.header
        guard receipts.count == block.transactions.count else {
            throw .receiptCountMismatch(transactions: block.transactions.count, receipts: receipts.count)
        }
        let stateRoot = changes.stateRoot(after: current?.stateRoot ?? .zero)
        guard stateRoot == header.stateRoot else {
            throw .rootMismatch(field: "state root", inHeader: header.stateRoot, computed: stateRoot)
        }
        // Encoding the block (and checking its transaction and receipt roots) runs on another
        // core while this thread writes the state; the write commits only if the roots hold.
        let encoding = Concurrently { EncodedBlock(block, receipts: receipts, computingRoots: !rootsChecked) }
        let hash = header.hash
        let newHead = ChainHead(number: header.number, hash: hash, stateRoot: stateRoot,
                                transactionCount: (current?.transactionCount ?? 0) + UInt64(block.transactions.count),
                                failedTransactionCount: (current?.failedTransactionCount ?? 0)
                                    + UInt64(receipts.count { $0.status != .success }))
        do {
            let txn = try env.beginWrite()
            do {
                try writeState(changes, in: txn)
                let encoded = encoding.wait()
                try encoded.checkRoots(against: header)
                try writeBlockRecords(block, encoded, hash: hash, changes: changes, head: newHead, in: txn)
            } catch {
                txn.abort()
                throw error
            }
            try txn.commit()  // LMDB frees the transaction whether or not this succeeds
        } catch {
            throw LedgerError(wrapping: error, mapSize: env.options.mapSize)
        }
        headState.withLock { $0 = newHead }
    }

    /// State entries (zero deletes) and new code.
    private func writeState(_ changes: StateChanges, in txn: borrowing LMDBWriteTransaction) throws {
        for entry in changes.entries {
            try entry.key.withEncodedBytes { key in
                if entry.value.isZero {
                    try txn.delete(tables.state, key: key)
                } else {
                    var word = Hash(entry.value)
                    let width = entry.value.byteWidth
                    try withUnsafeBytes(of: &word) { value in
                        try txn.put(tables.state, key: key, value: UnsafeRawBufferPointer(rebasing: value[(32 - width)...]))
                    }
                }
            }
        }
        for (codeHash, code) in changes.code {
            try txn.put(tables.code, key: codeHash.bytes, value: code)
        }
    }

    /// Header, body, receipts, indexes, change log and the new head.
    private func writeBlockRecords(
        _ block: Block, _ encoded: EncodedBlock, hash: Hash, changes: StateChanges, head: ChainHead,
        in txn: borrowing LMDBWriteTransaction
    ) throws {
        // Block numbers only grow, so the per-block tables are appended to.
        let number = LedgerTables.numberKey(block.number)
        try txn.put(tables.headers, key: number, value: encoded.header, appending: true)
        try txn.put(tables.numbers, key: hash.bytes, value: number)
        try txn.put(tables.bodies, key: number, value: encoded.body, appending: true)
        try txn.put(tables.receipts, key: number, value: encoded.receipts, appending: true)
        try txn.put(tables.changes, key: number, value: changes.encoded, appending: true)
        for (index, tx) in block.transactions.enumerated() {
            try txn.put(tables.txIndex, key: tx.hash.bytes, value: LedgerTables.location(number: block.number, index: UInt32(index)))
        }
        if block.number == 0 { try txn.put(tables.meta, key: LedgerTables.genesisKey, value: hash.bytes) }
        try txn.put(tables.meta, key: LedgerTables.headKey, value: head.encoded)
    }

    // MARK: Reads

    /// A consistent view of the latest committed block and its state, for as long as it is
    /// held. Use it from one thread at a time.
    public func snapshot() throws(LedgerError) -> LedgerSnapshot {
        do { return try LedgerSnapshot(ledger: self, transaction: env.beginRead()) } catch {
            throw LedgerError(wrapping: error, mapSize: env.options.mapSize)
        }
    }

    /// Runs `body` on a fresh snapshot.
    func reading<R>(_ body: (LedgerSnapshot) throws -> R) throws(LedgerError) -> R {
        let snapshot = try snapshot()
        do { return try body(snapshot) } catch { throw LedgerError(wrapping: error, mapSize: env.options.mapSize) }
    }

    public func header(number: UInt64) throws(LedgerError) -> BlockHeader? { try reading { try $0.header(number: number) } }
    public func header(hash: Hash) throws(LedgerError) -> BlockHeader? { try reading { try $0.header(hash: hash) } }
    public func block(number: UInt64) throws(LedgerError) -> Block? { try reading { try $0.block(number: number) } }
    public func block(hash: Hash) throws(LedgerError) -> Block? { try reading { try $0.block(hash: hash) } }
    public func receipts(blockNumber: UInt64) throws(LedgerError) -> [Receipt]? {
        try reading { try $0.receipts(blockNumber: blockNumber) }
    }
    public func location(ofTransaction hash: Hash) throws(LedgerError) -> TransactionLocation? {
        try reading { try $0.location(ofTransaction: hash) }
    }
    public func transaction(hash: Hash) throws(LedgerError) -> (Transaction, TransactionLocation)? {
        try reading { try $0.transaction(hash: hash) }
    }
    public func receipt(transactionHash: Hash) throws(LedgerError) -> Receipt? {
        try reading { try $0.receipt(transactionHash: transactionHash) }
    }
    /// The value of `key` at the head; zero when absent.
    public func value(of key: StateKey) throws(LedgerError) -> UInt256 { try reading { $0.value(of: key) } }

    // MARK: Opening

    private static func readHead(env: LMDBEnvironment, tables: LedgerTables) throws(LedgerError) -> (head: ChainHead, countsFailures: Bool)? {
        do {
            let txn = try env.beginRead()
            guard let bytes = try txn.get(tables.meta, key: LedgerTables.headKey) else { return nil }
            guard let head = ChainHead.decode(bytes) else { throw LedgerError.corrupt("head record") }
            return head
        } catch {
            throw LedgerError(wrapping: error, mapSize: env.options.mapSize)
        }
    }

    private static func readBlock(number: UInt64, env: LMDBEnvironment, tables: LedgerTables) throws(LedgerError) -> Block {
        do {
            let txn = try env.beginRead()
            let key = LedgerTables.numberKey(number)
            guard let header = try txn.get(tables.headers, key: key), let body = try txn.get(tables.bodies, key: key) else {
                throw LedgerError.corrupt("block \(number) missing")
            }
            return Block(header: try BlockHeader.decode(header), transactions: try Block.decodeBody(body))
        } catch {
            throw LedgerError(wrapping: error, mapSize: env.options.mapSize)
        }
    }
}
