import StrandPrimitives

/// An event emitted by a contract: its address, up to four topics and data.
public struct Log: Hashable, Sendable {
    public var address: Address
    public var topics: [Hash]
    public var data: [UInt8]

    public init(address: Address, topics: [Hash], data: [UInt8]) {
        self.address = address
        self.topics = topics
        self.data = data
    }

    /// rlp([address, [topics…], data]), as Ethereum encodes logs.
    public func encode(to encoder: inout RLPEncoder) {
        encoder.appendList { list in
            list.append(address)
            list.appendList { topicList in for topic in topics { topicList.append(topic) } }
            list.append(bytes: data)
        }
    }

    static func decode(from reader: inout RLPReader) throws(RLPError) -> Log {
        var fields = try reader.readList()
        let address = try fields.readAddress()
        var topicReader = try fields.readList()
        var topics: [Hash] = []
        while !topicReader.isAtEnd { topics.append(try topicReader.readHash()) }
        let data = Array(try fields.readBytes())
        try fields.finish()
        return Log(address: address, topics: topics, data: data)
    }
}
