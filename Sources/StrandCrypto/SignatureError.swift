/// Why a signature was rejected or could not be recovered.
public enum SignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// r is zero or not below the curve order.
    case rOutOfRange
    /// s is zero or not below the curve order.
    case sOutOfRange
    /// s is above half the curve order, which EIP-2 forbids.
    case highS
    /// The recovery id is not 0 or 1.
    case invalidRecoveryID(UInt64)
    /// No public key recovers from this signature and message.
    case recoveryFailed
    /// A private key that is zero or not below the curve order.
    case invalidPrivateKey
    /// An SM2 signature that does not verify under the key it names (or names none).
    case verificationFailed
    /// A signature of the other suite than the chain's: SM2 on a secp256k1 chain or the reverse.
    case wrongSuite(expected: String)

    public var description: String {
        switch self {
        case .rOutOfRange: "signature r is zero or not below the curve order"
        case .sOutOfRange: "signature s is zero or not below the curve order"
        case .highS: "signature s is above half the curve order (EIP-2)"
        case .invalidRecoveryID(let id): "signature recovery id \(id) is not 0 or 1"
        case .recoveryFailed: "no public key recovers from this signature"
        case .invalidPrivateKey: "private key is zero or not below the curve order"
        case .verificationFailed: "SM2 signature does not verify under the public key it carries"
        case .wrongSuite("sm"): "signature is not SM2 carrying its key: this is a 国密 chain (crypto suite sm), which takes FISCO-format transactions signed with SM2"
        case .wrongSuite(let expected): "signature is not of this chain's crypto suite (\(expected)): an SM2 (国密) signature"
        }
    }
}
