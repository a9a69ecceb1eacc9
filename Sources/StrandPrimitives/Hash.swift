/// A 32-byte value: a Keccak-256 digest, a block or transaction hash, a state root.
///
/// Stored as four machine words whose memory image is the 32 bytes in order, so hashing
/// and comparing cost four word operations and `withUnsafeBytes` is a view, not a copy.
@frozen
public struct Hash: Hashable, Sendable, BitwiseCopyable {
    @usableFromInline var w0, w1, w2, w3: UInt64

    public static let byteCount = 32
    public static let zero = Hash(w0: 0, w1: 0, w2: 0, w3: 0)

    @inlinable
    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    /// The hash whose bytes are the first 32 bytes at `source`.
    @inlinable
    public init(loadingFrom source: UnsafeRawPointer) {
        w0 = source.loadUnaligned(as: UInt64.self)
        w1 = source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = source.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w3 = source.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    /// The hash with these bytes, or `nil` unless there are exactly 32 of them.
    @inlinable
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        let loaded: Hash? = bytes.withContiguousStorageIfAvailable { Hash(loadingFrom: $0.baseAddress!) }
        self = loaded ?? Array(bytes).withUnsafeBytes { Hash(loadingFrom: $0.baseAddress!) }
    }

    /// Parses 64 hex digits, with or without `0x`.
    public init(hex: some StringProtocol) throws(HexError) {
        let bytes = try Hex.decode(hex)
        guard let hash = Hash(bytes) else { throw .wrongLength(expected: Self.byteCount, actual: bytes.count) }
        self = hash
    }

    /// Calls `body` with the 32 bytes, without copying them.
    @inlinable
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { buffer throws(E) in try body(buffer) }
    }

    /// The 32 bytes as an array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Mixes the 32 bytes into a running 64-bit hash state, one multiply-xorshift round per
    /// word, for the executor's hash tables. Seeded with a secret, it spreads keys that an
    /// attacker chose to collide; it is not a cryptographic digest.
    @inlinable @inline(__always)
    public func mixed(into state: UInt64) -> UInt64 {
        var h = state
        h = (h ^ w0) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ w1) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ w2) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ w3) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        return h
    }
}

extension Hash: Comparable {
    /// Lexicographic order of the bytes, the order in which state keys are committed.
    @inlinable
    public static func < (lhs: Hash, rhs: Hash) -> Bool {
        (UInt64(bigEndian: lhs.w0), UInt64(bigEndian: lhs.w1), UInt64(bigEndian: lhs.w2), UInt64(bigEndian: lhs.w3))
            < (UInt64(bigEndian: rhs.w0), UInt64(bigEndian: rhs.w1), UInt64(bigEndian: rhs.w2), UInt64(bigEndian: rhs.w3))
    }
}

extension Hash: CustomStringConvertible {
    /// `0x` and 64 lower-case hex digits.
    public var description: String { withUnsafeBytes { Hex.encode($0) } }
}
