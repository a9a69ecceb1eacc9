import StrandCrypto
import StrandPrimitives

/// The chain's rules for admitting a transaction, beyond well-formedness.
public struct TransactionRules: Sendable {
    public var chainID: UInt64
    /// FISCO BCOS's group id, which a FISCO transaction must name.
    public var groupID: UInt64
    /// Accept legacy transactions signed without a chain id (replayable across chains).
    public var allowUnprotectedLegacy: Bool
    /// Largest accepted encoding, in bytes.
    public var maxEncodedSize: Int
    /// Largest contract-creation code (EIP-3860: 2 × 24,576).
    public var maxInitCodeSize: Int
    /// The chain's suite, which signed every transaction it accepts.
    public var suite: CryptoSuite

    public init(chainID: UInt64, groupID: UInt64 = 1, allowUnprotectedLegacy: Bool = true, maxEncodedSize: Int = 128 * 1024,
                maxInitCodeSize: Int = 49_152, suite: CryptoSuite = .secp256k1) {
        self.suite = suite
        self.chainID = chainID
        self.groupID = groupID
        self.allowUnprotectedLegacy = allowUnprotectedLegacy
        self.maxEncodedSize = maxEncodedSize
        self.maxInitCodeSize = maxInitCodeSize
    }
}

extension UnsignedTransaction {
    /// Gas charged before execution (Cancun): 21,000, plus 32,000 and 2 per init-code word
    /// for creation, 4 per zero and 16 per non-zero data byte, 2,400 per access-list
    /// address and 1,900 per storage key.
    public var intrinsicGas: UInt64 {
        var gas: UInt64 = 21_000
        let zeros = data.withUnsafeBytes { Self.zeroByteCount($0) }
        gas += UInt64(zeros) * 4 + UInt64(data.count - zeros) * 16
        if isContractCreation {
            gas += 32_000 + UInt64((data.count + 31) / 32) * 2
        }
        for entry in accessList {
            gas += 2_400 + UInt64(entry.storageKeys.count) * 1_900
        }
        return gas
    }

    /// The zero bytes of `bytes`, eight at a time: a byte-by-byte loop branches on every byte,
    /// and ABI calldata mixes zeros and non-zeros unpredictably.
    static func zeroByteCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var zeros = 0
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // Bit 7 of each byte ends up set exactly when the byte is zero (no carries cross bytes).
            let marks = ~(((word & low7) &+ low7) | word | low7)
            zeros += marks.nonzeroBitCount
            offset += 8
        }
        while offset < bytes.count {
            if bytes[offset] == 0 { zeros += 1 }
            offset += 1
        }
        return zeros
    }
}

extension Transaction {
    /// Checks what a chain requires of a well-formed transaction: size, chain id, signature
    /// ranges and low s (EIP-2), a chain id that is not 0, a FISCO transaction's group id, nonce range, fee
    /// arithmetic, init-code size and intrinsic gas. A FISCO transaction's block limit and random id
    /// depend on the chain's height and history: `ReplayWindow` checks them.
    public func validate(_ rules: TransactionRules) throws(TransactionError) {
        guard encoded.count <= rules.maxEncodedSize else {
            throw .tooLarge(size: encoded.count, limit: rules.maxEncodedSize)
        }
        guard suite == rules.suite else { throw .wrongSuite(chain: rules.suite) }
        guard content.chainID != 0 else { throw .zeroChainID }
        switch content.chainID {
        case nil where !rules.allowUnprotectedLegacy, .some(_) where content.chainID != rules.chainID:
            throw .chainIDMismatch(expected: rules.chainID, actual: content.chainID)
        default: break
        }
        if let fisco = content.fisco, fisco.groupID != rules.groupID {
            throw .groupIDMismatch(expected: rules.groupID, actual: fisco.groupID)
        }
        do { try signature.validate() } catch { throw .badSignature(error) }
        guard content.nonce != .max else { throw .nonceTooLarge }
        guard !UInt256(content.gasLimit).multipliedReportingOverflow(by: content.maxFeePerGas).overflow else {
            throw .gasLimitPriceProductOverflow
        }
        guard content.maxPriorityFeePerGas <= content.maxFeePerGas else { throw .priorityFeeAboveMaxFee }
        if content.isContractCreation && content.data.count > rules.maxInitCodeSize {
            throw .initCodeTooLarge(size: content.data.count, limit: rules.maxInitCodeSize)
        }
        let intrinsic = intrinsicGas
        guard content.gasLimit >= intrinsic else {
            throw .intrinsicGasTooLow(required: intrinsic, gasLimit: content.gasLimit)
        }
    }
}
