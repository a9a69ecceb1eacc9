import StrandCrypto
import StrandPrimitives

/// A transaction's content, everything its sender signs.
///
/// Legacy, EIP-2930 and FISCO transactions have one gas price; they keep it in both
/// `maxFeePerGas` and `maxPriorityFeePerGas`, which is how EIP-1559 treats them.
public struct UnsignedTransaction: Hashable, Sendable {
    public var type: TransactionType
    /// nil only for a legacy transaction signed without EIP-155 replay protection.
    public var chainID: UInt64?
    /// The account nonce; 0 and unused for a FISCO transaction (`type.usesAccountNonce`).
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// nil for contract creation.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]
    /// A FISCO transaction's random id, block limit, group id and extra data; nil for the others.
    public var fisco: FiscoFields?

    public init(
        type: TransactionType = .dynamicFee, chainID: UInt64?, nonce: UInt64,
        maxPriorityFeePerGas: UInt256 = .zero, maxFeePerGas: UInt256 = .zero, gasLimit: UInt64,
        to: Address?, value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) {
        precondition(type != .fisco, "a FISCO transaction is made with UnsignedTransaction.fisco(...)")
        self.type = type
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = type == .dynamicFee ? maxPriorityFeePerGas : maxFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    /// A FISCO BCOS 2.x transaction: its gas price is both fees, it has no account nonce and no access list.
    public static func fisco(
        _ fields: FiscoFields, chainID: UInt64, gasPrice: UInt256 = .zero, gasLimit: UInt64, to: Address?,
        value: UInt256 = .zero, data: [UInt8] = []
    ) -> UnsignedTransaction {
        var content = UnsignedTransaction(type: .legacy, chainID: chainID, nonce: 0, maxFeePerGas: gasPrice, gasLimit: gasLimit,
                                          to: to, value: value, data: data)
        content.type = .fisco
        content.fisco = fields
        return content
    }

    /// The gas price of a legacy or EIP-2930 transaction (the max fee of an EIP-1559 one).
    public var gasPrice: UInt256 { maxFeePerGas }

    public var isContractCreation: Bool { to == nil }

    /// What the transaction counts against the block gas limit: its gas limit, or nothing for
    /// a FISCO transaction. FISCO bounds a block by its transaction count and each transaction
    /// by the per-transaction cap (the block gas limit), and its SDKs send 30,000,000 gas with
    /// every transaction: counted, ten would fill a block.
    public var blockGasCharge: UInt64 { type == .fisco ? 0 : gasLimit }

    /// The hash that the sender signs, by the suite's hash (a 国密 transaction's is SM3's).
    ///
    /// - Legacy: keccak(rlp([nonce, gasPrice, gas, to, value, data])), with `chainId, 0, 0`
    ///   appended under EIP-155.
    /// - Typed: keccak(type ‖ rlp([fields without the signature])).
    /// - FISCO: hash(rlp([randomid, gasPrice, gas, blockLimit, to, value, data, chainId, groupId, extraData])).
    public func signingHash(_ suite: CryptoSuite) -> Hash {
        suite.hash(signingPayload)
    }

    /// The bytes whose hash is the signing hash.
    public var signingPayload: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 128 + data.count)
        encoder.appendList { list in
            encodeFields(to: &list)
            if type == .legacy, let chainID {
                list.append(chainID)
                list.append(UInt64(0))
                list.append(UInt64(0))
            }
        }
        guard type.hasTypeByte else { return encoder.bytes }
        return [type.rawValue] + encoder.bytes
    }

    /// Appends the fields the sender signs, in the order of the envelope.
    func encodeFields(to list: inout RLPEncoder) {
        if let fisco {
            list.append(fisco.randomID)
            list.append(maxFeePerGas)
            list.append(gasLimit)
            list.append(fisco.blockLimit)
            if let to { list.append(to) } else { list.append(bytes: EmptyCollection()) }
            list.append(value)
            list.append(bytes: data)
            list.append(chainID ?? 0)
            list.append(fisco.groupID)
            list.append(bytes: fisco.extraData)
            return
        }
        if type != .legacy { list.append(chainID ?? 0) }
        list.append(nonce)
        if type == .dynamicFee { list.append(maxPriorityFeePerGas) }
        list.append(maxFeePerGas)
        list.append(gasLimit)
        if let to { list.append(to) } else { list.append(bytes: EmptyCollection()) }
        list.append(value)
        list.append(bytes: data)
        if type != .legacy {
            list.appendList { entries in
                for entry in accessList {
                    entries.appendList { item in
                        item.append(entry.address)
                        item.appendList { keys in for key in entry.storageKeys { keys.append(key) } }
                    }
                }
            }
        }
    }

    /// Signs with `key` and returns the complete transaction. Only a FISCO transaction has a
    /// 国密 form.
    public func signed(with key: PrivateKey, suite: CryptoSuite = .secp256k1) -> Transaction {
        precondition(suite == .secp256k1 || type == .fisco, "a 国密 transaction is in FISCO's format")
        var signature = suite.sign(signingHash(suite), with: key)
        if suite == .sm { signature.signerKey = suite.nodeID(of: key) }
        return Transaction(self, signature: signature)
    }
}
