import StrandCrypto
import StrandPrimitives
import StrandTypes

/// A message to run without committing it: `eth_call` and `eth_estimateGas`. Unsigned; the
/// caller names the sender.
public struct CallMessage: Sendable {
    public var from: Address
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    /// Gas available; nil means the block's gas limit.
    public var gas: UInt64?

    public init(from: Address = .zero, to: Address?, value: UInt256 = .zero, data: [UInt8] = [], gas: UInt64? = nil) {
        self.from = from
        self.to = to
        self.value = value
        self.data = data
        self.gas = gas
    }
}

/// Runs call messages through the serial executor as the only transaction of a block built
/// on `state`, and keeps nothing. The block is marked a simulation, so a contract may be the
/// sender (EIP-3607 binds real transactions only).
public struct CallSimulator: Sendable {
    public let chainID: UInt64

    /// Why a message could not run at all (as a transaction, it would have been excluded).
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let reason: ExclusionReason
        public var description: String { reason.description }
    }

    public init(chainID: UInt64) {
        self.chainID = chainID
    }

    /// The receipt of `message` run once, with all its gas.
    public func call(_ message: CallMessage, on state: some StateReader & Sendable, context: BlockContext) throws(Refusal) -> Receipt {
        try run(message, gasLimit: message.gas ?? context.gasLimit, on: state, context: context)
    }

    /// The least gas limit with which `message` succeeds; throws the failing receipt's
    /// refusal, or returns nil with the receipt when it fails even with all its gas.
    ///
    /// Gas used after refunds may be too little as a limit (refunds, the 63/64 rule of
    /// calls), so the limit is searched between what was used and what was available.
    public func estimateGas(_ message: CallMessage, on state: some StateReader & Sendable, context: BlockContext)
        throws(Refusal) -> (gas: UInt64?, receipt: Receipt) {
        let available = message.gas ?? context.gasLimit
        let full = try run(message, gasLimit: available, on: state, context: context)
        guard full.status == .success else { return (nil, full) }
        guard try run(message, gasLimit: full.gasUsed, on: state, context: context).status != .success else {
            return (full.gasUsed, full)
        }
        var (failing, passing) = (full.gasUsed, available)
        while passing - failing > 1 {
            let middle = failing + (passing - failing) / 2
            if try run(message, gasLimit: middle, on: state, context: context).status == .success {
                passing = middle
            } else {
                failing = middle
            }
        }
        return (passing, full)
    }

    private func run(_ message: CallMessage, gasLimit: UInt64, on state: some StateReader & Sendable,
                     context: BlockContext) throws(Refusal) -> Receipt {
        var simulation = context
        simulation.isSimulation = true
        let nonce = state.value(of: .nonce(message.from)).uint64 ?? 0
        let content = UnsignedTransaction(type: .dynamicFee, chainID: chainID, nonce: nonce, gasLimit: gasLimit, to: message.to,
                                          value: message.value, data: message.data)
        // The executors never look at a signature (the sender comes recovered); this one is
        // a placeholder that no chain would accept, and the transaction is never kept.
        let tx = RecoveredTransaction(Transaction(content, signature: Self.unsignedPlaceholder), sender: message.from)
        let result = SerialExecutor().execute([tx], on: state, context: simulation)
        if let excluded = result.excluded.first { throw Refusal(reason: excluded.reason) }
        return result.receipts[0]
    }

    /// r = s = 0: invalid by every signature rule, so it cannot be mistaken for a real one.
    private static let unsignedPlaceholder = RecoverableSignature(r: .zero, s: .zero, recoveryID: 0)
}
