import StrandPrimitives
import StrandTypes

/// Why the pool refused a transaction: a code for metrics and RPC, and a message for people.
public struct TxPoolError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case malformed = "malformed"
        case invalid = "invalid"
        case badSignature = "bad_signature"
        case wrongChain = "wrong_chain"
        /// A FISCO transaction for another group.
        case wrongGroup = "wrong_group"
        case alreadyKnown = "already_known"
        /// The transaction is in a committed block.
        case alreadyInChain = "already_in_chain"
        /// A FISCO transaction whose block limit is not in (height, height + window].
        case blockLimitCheckFailed = "block_limit_check_failed"
        /// A FISCO transaction whose random id is pending or was used within the window.
        case randomIDCheckFailed = "random_id_check_failed"
        case nonceTooLow = "nonce_too_low"
        case nonceTooFarAhead = "nonce_too_far_ahead"
        case nonceAlreadyPending = "nonce_already_pending"
        case gasLimitTooHigh = "gas_limit_too_high"
        case insufficientBalance = "insufficient_balance"
        /// The sender is frozen by the committee (`ChainGovernance`).
        case accountFrozen = "account_frozen"
        /// The transaction calls a contract frozen by `ContractLifeCycle`.
        case contractFrozen = "contract_frozen"
        case poolFull = "pool_full"
        /// The node cannot take transactions for now (its ledger cannot commit).
        case unavailable = "unavailable"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    init(_ violation: ReplayViolation) {
        switch violation {
        case .blockLimit: self.init(.blockLimitCheckFailed, "\(violation)")
        case .randomIDSeen: self.init(.randomIDCheckFailed, "\(violation)")
        }
    }

    /// Maps a decoding or validation error to the pool's codes.
    init(_ error: TransactionError) {
        switch error {
        case .empty, .badRLP, .unsupportedType, .unknownType, .badV:
            self.init(.malformed, "\(error)")
        case .badSignature:
            self.init(.badSignature, "\(error)")
        case .chainIDMismatch, .zeroChainID:
            self.init(.wrongChain, "\(error)")
        case .groupIDMismatch:
            self.init(.wrongGroup, "\(error)")
        default:
            self.init(.invalid, "\(error)")
        }
    }
}
