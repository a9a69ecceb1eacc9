import StrandEVM
import StrandPrimitives
import StrandTypes

/// A transaction that runs EVM code: a creation, a call with data, or value sent to a contract.
enum ContractCall {
    /// Runs `tx` in a fresh world over `view`, then writes its changes back through the view.
    /// The sender pays gas used × the plan's price; the block credits fees at its end.
    /// - Parameter speculative: run as if the nonce were due (see `TransactOptions.checkNonce`),
    ///   and keep deployed code in the outcome instead of deploying it.
    static func execute<View: StateAccess>(
        _ tx: borrowing RecoveredTransaction, plan: borrowing TransactionPlan, view: inout View, contracts: ContractContext,
        speculative: Bool = false
    ) -> TransactionOutcome {
        let content = tx.transaction.content, sender = tx.sender, gasPrice = plan.gasPrice
        return withUnsafeMutablePointer(to: &view) { view in
            let source = ViewStateSource(view: view, contracts: contracts, deploys: !speculative)
            return run(content, sender: sender, gasPrice: gasPrice, source: source, contracts: contracts, speculative: speculative)
        }
    }

    private static func run(
        _ content: UnsignedTransaction, sender: Address, gasPrice: UInt256, source: ViewStateSource,
        contracts: ContractContext, speculative: Bool
    ) -> TransactionOutcome {
        WorldState.borrowing(source: source) { world in
            let evm = EVM(state: world, block: contracts.environment)
            evm.host = NativeHost(contracts: contracts)
            let options = TransactOptions(gasPrice: gasPrice, creditCoinbase: false, checkNonce: !speculative,
                                          checkSenderCode: !contracts.isSimulation)
            let result: EVMTransactionOutcome
            do throws(TransactionValidityError) {
                result = try evm.transact(content, sender: sender, options: options)
            } catch {
                return .excluded(ExclusionReason(error))
            }
            source.write(world)
            var outcome = TransactionOutcome(status: result.succeeded ? .success : .failure)
            outcome.gasUsed = result.gasUsed
            outcome.output = result.output
            outcome.logs = result.logs
            outcome.contractAddress = result.contractAddress
            if speculative { outcome.deployedCode = source.undeployedCode }
            outcome.fee = UInt256(result.gasUsed) &* gasPrice
            return outcome
        }
    }
}

typealias EVMTransactionOutcome = StrandEVM.TransactionOutcome

extension ExclusionReason {
    init(_ error: TransactionValidityError) {
        switch error {
        case let .nonceTooLow(expected, actual): self = .nonceTooLow(expected: expected, got: actual)
        case let .nonceTooHigh(expected, actual): self = .nonceTooHigh(expected: expected, got: actual)
        case let .intrinsicGasTooLow(required, gasLimit): self = .intrinsicGasTooLow(required: required, gasLimit: gasLimit)
        default: self = .rejectedByEVM(error)
        }
    }
}
