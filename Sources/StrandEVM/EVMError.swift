/// Why a call frame stopped other than by STOP, RETURN or SELFDESTRUCT.
///
/// Every case but `reverted` is an exceptional halt: the frame's gas is gone and its
/// state changes are undone. `reverted` (REVERT) undoes state but returns the unused gas.
public enum EVMError: Error, Hashable, Sendable {
    case outOfGas
    case stackUnderflow
    case stackOverflow
    case invalidJump
    case invalidOpcode(UInt8)
    case writeInStaticCall
    case returnDataOutOfBounds
    case initCodeTooLarge
    case codeTooLarge
    case invalidCodePrefix
    case createCollision
    case reverted
    /// A precompile that Strand does not implement (KZG point evaluation).
    case unsupportedPrecompile(String)
    /// Malformed input to a precompile that must fail rather than return empty.
    case precompileFailure(String)
}

/// Why a transaction cannot be included at all: the state stays as it was.
public enum TransactionValidityError: Error, Hashable, Sendable, CustomStringConvertible {
    case nonceTooLow(expected: UInt64, actual: UInt64)
    case nonceTooHigh(expected: UInt64, actual: UInt64)
    case nonceMax
    case senderNotEOA
    case gasLimitExceedsBlock(gasLimit: UInt64, blockGasLimit: UInt64)
    case intrinsicGasTooLow(required: UInt64, gasLimit: UInt64)
    case feeCapBelowBaseFee
    case priorityFeeAboveFeeCap
    case insufficientFunds
    case initCodeTooLarge(size: Int)

    public var description: String {
        switch self {
        case let .nonceTooLow(e, a): "nonce too low: expected \(e), got \(a)"
        case let .nonceTooHigh(e, a): "nonce too high: expected \(e), got \(a)"
        case .nonceMax: "nonce has reached its maximum"
        case .senderNotEOA: "sender is a contract (EIP-3607)"
        case let .gasLimitExceedsBlock(g, b): "gas limit \(g) exceeds the block's \(b)"
        case let .intrinsicGasTooLow(r, g): "intrinsic gas \(r) exceeds the gas limit \(g)"
        case .feeCapBelowBaseFee: "max fee per gas is below the base fee"
        case .priorityFeeAboveFeeCap: "max priority fee per gas exceeds max fee per gas"
        case .insufficientFunds: "insufficient funds for gas × price + value"
        case let .initCodeTooLarge(size): "init code of \(size) bytes exceeds 49,152 (EIP-3860)"
        }
    }
}
