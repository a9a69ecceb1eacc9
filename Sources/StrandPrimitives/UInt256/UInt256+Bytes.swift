extension UInt256 {
    /// The value of up to 32 big-endian bytes (shorter input is left-padded with zeros);
    /// `nil` for more than 32 bytes.
    ///
    /// - Complexity: O(*n*).
    @inlinable
    public init?(bigEndian bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= 32 else { return nil }
        self = .zero
        var limb = 0, shift: UInt64 = 0
        for byte in bytes.reversed() {
            self[limb: limb] |= UInt64(byte) << shift
            shift += 8
            if shift == 64 { shift = 0; limb += 1 }
        }
    }

    /// The value of up to 32 big-endian bytes; `nil` for more than 32 bytes.
    @inlinable
    public init?(bigEndian bytes: some Collection<UInt8>) {
        guard let value = (bytes.withContiguousStorageIfAvailable { UInt256(bigEndian: UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { UInt256(bigEndian: $0) }) else { return nil }
        self = value
    }

    /// The value of a 32-byte big-endian word at `source` (the EVM's memory layout).
    @inlinable
    public init(loadingBigEndianFrom source: UnsafeRawPointer) {
        self.init(
            w0: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
            w1: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            w2: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            w3: UInt64(bigEndian: source.loadUnaligned(as: UInt64.self)))
    }

    /// Writes the value as a 32-byte big-endian word at `destination`.
    @inlinable
    public func storeBigEndian(to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: w3.bigEndian, as: UInt64.self)
        destination.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
        destination.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
        destination.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// The 32-byte big-endian encoding.
    public var bigEndianBytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            storeBigEndian(to: UnsafeMutableRawPointer(buffer.baseAddress!))
            count = 32
        }
    }

    /// The big-endian encoding without leading zeros (empty for zero), as RLP wants integers.
    public var minimalBigEndianBytes: [UInt8] {
        Array(bigEndianBytes.dropFirst(32 - byteWidth))
    }

    /// The value of a hash read as a big-endian number.
    @inlinable
    public init(_ hash: Hash) {
        self = hash.withUnsafeBytes { UInt256(loadingBigEndianFrom: $0.baseAddress!) }
    }

    /// The value of an address, right-aligned in the word.
    @inlinable
    public init(_ address: Address) {
        self = address.withUnsafeBytes { UInt256(bigEndian: $0)! }
    }
}

extension Hash {
    /// The 32-byte big-endian encoding of `value`.
    @inlinable
    public init(_ value: UInt256) {
        var hash = Hash.zero
        Swift.withUnsafeMutableBytes(of: &hash) { value.storeBigEndian(to: $0.baseAddress!) }
        self = hash
    }
}

extension Address {
    /// The low 20 bytes of a word, as the EVM turns a stack value into an address.
    @inlinable
    public init(truncating value: UInt256) {
        self = Hash(value).withUnsafeBytes { Address(loadingFrom: $0.baseAddress! + 12) }
    }
}
