/// An owned RLP tree: for tools, tests and anything that needs the whole structure.
/// Hot paths read with `RLPReader` instead and copy nothing.
public indirect enum RLPValue: Hashable, Sendable {
    case bytes([UInt8])
    case list([RLPValue])

    /// Decodes exactly one item that spans all of `input`, strictly.
    public static func decode(_ input: some Collection<UInt8>) throws(RLPError) -> RLPValue {
        let bytes = Array(input)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(RLPError) -> RLPValue in
                var reader = RLPReader(buffer)
                let value = try decode(from: &reader)
                try reader.finish()
                return value
            }
        }
        return try result.get()
    }

    private static func decode(from reader: inout RLPReader) throws(RLPError) -> RLPValue {
        var probe = reader
        let item = try probe.readItem()
        guard item.isList else {
            reader = probe
            return .bytes(Array(item.payload))
        }
        var inner = try reader.readList()
        var items: [RLPValue] = []
        while !inner.isAtEnd {
            items.append(try decode(from: &inner))
        }
        return .list(items)
    }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var encoder = RLPEncoder()
        encode(to: &encoder)
        return encoder.bytes
    }

    public func encode(to encoder: inout RLPEncoder) {
        switch self {
        case .bytes(let bytes): encoder.append(bytes: bytes)
        case .list(let items): encoder.appendList { for item in items { item.encode(to: &$0) } }
        }
    }
}
