import StrandCrypto
import StrandPrimitives

/// A header and the transactions it commits to.
public struct Block: Hashable, Sendable {
    public var header: BlockHeader
    public var transactions: [Transaction]

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    public var hash: Hash { header.hash }
    public var number: UInt64 { header.number }

    /// The Merkle root of the transaction hashes by the chain's suite, as `header.transactionsRoot` must be.
    public static func transactionsRoot(_ transactions: [Transaction], suite: CryptoSuite) -> Hash {
        merkleRoot(transactions.map(\.hash), hashEach: suite.hashEach)
    }

    /// The Merkle root of the receipt hashes by the chain's suite, as `header.receiptsRoot` must be.
    public static func receiptsRoot(_ receipts: [Receipt], suite: CryptoSuite) -> Hash {
        merkleRoot(Receipt.encodeListAndHash(receipts, suite: suite).hashes, hashEach: suite.hashEach)
    }

    /// The body as the ledger stores it: rlp([tx encoding as a string…]).
    public var encodedBody: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: transactions.reduce(16) { $0 + $1.encoded.count + 3 })
        encoder.appendList { list in for tx in transactions { list.append(bytes: tx.encoded) } }
        return encoder.bytes
    }

    /// The transactions of an encoded body; each is decoded strictly, as from the network.
    public static func decodeBody(_ bytes: [UInt8]) throws -> [Transaction] {
        let raws = try decodeWhole(bytes, as: "block body") { (reader: inout RLPReader) throws(RLPError) in
            var items = try reader.readList()
            var raws: [[UInt8]] = []
            while !items.isAtEnd { raws.append(Array(try items.readBytes())) }
            return raws
        }
        return try Transaction.decodeAll(raws).map { decoded throws(TransactionError) in try decoded.get() }
    }
}

extension Block {
    /// The block on top of a parent, with every root computed from its contents: the
    /// transactions and receipts roots, and the state root after `changes`.
    public static func assemble(
        number: UInt64, parentHash: Hash, parentStateRoot: Hash, timestamp: UInt64, sealer: Address,
        gasLimit: UInt64, transactions: [Transaction], receipts: [Receipt], changes: StateChanges,
        extraData: [UInt8] = [], suite: CryptoSuite
    ) -> Block {
        let header = BlockHeader(
            parentHash: parentHash, number: number, timestamp: timestamp, sealer: sealer,
            transactionsRoot: transactionsRoot(transactions, suite: suite), receiptsRoot: receiptsRoot(receipts, suite: suite),
            stateRoot: changes.stateRoot(after: parentStateRoot), gasUsed: receipts.last?.cumulativeGasUsed ?? 0,
            gasLimit: gasLimit, extraData: extraData, suite: suite)
        return Block(header: header, transactions: transactions)
    }
}
