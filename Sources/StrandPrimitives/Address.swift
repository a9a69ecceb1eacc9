/// A 20-byte account address.
///
/// Printed in EIP-55 mixed-case checksum form; parsed from hex, where a mixed-case input
/// must carry a valid checksum (all lower- or all upper-case input is accepted as is).
@frozen
public struct Address: Hashable, Sendable, BitwiseCopyable {
    @usableFromInline var w0, w1: UInt64
    @usableFromInline var w2: UInt32

    public static let byteCount = 20
    public static let zero = Address(w0: 0, w1: 0, w2: 0)

    /// The address as a number when it is below 2³² (precompiles' addresses are), else nil.
    @inlinable
    public var smallValue: UInt32? {
        w0 == 0 && w1 == 0 ? UInt32(bigEndian: w2) : nil
    }

    @inlinable
    init(w0: UInt64, w1: UInt64, w2: UInt32) {
        (self.w0, self.w1, self.w2) = (w0, w1, w2)
    }

    /// The address whose bytes are the first 20 bytes at `source`.
    @inlinable
    public init(loadingFrom source: UnsafeRawPointer) {
        w0 = source.loadUnaligned(as: UInt64.self)
        w1 = source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = source.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
    }

    /// The address with these bytes, or `nil` unless there are exactly 20 of them.
    @inlinable
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        let loaded: Address? = bytes.withContiguousStorageIfAvailable { Address(loadingFrom: $0.baseAddress!) }
        self = loaded ?? Array(bytes).withUnsafeBytes { Address(loadingFrom: $0.baseAddress!) }
    }

    /// The last 20 bytes of a Keccak-256 digest, as Ethereum derives addresses.
    @inlinable
    public init(lastBytesOf hash: Hash) {
        self = hash.withUnsafeBytes { Address(loadingFrom: $0.baseAddress! + 12) }
    }

    /// Parses 40 hex digits, with or without `0x`, checking the EIP-55 checksum of mixed-case input.
    public init(hex: some StringProtocol) throws(HexError) {
        try self.init(hex: hex, checksumHashes: [Keccak256.hash])
    }

    /// Parses 40 hex digits, accepting mixed-case input whose capitals follow any one of
    /// `checksumHashes` as EIP-55's follow Keccak-256 (FISCO's 国密 SDKs capitalise by SM3).
    public init(hex: some StringProtocol, checksumHashes: [([UInt8]) -> Hash]) throws(HexError) {
        let bytes = try Hex.decode(hex)
        guard let address = Address(bytes) else { throw .wrongLength(expected: Self.byteCount, actual: bytes.count) }
        let letters = hex.unicodeScalars.filter { ("a"..."f").contains($0) || ("A"..."F").contains($0) }
        let hasLower = letters.contains { ("a"..."f").contains($0) }
        let hasUpper = letters.contains { ("A"..."F").contains($0) }
        if hasLower && hasUpper {
            let digits = hex.hasPrefix("0x") || hex.hasPrefix("0X") ? hex.dropFirst(2) : hex[...]
            guard checksumHashes.contains(where: { address.checksummed(by: $0).dropFirst(2) == digits }) else {
                throw .badChecksum(expected: address.checksummed)
            }
        }
        self = address
    }

    /// Calls `body` with the 20 bytes, without copying them.
    @inlinable
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { buffer throws(E) in
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<Self.byteCount]))
        }
    }

    /// The 20 bytes as an array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Mixes the 20 bytes into a running 64-bit hash state (see `Hash.mixed(into:)`).
    @inlinable @inline(__always)
    public func mixed(into state: UInt64) -> UInt64 {
        var h = state
        h = (h ^ w0) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ w1) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ UInt64(w2)) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        return h
    }

    /// `0x` and 40 hex digits, capitalised per EIP-55: a letter is upper-case when the
    /// matching nibble of the Keccak-256 hash of the lower-case hex is 8 or more.
    public var checksummed: String { checksummed(by: Keccak256.hash) }

    /// EIP-55's capitalisation by another hash's nibbles.
    public func checksummed(by hash: ([UInt8]) -> Hash) -> String {
        let lower = Array(withUnsafeBytes { Hex.encode($0, prefixed: false) }.utf8)
        let digest = hash(lower).bytes
        var out: [UInt8] = [0x30, 0x78]
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? digest[i / 2] >> 4 : digest[i / 2] & 0x0f
            out.append(c >= UInt8(ascii: "a") && nibble >= 8 ? c - 0x20 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Address: Comparable {
    @inlinable
    public static func < (lhs: Address, rhs: Address) -> Bool {
        (UInt64(bigEndian: lhs.w0), UInt64(bigEndian: lhs.w1), UInt32(bigEndian: lhs.w2))
            < (UInt64(bigEndian: rhs.w0), UInt64(bigEndian: rhs.w1), UInt32(bigEndian: rhs.w2))
    }
}

extension Address: CustomStringConvertible {
    /// The EIP-55 checksummed form.
    public var description: String { checksummed }
}
