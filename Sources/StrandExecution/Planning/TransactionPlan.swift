import StrandCrypto
import StrandPrimitives
import StrandTypes

/// What a transaction will do, worked out before it runs and without reading state: its
/// kind, its decoded native call, its gas and up-front cost, and so its access set.
struct TransactionPlan: Sendable {
    enum Kind: Sendable {
        case valueTransfer
        case parallelTransfer(ParallelTransfer.Call)
        /// One of FISCO's system contracts. Runs as a barrier: what it touches depends on lists
        /// in state (the roster, grants, names, rows, the committee).
        case system(SystemCall, gasCost: UInt64)
        /// From an account the committee froze, or to a contract frozen, before the block: its
        /// nonce is spent, its receipt says so (status 31 or 30), nothing else happens.
        case frozen(Receipt.Status)
        /// EVM code runs: a creation, or a call with data. Its access set is learnt by running it.
        case contract
        /// Left out whatever the state: the reason does not depend on it.
        case excluded(ExclusionReason)
    }

    var kind: Kind
    var intrinsicGas: UInt64
    /// The price each unit of gas costs the sender; zero when fees are off.
    var gasPrice: UInt256
    /// value + gasLimit × gasPrice: what the sender must hold before it runs.
    var upfrontCost: UInt256

    /// A placeholder for buffers, overwritten before use.
    static let placeholder = TransactionPlan(kind: .excluded(.blockGasLimitReached), intrinsicGas: 0, gasPrice: .zero, upfrontCost: .zero)

    private init(kind: Kind, intrinsicGas: UInt64, gasPrice: UInt256, upfrontCost: UInt256) {
        self.kind = kind
        self.intrinsicGas = intrinsicGas
        self.gasPrice = gasPrice
        self.upfrontCost = upfrontCost
    }

    /// Plans `tx`; `withinBlockGasLimit` says whether the gas limits of the block's
    /// transactions up to and including this one fit the block's gas limit, `frozen` the status
    /// it gets when the block's start state froze its sender or its contract (`Freezes.status`;
    /// planners ask only when something is frozen).
    ///
    /// Takes the flags it needs rather than the `BlockContext`: copying the context per
    /// transaction, on every core, would bump the shared reference count of its closure. `suite`
    /// is the chain's: a 国密 chain's calls of native contracts may name SM3 selectors.
    init(_ tx: RecoveredTransaction, feesEnabled: Bool, withinBlockGasLimit: Bool, frozen: Receipt.Status? = nil,
         suite: CryptoSuite) {
        // Fields are read through the transaction, not from a copy of its content: a copy
        // would retain and release the content's arrays, per transaction.
        let transaction = tx.transaction
        intrinsicGas = transaction.intrinsicGas
        // EIP-1559 with a zero base fee: the effective price is the priority fee, capped by the max fee.
        gasPrice = feesEnabled ? min(transaction.content.maxFeePerGas, transaction.content.maxPriorityFeePerGas) : .zero
        let gasLimit = transaction.content.gasLimit
        let (fee, feeOverflow) = UInt256(gasLimit).multipliedReportingOverflow(by: gasPrice)
        let (cost, costOverflow) = transaction.content.value.addingReportingOverflow(fee)
        upfrontCost = cost
        if !withinBlockGasLimit {
            kind = .excluded(.blockGasLimitReached)
        } else if feeOverflow || costOverflow {
            kind = .excluded(.feeOverflow)
        } else if gasLimit < intrinsicGas {
            kind = .excluded(.intrinsicGasTooLow(required: intrinsicGas, gasLimit: gasLimit))
        } else if let frozen {
            kind = .frozen(frozen)
        } else if transaction.content.to == ParallelTransfer.address {
            kind = .parallelTransfer(ParallelTransfer.decode(NativeSelectors.calldata(transaction.content.data, suite: suite)))
        } else if let to = transaction.content.to, SystemCall.isSystemContract(to),
                  let (call, gasCost) = SystemCall.decode(to: to, data: NativeSelectors.calldata(transaction.content.data, suite: suite),
                                                          sender: tx.sender, origin: tx.sender) {
            kind = .system(call, gasCost: gasCost)
        } else if tx.mayRunContractCode {
            kind = .contract
        } else {
            kind = .valueTransfer
        }
    }

    /// Whether the sender's balance is written: to pay value or fees.
    var touchesSenderBalance: Bool { !upfrontCost.isZero }

    /// Records exactly the keys that `TransactionProcessor` may touch for this plan; a
    /// contract's keys come from speculation instead (`Speculation`).
    func recordAccess(of tx: RecoveredTransaction, into set: inout AccessSetBuilder) {
        if case .excluded = kind { return }
        if tx.transaction.content.type.usesAccountNonce { set.write(.nonce(tx.sender)) }
        if touchesSenderBalance { set.write(.balance(tx.sender)) }
        switch kind {
        case .valueTransfer:
            let to = tx.transaction.content.to!
            set.read(.codeHash(to))
            if !tx.transaction.content.value.isZero { set.write(.balance(to)) }
        case .parallelTransfer(let call):
            call.recordAccess(into: &set)
        case .contract, .system, .frozen, .excluded:
            break
        }
    }

    /// False for a transaction whose keys cannot be known before it runs: it runs as a barrier.
    var hasKnownAccess: Bool {
        if case .system = kind { return false }
        return true
    }

    var isContract: Bool {
        if case .contract = kind { return true }
        return false
    }
}

/// Whether each transaction still fits the block: its gas limit within the block's, and its
/// block-gas charge within what the transactions before it (included or not) left, so that
/// the answer depends on nothing that runs.
func blockGasLimitFits(_ transactions: [RecoveredTransaction], gasLimit: UInt64) -> [Bool] {
    var used: UInt64 = 0
    return transactions.map { tx in
        let (sum, overflow) = used.addingReportingOverflow(tx.transaction.content.blockGasCharge)
        used = overflow ? .max : sum
        return !overflow && sum <= gasLimit && tx.transaction.content.gasLimit <= gasLimit
    }
}

/// Whether any transaction may run EVM code: such blocks need a deep stack, and access sets
/// learnt by speculation.
func containsContractTransactions(_ transactions: [RecoveredTransaction]) -> Bool {
    transactions.contains { $0.mayRunContractCode }
}

extension RecoveredTransaction {
    /// A creation, or data for another target than ParallelTransfer.
    var mayRunContractCode: Bool {
        guard let to = transaction.content.to else { return true }
        return to != ParallelTransfer.address && !transaction.content.data.isEmpty
    }
}

extension Freezes {
    /// The status a transaction gets when its sender (31) or the contract it calls (30) is frozen.
    func status(of tx: RecoveredTransaction) -> Receipt.Status? {
        if accounts.contains(tx.sender) { return .accountFrozen }
        if let to = tx.transaction.content.to, contracts.contains(to) { return .contractFrozen }
        return nil
    }
}
