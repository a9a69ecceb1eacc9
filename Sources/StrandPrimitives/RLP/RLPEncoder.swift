/// Builds an RLP encoding into one growing buffer.
///
/// Lists are written in place: their items go straight into the buffer and the list
/// header is inserted in front afterwards, so nothing is encoded twice.
public struct RLPEncoder: Sendable {
    @usableFromInline var buffer: [UInt8]

    /// The encoding so far.
    public var bytes: [UInt8] { buffer }

    public init(reservingCapacity capacity: Int = 128) {
        buffer = []
        buffer.reserveCapacity(capacity)
    }

    /// Appends a byte string.
    @inlinable
    public mutating func append(bytes payload: UnsafeRawBufferPointer) {
        if payload.count == 1 && payload[0] < 0x80 {
            buffer.append(payload[0])
            return
        }
        appendHeader(payloadLength: payload.count, shortBase: 0x80)
        buffer.append(contentsOf: payload)
    }

    /// Appends a byte string.
    @inlinable
    public mutating func append(bytes payload: some Collection<UInt8>) {
        if payload.withContiguousStorageIfAvailable({ append(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            Array(payload).withUnsafeBytes { append(bytes: $0) }
        }
    }

    /// Appends an unsigned integer in its minimal big-endian form (zero is the empty string).
    @inlinable
    public mutating func append(_ value: UInt64) {
        if value != 0 && value < 0x80 {
            buffer.append(UInt8(value))
            return
        }
        let width = (64 - value.leadingZeroBitCount + 7) / 8
        buffer.append(0x80 + UInt8(width))
        for i in stride(from: width - 1, through: 0, by: -1) {
            buffer.append(UInt8(truncatingIfNeeded: value >> (UInt64(i) * 8)))
        }
    }

    /// Appends a 256-bit unsigned integer in its minimal big-endian form.
    @inlinable
    public mutating func append(_ value: UInt256) {
        if let small = value.uint64 { return append(small) }
        var word = Hash(value)
        let width = value.byteWidth
        withUnsafeBytes(of: &word) { append(bytes: UnsafeRawBufferPointer(rebasing: $0[(32 - width)...])) }
    }

    /// Appends an address as a 20-byte string.
    @inlinable
    public mutating func append(_ address: Address) {
        address.withUnsafeBytes { append(bytes: $0) }
    }

    /// Appends a hash as a 32-byte string.
    @inlinable
    public mutating func append(_ hash: Hash) {
        hash.withUnsafeBytes { append(bytes: $0) }
    }

    /// Appends bytes that are already a complete RLP item.
    @inlinable
    public mutating func append(encodedItem: some Sequence<UInt8>) {
        buffer.append(contentsOf: encodedItem)
    }

    /// Appends a list whose items `body` appends.
    @inlinable
    public mutating func appendList<E: Error>(_ body: (inout RLPEncoder) throws(E) -> Void) throws(E) {
        let start = buffer.count
        try body(&self)
        let payloadLength = buffer.count - start
        if payloadLength < 56 {
            buffer.insert(0xc0 + UInt8(payloadLength), at: start)
        } else {
            var header = RLPEncoder(reservingCapacity: 9)
            header.appendHeader(payloadLength: payloadLength, shortBase: 0xc0)
            buffer.insert(contentsOf: header.bytes, at: start)
        }
    }

    /// Appends the header of a list whose items, `payloadLength` bytes in all, the caller
    /// appends next: cheaper than `appendList` where the length is known in advance.
    @inlinable
    public mutating func appendListHeader(payloadLength: Int) {
        appendHeader(payloadLength: payloadLength, shortBase: 0xc0)
    }

    /// The length of the encoding of a byte string of `count` bytes whose first byte is `first`.
    @inlinable
    public static func encodedLength(ofBytes count: Int, first: UInt8?) -> Int {
        if count == 1, let first, first < 0x80 { return 1 }
        if count < 56 { return 1 + count }
        return 1 + (64 - UInt64(count).leadingZeroBitCount + 7) / 8 + count
    }

    /// Writes a string (base 0x80) or list (base 0xc0) header for a payload of `payloadLength` bytes.
    @usableFromInline
    mutating func appendHeader(payloadLength: Int, shortBase: UInt8) {
        if payloadLength < 56 {
            buffer.append(shortBase + UInt8(payloadLength))
            return
        }
        let width = (64 - UInt64(payloadLength).leadingZeroBitCount + 7) / 8
        buffer.append(shortBase + 55 + UInt8(width))
        for i in stride(from: width - 1, through: 0, by: -1) {
            buffer.append(UInt8(truncatingIfNeeded: payloadLength >> (i * 8)))
        }
    }
}
