import StrandPrimitives
import StrandTypes

/// How one transaction ended.
struct TransactionOutcome: Sendable {
    /// nil when the transaction was excluded.
    var status: Receipt.Status?
    var exclusion: ExclusionReason?
    var gasUsed: UInt64 = 0
    var output: [UInt8] = []
    /// Paid by the sender, credited to the sealer at block end.
    var fee: UInt256 = .zero
    var logs: [Log] = []
    /// The created contract, for a successful creation.
    var contractAddress: Address?
    /// Code a speculative run would have deployed (see `Speculation`).
    var deployedCode: [Hash: [UInt8]] = [:]

    static func excluded(_ reason: ExclusionReason) -> TransactionOutcome {
        TransactionOutcome(status: nil, exclusion: reason)
    }
}

/// The state transition of one planned transaction: the same code for the serial and the
/// parallel executor, so that they can differ only in scheduling.
///
/// Checks come first (nonce, up-front balance, target), so that an excluded transaction
/// writes nothing; a frozen sender's or frozen contract's spends its nonce and no more; otherwise the nonce is bumped (not for a FISCO transaction, which has none), the value or the native call applied, and the
/// fee taken. A failed call keeps the nonce bump and the fee, nothing else.
enum TransactionProcessor {
    static func execute<View: StateAccess>(
        _ tx: borrowing RecoveredTransaction, plan: borrowing TransactionPlan, view: inout View, contracts: ContractContext
    ) -> TransactionOutcome {
        if case .excluded(let reason) = plan.kind { return .excluded(reason) }
        if plan.isContract, mayDeploy(tx, view: &view, blockNumber: contracts.environment.number) {
            return ContractCall.execute(tx, plan: plan, view: &view, contracts: contracts)
        }

        let nonceKey = StateKey.nonce(tx.sender)
        let usesNonce = tx.transaction.content.type.usesAccountNonce
        let nonce = usesNonce ? view.read(nonceKey) : .zero
        guard !usesNonce || nonce == UInt256(tx.transaction.content.nonce) else {
            let expected = nonce.uint64 ?? .max
            return .excluded(tx.transaction.content.nonce < expected ? .nonceTooLow(expected: expected, got: tx.transaction.content.nonce)
                                                     : .nonceTooHigh(expected: expected, got: tx.transaction.content.nonce))
        }
        if case .frozen(let status) = plan.kind {
            if usesNonce { view.write(nonceKey, nonce &+ .one) }
            return TransactionOutcome(status: status)
        }
        let balanceKey = StateKey.balance(tx.sender)
        var senderBalance = UInt256.zero
        if plan.touchesSenderBalance {
            senderBalance = view.read(balanceKey)
            guard senderBalance >= plan.upfrontCost else {
                return .excluded(.insufficientBalance(required: plan.upfrontCost, available: senderBalance))
            }
        }
        // Value sent to a contract runs its code. In a parallel block this touches keys the
        // plan did not declare, so the block is run again serially, where any key may be read.
        if case .valueTransfer = plan.kind, !view.read(.codeHash(tx.transaction.content.to!)).isZero {
            return ContractCall.execute(tx, plan: plan, view: &view, contracts: contracts)
        }

        if usesNonce { view.write(nonceKey, nonce &+ .one) }
        var outcome = TransactionOutcome(status: .success)
        switch plan.kind {
        case .valueTransfer:
            outcome.gasUsed = plan.intrinsicGas
            if !tx.transaction.content.value.isZero {
                senderBalance = senderBalance &- tx.transaction.content.value
                view.write(balanceKey, senderBalance)
                let receiverKey = StateKey.balance(tx.transaction.content.to!)
                view.write(receiverKey, view.read(receiverKey) &+ tx.transaction.content.value)
                if tx.transaction.content.to == tx.sender { senderBalance = view.read(balanceKey) }
            }
        case .parallelTransfer(let call):
            runNative(tx, plan: plan, gasCost: call.gasCost, into: &outcome) {
                ParallelTransfer.execute(call, view: &view)
            }
        case .system(let call, let gasCost):
            runNative(tx, plan: plan, gasCost: gasCost, into: &outcome) {
                call.execute(view: &view, contracts: contracts)
            }
        case .contract:
            // A creation that `_sys_tables_` refuses: the nonce and the intrinsic gas are spent,
            // nothing is deployed, and the receipt says why (FISCO's status 18).
            outcome.status = .noDeployPermission
            outcome.gasUsed = plan.intrinsicGas
        case .excluded, .frozen:
            preconditionFailure("handled above")
        }
        if !plan.gasPrice.isZero {
            outcome.fee = UInt256(outcome.gasUsed) &* plan.gasPrice
            view.write(balanceKey, senderBalance &- outcome.fee)
        }
        return outcome
    }

    /// False for a creation by a sender that `_sys_tables_` does not allow (`Permission`).
    static func mayDeploy<View: StateAccess>(_ tx: borrowing RecoveredTransaction, view: inout View, blockNumber: UInt64) -> Bool {
        guard tx.transaction.content.to == nil else { return true }
        return Permission.allows(tx.sender, table: Permission.deployAndCreateTable, inBlock: blockNumber) { view.read($0) }
    }

    /// A native contract's call: not payable, its fixed gas charged, its outcome as the output.
    private static func runNative(_ tx: borrowing RecoveredTransaction, plan: borrowing TransactionPlan, gasCost: UInt64,
                                  into outcome: inout TransactionOutcome, _ call: () -> NativeOutcome) {
        let required = plan.intrinsicGas + gasCost
        if !tx.transaction.content.value.isZero {
            outcome.status = .failure
            outcome.output = ABI.revert("native contract: not payable")
            outcome.gasUsed = plan.intrinsicGas
        } else if tx.transaction.content.gasLimit < required {
            outcome.status = .failure
            outcome.output = ABI.revert("out of gas")
            outcome.gasUsed = tx.transaction.content.gasLimit
        } else {
            outcome.gasUsed = required
            switch call() {
            case .success(let output): outcome.output = output
            case .revert(let reason):
                outcome.status = .failure
                outcome.output = ABI.revert(reason)
            }
        }
    }
}
