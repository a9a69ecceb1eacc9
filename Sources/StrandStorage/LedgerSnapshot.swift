import StrandPrimitives
import StrandTypes
import Foundation

/// A consistent, read-only view of the ledger as of one committed block: later commits do
/// not change what it sees, and it never blocks them. Holds an LMDB reader slot until it
/// is released.
///
/// Safe to share between threads: LMDB allows a read transaction one thread at a time, so
/// reads take turns on a lock (uncontended, tens of nanoseconds).
public final class LedgerSnapshot: StateReader, @unchecked Sendable {
    let ledger: Ledger
    private let transaction: LMDBReadTransaction
    private let lock = NSLock()
    /// The head this snapshot sees.
    public let head: ChainHead

    init(ledger: Ledger, transaction: consuming LMDBReadTransaction) throws {
        self.ledger = ledger
        guard let bytes = try transaction.get(ledger.tables.meta, key: LedgerTables.headKey),
              var (head, countsFailures) = ChainHead.decode(bytes) else { throw LedgerError.corrupt("head record") }
        // A head written before failures were counted: the ledger counted them when it opened.
        if !countsFailures { head.failedTransactionCount = ledger.head.failedTransactionCount }
        self.head = head
        self.transaction = transaction
    }

    /// Runs `body` with the read transaction, holding the lock.
    func withTransaction<R>(_ body: (borrowing LMDBReadTransaction) throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(transaction)
    }

    private var tables: LedgerTables { ledger.tables }

    // MARK: State

    /// The value at `key`; zero when absent.
    ///
    /// Traps only if LMDB itself fails on a read, which means the data file is damaged.
    public func value(of key: StateKey) -> UInt256 {
        do {
            return try key.withEncodedBytes { key in
                try withTransaction { transaction in
                    try transaction.withValue(tables.state, key: key) { value in
                        guard let value else { return .zero }
                        guard let number = UInt256(bigEndian: value) else {
                            throw LedgerError.corrupt("state value of \(value.count) bytes")
                        }
                        return number
                    }
                }
            }
        } catch {
            fatalError("ledger state read failed: \(error)")
        }
    }

    public func code(hash: Hash) -> [UInt8]? {
        do { return try get(tables.code, key: hash.bytes) } catch {
            fatalError("ledger code read failed: \(error)")
        }
    }

    /// Every state entry in key order, until `body` returns false.
    public func forEachStateEntry(_ body: (StateKey, UInt256) throws -> Bool) throws {
        try withTransaction { transaction in
            try transaction.scan(tables.state) { key, value in
                guard let stateKey = StateKey(encoded: key), let number = UInt256(bigEndian: value), !number.isZero else {
                    throw LedgerError.corrupt("state entry \(Hex.encode(key))")
                }
                return try body(stateKey, number)
            }
        }
    }

    /// The number of state entries.
    public var stateEntryCount: Int { (try? count(tables.state)) ?? 0 }

    /// A copy of the value at `key` in `table`, or nil.
    func get(_ table: LMDBDatabase, key: [UInt8]) throws -> [UInt8]? {
        try withTransaction { try $0.get(table, key: key) }
    }

    /// The number of entries in `table`.
    func count(_ table: LMDBDatabase) throws -> Int {
        try withTransaction { try $0.count(table) }
    }

    // MARK: Blocks

    public func header(number: UInt64) throws -> BlockHeader? {
        guard number <= head.number, let bytes = try get(tables.headers, key: LedgerTables.numberKey(number))
        else { return nil }
        return try BlockHeader.decode(bytes)
    }

    public func number(ofBlock hash: Hash) throws -> UInt64? {
        try hash.withUnsafeBytes { key in
            try withTransaction { transaction in
                try transaction.withValue(tables.numbers, key: key) { value in value.flatMap(LedgerTables.number(from:)) }
            }
        }
    }

    public func header(hash: Hash) throws -> BlockHeader? {
        try number(ofBlock: hash).flatMap { try header(number: $0) }
    }

    public func block(number: UInt64) throws -> Block? {
        guard let header = try header(number: number),
              let body = try get(tables.bodies, key: LedgerTables.numberKey(number)) else { return nil }
        return Block(header: header, transactions: try Block.decodeBody(body))
    }

    /// Block `number` as peers send it (`Block.networkEncoding`), built from the stored header
    /// and body without decoding either: what a node serves to one that syncs.
    public func networkEncodedBlock(number: UInt64) throws -> [UInt8]? {
        guard number <= head.number, let header = try get(tables.headers, key: LedgerTables.numberKey(number)),
              let body = try get(tables.bodies, key: LedgerTables.numberKey(number)) else { return nil }
        var encoder = RLPEncoder(reservingCapacity: header.count + body.count + 8)
        encoder.appendList { list in
            list.append(encodedItem: header)
            list.append(encodedItem: body)
        }
        return encoder.bytes
    }

    public func block(hash: Hash) throws -> Block? {
        try number(ofBlock: hash).flatMap { try block(number: $0) }
    }

    public func receipts(blockNumber: UInt64) throws -> [Receipt]? {
        guard blockNumber <= head.number,
              let bytes = try get(tables.receipts, key: LedgerTables.numberKey(blockNumber)) else { return nil }
        return try Receipt.decodeList(bytes)
    }

    /// The state changes block `blockNumber` made, as its change log recorded them.
    public func stateChanges(blockNumber: UInt64) throws -> StateChanges? {
        try changeLog(blockNumber: blockNumber).map { try StateChanges.decode($0, suite: ledger.config.suite) }
    }

    /// The change log of block `blockNumber`: the canonical encoding of its `StateChanges`.
    public func changeLog(blockNumber: UInt64) throws -> [UInt8]? {
        guard blockNumber <= head.number else { return nil }
        return try get(tables.changes, key: LedgerTables.numberKey(blockNumber))
    }

    public func location(ofTransaction hash: Hash) throws -> TransactionLocation? {
        let bytes = try get(tables.txIndex, key: hash.bytes)
        guard let bytes else { return nil }
        guard let location = bytes.withUnsafeBytes({ TransactionLocation($0) }) else {
            throw LedgerError.corrupt("transaction index entry of \(bytes.count) bytes")
        }
        return location.blockNumber <= head.number ? location : nil
    }

    public func transaction(hash: Hash) throws -> (Transaction, TransactionLocation)? {
        guard let location = try location(ofTransaction: hash), let block = try block(number: location.blockNumber),
              Int(location.index) < block.transactions.count else { return nil }
        return (block.transactions[Int(location.index)], location)
    }

    public func receipt(transactionHash: Hash) throws -> Receipt? {
        guard let location = try location(ofTransaction: transactionHash),
              let receipts = try receipts(blockNumber: location.blockNumber),
              Int(location.index) < receipts.count else { return nil }
        return receipts[Int(location.index)]
    }
}
