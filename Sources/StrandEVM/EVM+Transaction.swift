import StrandPrimitives
import StrandTypes

/// What a valid transaction did.
public struct TransactionOutcome: Sendable {
    /// nil on success; the reason the top frame failed otherwise (`.reverted` for REVERT).
    public var error: EVMError?
    public var gasUsed: UInt64
    public var logs: [Log]
    /// Return or revert data of the top frame.
    public var output: [UInt8]
    public var contractAddress: Address?

    public var succeeded: Bool { error == nil }
}

/// How a chain that is not Ethereum mainnet runs a transaction.
public struct TransactOptions: Sendable {
    /// The price per gas the sender pays; nil for Ethereum's min(max fee, base fee + priority fee).
    public var gasPrice: UInt256?
    /// Whether the priority fee goes to the coinbase now (Ethereum); off where the block
    /// credits fees once at its end, so that transactions do not all write the coinbase.
    public var creditCoinbase: Bool
    /// Off only to speculate: a later transaction of a sender runs against the block's start
    /// state, whose nonce is behind; it is run as if its nonce were due.
    public var checkNonce: Bool
    /// Off for calls that only simulate (`eth_call`), which may come "from" a contract: EIP-3607
    /// refuses such senders only for real transactions.
    public var checkSenderCode: Bool

    public init(gasPrice: UInt256? = nil, creditCoinbase: Bool = true, checkNonce: Bool = true, checkSenderCode: Bool = true) {
        self.gasPrice = gasPrice
        self.creditCoinbase = creditCoinbase
        self.checkNonce = checkNonce
        self.checkSenderCode = checkSenderCode
    }

    public static let ethereum = TransactOptions()
}

extension EVM {
    /// Applies one transaction to `state` under Cancun rules: validity checks (an invalid
    /// transaction changes nothing and throws), gas purchase, EIP-2929/2930/3651 warm sets,
    /// the call or creation, refunds (EIP-3529), the priority fee to the coinbase, and the
    /// end-of-transaction deletions (EIP-161, EIP-6780).
    public func transact(
        _ tx: UnsignedTransaction, sender: Address, blobHashes: [Hash] = [], options: TransactOptions = .ethereum
    ) throws(TransactionValidityError) -> TransactionOutcome {
        let effectiveGasPrice = try validate(tx, sender: sender, options: options)
        let intrinsic = tx.intrinsicGas
        transaction = TransactionEnvironment(origin: sender, gasPrice: effectiveGasPrice, blobHashes: blobHashes)

        state.subtractBalance(sender, UInt256(tx.gasLimit) &* effectiveGasPrice)
        state.warm(sender)
        if let to = tx.to { state.warm(to) }
        state.warm(block.coinbase)
        let usesNonce = tx.type.usesAccountNonce
        if usesNonce && !options.checkNonce { state.setNonce(sender, tx.nonce) }
        for entry in tx.accessList {
            state.warm(entry.address)
            for key in entry.storageKeys { state.warm(SlotKey(entry.address, UInt256(key))) }
        }

        let gas = Int(tx.gasLimit - intrinsic)
        let result: CallResult
        var contractAddress: Address?
        if let to = tx.to {
            if usesNonce { state.setNonce(sender, tx.nonce + 1) }
            result = call(Message(
                kind: .call, caller: sender, address: to, codeAddress: to, value: tx.value, input: tx.data,
                gas: gas, isStatic: false, depth: 0
            ))
        } else {
            (result, contractAddress) = create(
                caller: sender, value: tx.value, initCode: tx.data, gas: gas, salt: nil, depth: 0
            )
        }

        var gasUsed = tx.gasLimit - UInt64(result.gasLeft)
        let refund = min(UInt64(max(state.refund, 0)), gasUsed / 5)
        gasUsed -= refund
        state.addBalance(sender, UInt256(tx.gasLimit - gasUsed) &* effectiveGasPrice)
        if options.creditCoinbase {
            state.addBalance(block.coinbase, UInt256(gasUsed) &* (effectiveGasPrice &- block.baseFee))
        }
        let logs = state.finishTransaction()
        return TransactionOutcome(
            error: result.error, gasUsed: gasUsed, logs: logs, output: result.output, contractAddress: contractAddress
        )
    }

    /// The checks that make a transaction includable; returns the gas price it pays.
    private func validate(
        _ tx: UnsignedTransaction, sender: Address, options: TransactOptions
    ) throws(TransactionValidityError) -> UInt256 {
        // A FISCO transaction has no nonce to check; a creation still counts on the account's (`create`).
        if tx.type.usesAccountNonce {
            let nonce = options.checkNonce ? state.nonce(sender) : tx.nonce
            if tx.nonce < nonce { throw .nonceTooLow(expected: nonce, actual: tx.nonce) }
            if tx.nonce > nonce { throw .nonceTooHigh(expected: nonce, actual: tx.nonce) }
            if nonce == .max { throw .nonceMax }
        }
        if options.checkSenderCode && state.codeHash(sender) != EVMCode.emptyHash { throw .senderNotEOA }
        if tx.gasLimit > block.gasLimit { throw .gasLimitExceedsBlock(gasLimit: tx.gasLimit, blockGasLimit: block.gasLimit) }
        if tx.maxPriorityFeePerGas > tx.maxFeePerGas { throw .priorityFeeAboveFeeCap }
        if tx.maxFeePerGas < block.baseFee { throw .feeCapBelowBaseFee }
        let intrinsic = tx.intrinsicGas
        if tx.gasLimit < intrinsic { throw .intrinsicGasTooLow(required: intrinsic, gasLimit: tx.gasLimit) }
        if tx.to == nil && tx.data.count > GasCost.maxInitCodeSize { throw .initCodeTooLarge(size: tx.data.count) }
        let (maxCost, overflow1) = UInt256(tx.gasLimit).multipliedReportingOverflow(by: options.gasPrice ?? tx.maxFeePerGas)
        let (total, overflow2) = maxCost.addingReportingOverflow(tx.value)
        if overflow1 || overflow2 || state.balance(sender) < total { throw .insufficientFunds }
        return options.gasPrice ?? min(tx.maxFeePerGas, block.baseFee &+ tx.maxPriorityFeePerGas)
    }
}
