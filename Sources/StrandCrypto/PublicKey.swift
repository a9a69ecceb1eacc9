import CSecp256k1
import StrandPrimitives

/// A secp256k1 public key, kept as its 64-byte uncompressed coordinates (x ‖ y).
public struct PublicKey: Hashable, Sendable {
    /// x ‖ y, 32 bytes each, big-endian.
    public let coordinates: [UInt8]

    init(_ key: secp256k1_pubkey, context: OpaquePointer) {
        var key = key
        var serialized = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(context, &serialized, &length, &key, UInt32(SECP256K1_EC_UNCOMPRESSED))
        coordinates = Array(serialized[1...])
    }

    /// The Ethereum address: the last 20 bytes of the Keccak-256 of the coordinates.
    public var address: Address {
        Address(lastBytesOf: Keccak256.hash(coordinates))
    }
}
