/// One RLP item inside a buffer: a string or a list, with its payload and its whole encoding.
public struct RLPItem {
    public let isList: Bool
    /// The bytes of a string, or the concatenated encodings of a list's items.
    public let payload: UnsafeRawBufferPointer
    /// Header and payload together, e.g. for hashing an embedded encoding.
    public let encoding: UnsafeRawBufferPointer
}

/// A strict, zero-copy RLP decoder over a borrowed buffer.
///
/// Valid only inside the `withUnsafeBytes` call that lent the buffer. Every item is
/// checked as it is read: truncation, non-canonical lengths and single bytes, leading
/// zeros in integers, and nesting beyond `maxDepth`.
public struct RLPReader {
    /// Lists nested deeper than this are rejected: no honest Strand structure comes close.
    public static let maxDepth = 64

    @usableFromInline var rest: UnsafeRawBufferPointer
    @usableFromInline let depth: Int

    public init(_ buffer: UnsafeRawBufferPointer) {
        self.init(buffer, depth: 0)
    }

    @usableFromInline
    init(_ buffer: UnsafeRawBufferPointer, depth: Int) {
        rest = buffer
        self.depth = depth
    }

    /// Whether every item has been read.
    @inlinable
    public var isAtEnd: Bool { rest.isEmpty }

    /// The number of bytes not yet read.
    @inlinable
    public var remainingByteCount: Int { rest.count }

    /// Reads the next item, string or list.
    public mutating func readItem() throws(RLPError) -> RLPItem {
        guard let first = rest.first else { throw .truncated }
        let headerLength: Int
        let payloadLength: Int
        let isList: Bool
        switch first {
        case 0x00...0x7f:
            let item = UnsafeRawBufferPointer(rebasing: rest[rest.startIndex..<rest.startIndex + 1])
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst())
            return RLPItem(isList: false, payload: item, encoding: item)
        case 0x80...0xb7:
            (isList, headerLength, payloadLength) = (false, 1, Int(first - 0x80))
        case 0xb8...0xbf:
            isList = false
            headerLength = 1 + Int(first - 0xb7)
            payloadLength = try Self.longLength(rest, lengthOfLength: Int(first - 0xb7))
        case 0xc0...0xf7:
            (isList, headerLength, payloadLength) = (true, 1, Int(first - 0xc0))
        default:
            isList = true
            headerLength = 1 + Int(first - 0xf7)
            payloadLength = try Self.longLength(rest, lengthOfLength: Int(first - 0xf7))
        }
        guard payloadLength <= rest.count - headerLength else { throw .truncated }
        let start = rest.startIndex
        let payload = UnsafeRawBufferPointer(rebasing: rest[(start + headerLength)..<(start + headerLength + payloadLength)])
        if !isList && payloadLength == 1 && payload[0] < 0x80 { throw .nonCanonicalSingleByte }
        let encoding = UnsafeRawBufferPointer(rebasing: rest[start..<(start + headerLength + payloadLength)])
        rest = UnsafeRawBufferPointer(rebasing: rest[(start + headerLength + payloadLength)...])
        return RLPItem(isList: isList, payload: payload, encoding: encoding)
    }

    /// Parses a long-form length: big-endian, no leading zeros, at least 56.
    private static func longLength(_ buffer: UnsafeRawBufferPointer, lengthOfLength: Int) throws(RLPError) -> Int {
        guard buffer.count > lengthOfLength else { throw .truncated }
        guard buffer[buffer.startIndex + 1] != 0 else { throw .nonCanonicalLength }
        var length: UInt64 = 0
        for i in 1...lengthOfLength {
            length = length << 8 | UInt64(buffer[buffer.startIndex + i])
        }
        guard length >= 56 else { throw .nonCanonicalLength }
        guard length <= UInt64(buffer.count) else { throw .truncated }
        return Int(length)
    }

    /// Reads a list and returns a reader over its items.
    public mutating func readList() throws(RLPError) -> RLPReader {
        guard depth < Self.maxDepth else { throw .tooDeep }
        let item = try readItem()
        guard item.isList else { throw .expectedList }
        return RLPReader(item.payload, depth: depth + 1)
    }

    /// Reads a string and returns its bytes.
    public mutating func readBytes() throws(RLPError) -> UnsafeRawBufferPointer {
        let item = try readItem()
        guard !item.isList else { throw .expectedString }
        return item.payload
    }

    /// Reads a canonical unsigned integer of at most `maxBytes` bytes.
    ///
    /// Where both rules fail, which is reported follows Ethereum's clients (and so its test
    /// vectors): width first for 64-bit fields, leading zeros first for 256-bit ones.
    @usableFromInline
    mutating func readIntegerBytes(maxBytes: Int) throws(RLPError) -> UnsafeRawBufferPointer {
        let bytes = try readBytes()
        let tooWide = bytes.count > maxBytes
        let leadingZero = bytes.first == 0
        if tooWide && (maxBytes <= 8 || !leadingZero) { throw .integerTooLarge(maxBytes: maxBytes) }
        if leadingZero { throw .leadingZeros }
        return bytes
    }

    /// Reads a canonical unsigned integer that fits in 64 bits.
    @inlinable
    public mutating func readUInt64() throws(RLPError) -> UInt64 {
        let bytes = try readIntegerBytes(maxBytes: 8)
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        return value
    }

    /// Reads a canonical unsigned integer that fits in 256 bits.
    @inlinable
    public mutating func readUInt256() throws(RLPError) -> UInt256 {
        UInt256(bigEndian: try readIntegerBytes(maxBytes: 32))!
    }

    /// Reads a 20-byte string as an address.
    public mutating func readAddress() throws(RLPError) -> Address {
        let bytes = try readBytes()
        guard bytes.count == Address.byteCount else { throw .wrongLength(expected: Address.byteCount, actual: bytes.count) }
        return Address(loadingFrom: bytes.baseAddress!)
    }

    /// Reads a 32-byte string as a hash.
    public mutating func readHash() throws(RLPError) -> Hash {
        let bytes = try readBytes()
        guard bytes.count == Hash.byteCount else { throw .wrongLength(expected: Hash.byteCount, actual: bytes.count) }
        return Hash(loadingFrom: bytes.baseAddress!)
    }

    /// Throws unless every item has been read.
    public func finish() throws(RLPError) {
        guard rest.isEmpty else { throw .trailingBytes(count: rest.count) }
    }
}
