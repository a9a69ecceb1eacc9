import StrandPrimitives

/// The latest committed block, as far as the ledger has recorded it.
public struct ChainHead: Hashable, Sendable {
    public var number: UInt64
    public var hash: Hash
    public var stateRoot: Hash
    /// Transactions in all blocks up to and including this one.
    public var transactionCount: UInt64

    public init(number: UInt64, hash: Hash, stateRoot: Hash, transactionCount: UInt64) {
        self.number = number
        self.hash = hash
        self.stateRoot = stateRoot
        self.transactionCount = transactionCount
    }

    var encoded: [UInt8] {
        var encoder = RLPEncoder()
        encoder.appendList { list in
            list.append(number)
            list.append(hash)
            list.append(stateRoot)
            list.append(transactionCount)
        }
        return encoder.bytes
    }

    static func decode(_ bytes: [UInt8]) -> ChainHead? {
        bytes.withUnsafeBytes { buffer in
            try? { () throws(RLPError) -> ChainHead in
                var reader = RLPReader(buffer)
                var fields = try reader.readList()
                let head = ChainHead(number: try fields.readUInt64(), hash: try fields.readHash(),
                                     stateRoot: try fields.readHash(), transactionCount: try fields.readUInt64())
                try fields.finish()
                try reader.finish()
                return head
            }()
        }
    }
}
