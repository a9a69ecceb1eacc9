import StrandCrypto
import StrandPrimitives

/// Why a transaction was rejected. Each cause is its own case so that the pool, the RPC
/// layer and metrics can name it.
public enum TransactionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// A field, or the envelope (`field` = "transaction"), is not canonical RLP of the right shape.
    case badRLP(field: String, RLPError)
    /// A known transaction type that Strand does not accept (type 3, blob transactions).
    case unsupportedType(UInt8)
    /// A type byte that names no transaction type.
    case unknownType(UInt8)
    /// A legacy v that is neither 27/28 nor 35 + 2 × chainId + {0, 1}, or a y-parity above 1.
    case badV(UInt256)
    /// r or s out of range, s above n/2 (EIP-2), or no key recovers.
    case badSignature(SignatureError)
    /// Signed for another chain, or without a chain id where one is required.
    case chainIDMismatch(expected: UInt64, actual: UInt64?)
    /// A FISCO transaction for another group than this chain's.
    case groupIDMismatch(expected: UInt64, actual: UInt64)
    /// Chain id 0, which names no chain (EIP-155 starts at 1).
    case zeroChainID
    /// The nonce is 2⁶⁴ − 1, which EIP-2681 reserves.
    case nonceTooLarge
    /// gasLimit × maxFeePerGas does not fit in 256 bits.
    case gasLimitPriceProductOverflow
    /// maxPriorityFeePerGas above maxFeePerGas (EIP-1559).
    case priorityFeeAboveMaxFee
    /// The gas limit does not cover the intrinsic gas.
    case intrinsicGasTooLow(required: UInt64, gasLimit: UInt64)
    /// Contract-creation code above the EIP-3860 limit.
    case initCodeTooLarge(size: Int, limit: Int)
    /// The encoded transaction is larger than the node accepts.
    case tooLarge(size: Int, limit: Int)
    /// Signed by the other suite than the chain's: secp256k1 on a 国密 chain, SM2 on the other.
    case wrongSuite(chain: CryptoSuite)
    /// A 国密 transaction's v, its signer's SM2 key, wider than 64 bytes.
    case badSM2Key(length: Int)

    public var description: String {
        switch self {
        case .empty: "empty transaction"
        case .badRLP(let field, let error): "bad RLP in \(field): \(error)"
        case .unsupportedType(let type): "transaction type \(type) (blob transaction) is not supported"
        case .unknownType(let type): "unknown transaction type 0x\(String(type, radix: 16))"
        case .badV(let v): "invalid signature v value \(v)"
        case .badSignature(let error): "invalid signature: \(error)"
        case .chainIDMismatch(let expected, let actual):
            actual.map { "chain id \($0) does not match this chain's \(expected)" }
                ?? "transaction has no chain id (pre-EIP-155); this chain requires \(expected)"
        case .groupIDMismatch(let expected, let actual): "group id \(actual) does not match this chain's \(expected)"
        case .zeroChainID: "chain id 0 names no chain"
        case .nonceTooLarge: "nonce 2^64-1 is not allowed (EIP-2681)"
        case .gasLimitPriceProductOverflow: "gas limit × fee per gas overflows 256 bits"
        case .priorityFeeAboveMaxFee: "max priority fee per gas is above max fee per gas"
        case .intrinsicGasTooLow(let required, let gasLimit): "intrinsic gas too low: needs \(required), gas limit \(gasLimit)"
        case .initCodeTooLarge(let size, let limit): "init code of \(size) bytes exceeds the limit of \(limit) (EIP-3860)"
        case .tooLarge(let size, let limit): "transaction of \(size) bytes exceeds the limit of \(limit)"
        case .wrongSuite(.sm): "this is a 国密 chain (crypto suite sm): it accepts only FISCO-format transactions signed with SM2"
        case .wrongSuite(let chain): "this chain's crypto suite is \(chain): it accepts no SM2-signed (国密) transaction"
        case .badSM2Key(let length): "a 国密 transaction's v holds an SM2 public key of 64 bytes, not \(length)"
        }
    }
}
