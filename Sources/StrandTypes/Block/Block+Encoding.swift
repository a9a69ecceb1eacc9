import StrandPrimitives

extension Block {
    /// The whole block with its seal, as peers send it: rlp([header, [tx encoding…]]).
    public var networkEncoding: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 512 + transactions.reduce(0) { $0 + $1.encoded.count + 3 })
        encoder.appendList { list in
            header.encode(to: &list)
            list.appendList { body in for tx in transactions { body.append(bytes: tx.encoded) } }
        }
        return encoder.bytes
    }

    /// Decodes `networkEncoding` strictly; every transaction is decoded as from the network.
    public init(networkEncoding bytes: [UInt8]) throws {
        let (header, raws) = try decodeWhole(bytes, as: "block") { (reader: inout RLPReader) throws(RLPError) in
            var list = try reader.readList()
            let header = try BlockHeader.decode(from: &list)
            var body = try list.readList()
            var raws: [[UInt8]] = []
            while !body.isAtEnd { raws.append(Array(try body.readBytes())) }
            try list.finish()
            return (header, raws)
        }
        self.init(header: header, transactions: try Transaction.decodeAll(raws).map { decoded throws(TransactionError) in try decoded.get() })
    }
}
