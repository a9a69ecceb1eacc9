import StrandExecution
import StrandRPC
import StrandTxPool
import StrandTypes

/// FISCO BCOS 2.x's numbers, as its SDKs read them: the RPC error codes (-400xx) and the
/// transaction status codes that receipts, `call` and refused transactions carry.
enum FiscoStatus {
    static let groupNotFound = RPCError(code: -40001, message: "GroupID does not exist")
    static let blockHashNotFound = RPCError(code: -40003, message: "BlockHash does not exist")
    static let blockNumberNotFound = RPCError(code: -40004, message: "BlockNumber does not exist")
    static let transactionIndexOutOfRange = RPCError(code: -40005, message: "TransactionIndex is out of range")
    static let callNeedsFrom = RPCError(code: -40006, message: "Call needs a 'from' field")
    static let notPBFT = RPCError(code: -40007, message: "Only pbft consensus supports the view property")
    static let invalidSystemConfig = RPCError(code: -40008, message: "Invalid System Config")

    static let success: UInt64 = 0
    static let outOfGas: UInt64 = 12
    static let revertInstruction: UInt64 = 22

    /// A failed transaction's code. Strand's receipts record failure, not which EVM error:
    /// a REVERT returns unused gas, every other error consumes all of it, so a failure that
    /// used the whole gas limit is told as out of gas (FISCO's 12), any other as a revert (22).
    static func code(of receipt: Receipt, gasLimit: UInt64) -> UInt64 {
        switch receipt.status {
        case .success: success
        case .noDeployPermission, .contractFrozen, .accountFrozen: UInt64(receipt.status.rawValue)
        case .failure: receipt.gasUsed >= gasLimit ? outOfGas : revertInstruction
        }
    }

    /// Why a `call` could not run at all, as the status FISCO would give the transaction.
    static func code(of refusal: ExclusionReason) -> UInt64 {
        switch refusal {
        case .insufficientBalance: 7
        case .intrinsicGasTooLow: 4
        case .blockGasLimitReached: 9
        case .feeOverflow: 27
        case .nonceTooLow, .nonceTooHigh: 6
        case .rejectedByEVM: 29
        }
    }

    /// A refused transaction as FISCO's RPC tells it: its status code and message, with
    /// Strand's own reason as data.
    static func refusal(_ error: TxPoolError) -> RPCError {
        let (code, message): (Int, String) = switch error.code {
        case .malformed: (10005, "Malformed transaction")
        case .invalid: (3, "Invalid format")
        case .badSignature: (5, "Invalid signature")
        case .wrongChain: (10002, "Invalid chain id")
        case .wrongGroup: (10003, "Invalid group id")
        case .alreadyKnown: (10000, "Transaction already known")
        case .alreadyInChain: (10001, "Transaction already in chain")
        case .nonceTooLow, .nonceTooFarAhead, .nonceAlreadyPending: (6, "Invalid nonce")
        case .randomIDCheckFailed: (15, "Nonce check fail")
        case .blockLimitCheckFailed: (16, "Block limit check fail")
        case .gasLimitTooHigh: (9, "Block gas limit reached")
        case .insufficientBalance: (7, "Not enough cash")
        case .accountFrozen: (31, "Account frozen")
        case .contractFrozen: (30, "Contract frozen")
        case .poolFull: (28, "Transaction pool is full")
        case .unavailable: (29, "Transaction refused")
        }
        return RPCError(code: code, message: message, data: error.message)
    }
}
