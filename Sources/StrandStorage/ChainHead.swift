import StrandPrimitives

/// The latest committed block, as far as the ledger has recorded it.
public struct ChainHead: Hashable, Sendable {
    public var number: UInt64
    public var hash: Hash
    public var stateRoot: Hash
    /// Transactions in all blocks up to and including this one.
    public var transactionCount: UInt64
    /// Those of them whose receipt says failure.
    public var failedTransactionCount: UInt64

    public init(number: UInt64, hash: Hash, stateRoot: Hash, transactionCount: UInt64, failedTransactionCount: UInt64 = 0) {
        self.number = number
        self.hash = hash
        self.stateRoot = stateRoot
        self.transactionCount = transactionCount
        self.failedTransactionCount = failedTransactionCount
    }

    var encoded: [UInt8] {
        var encoder = RLPEncoder()
        encoder.appendList { list in
            list.append(number)
            list.append(hash)
            list.append(stateRoot)
            list.append(transactionCount)
            list.append(failedTransactionCount)
        }
        return encoder.bytes
    }

    /// The head, and whether it counted failed transactions (a head written before it did has four fields).
    static func decode(_ bytes: [UInt8]) -> (head: ChainHead, countsFailures: Bool)? {
        bytes.withUnsafeBytes { buffer in
            try? { () throws(RLPError) -> (ChainHead, Bool) in
                var reader = RLPReader(buffer)
                var fields = try reader.readList()
                var head = ChainHead(number: try fields.readUInt64(), hash: try fields.readHash(),
                                     stateRoot: try fields.readHash(), transactionCount: try fields.readUInt64())
                let countsFailures = !fields.isAtEnd
                if countsFailures { head.failedTransactionCount = try fields.readUInt64() }
                try fields.finish()
                try reader.finish()
                return (head, countsFailures)
            }()
        }
    }
}
