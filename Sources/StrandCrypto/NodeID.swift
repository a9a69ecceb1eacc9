import StrandPrimitives

/// A node's identity on the chain: the 64 bytes of its consensus public key (x ‖ y for
/// secp256k1), as FISCO BCOS names nodes. The genesis lists validators by node ID; a node's
/// TLS certificate names it.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let byteCount = 64
    public let bytes: [UInt8]

    public init(_ bytes: some Collection<UInt8>) throws(NodeIDError) {
        guard bytes.count == Self.byteCount else { throw NodeIDError(message: "a node ID has 64 bytes, not \(bytes.count)") }
        self.bytes = Array(bytes)
    }

    public init(_ publicKey: PublicKey) {
        bytes = publicKey.coordinates
    }

    /// 128 hex digits, with or without `0x`.
    public init(hex: some StringProtocol) throws(NodeIDError) {
        let decoded: [UInt8]
        do { decoded = try Hex.decode(hex) } catch { throw NodeIDError(message: "node ID \(hex.prefix(20))…: \(error)") }
        try self.init(decoded)
    }

    /// 128 lowercase hex digits without `0x`, as FISCO writes node IDs.
    public var description: String { Hex.encode(bytes, prefixed: false) }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

public struct NodeIDError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
