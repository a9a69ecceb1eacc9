import StrandCrypto
import StrandPrimitives

/// A signed transaction, as it travels on the wire, with its hash computed once.
///
/// Fields of the content are readable directly (`tx.nonce`, `tx.to`); the sender is not
/// stored here but recovered once, by `SignatureVerifier`, into a `RecoveredTransaction`.
///
/// Immutable, and a class so that passing one around (through the pool, the executor's
/// threads, blocks) costs one reference count, not one per byte array inside.
@dynamicMemberLookup
public final class Transaction: Hashable, Sendable {
    public let content: UnsignedTransaction
    public let signature: RecoverableSignature
    /// The canonical encoding: type ‖ rlp(...) for typed transactions, rlp(...) for legacy and FISCO ones.
    public let encoded: [UInt8]
    /// hash(encoded) by the transaction's suite: the transaction hash.
    public let hash: Hash
    /// `content.intrinsicGas`, counted once: admission checks it and every executor plans with it.
    public let intrinsicGas: UInt64

    /// Assembles a transaction from its content and signature, encoding and hashing it.
    public init(_ content: UnsignedTransaction, signature: RecoverableSignature) {
        self.content = content
        self.signature = signature
        var encoder = RLPEncoder(reservingCapacity: 192 + content.data.count)
        if content.type.hasTypeByte { encoder.append(encodedItem: CollectionOfOne(content.type.rawValue)) }
        encoder.appendList { list in
            content.encodeFields(to: &list)
            if let key = signature.signerKey {
                list.append(bytes: key.bytes.drop { $0 == 0 })
            } else {
                list.append(Self.v(for: content, recoveryID: signature.recoveryID))
            }
            list.append(signature.r)
            list.append(signature.s)
        }
        encoded = encoder.bytes
        hash = signature.suite.hash(encoded)
        intrinsicGas = content.intrinsicGas
    }

    /// Decoded fields and the caller-provided encoding (and its hash, where the decoder hashed
    /// a batch); used by the decoder, which has both.
    init(content: UnsignedTransaction, signature: RecoverableSignature, encoded: [UInt8], hash: Hash? = nil) {
        self.content = content
        self.signature = signature
        self.encoded = encoded
        self.hash = hash ?? signature.suite.hash(encoded)
        intrinsicGas = content.intrinsicGas
    }

    /// Transactions are equal when their encodings are.
    public static func == (lhs: Transaction, rhs: Transaction) -> Bool {
        lhs === rhs || (lhs.hash == rhs.hash && lhs.encoded == rhs.encoded)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    public subscript<Value>(dynamicMember keyPath: KeyPath<UnsignedTransaction, Value>) -> Value {
        content[keyPath: keyPath]
    }

    /// The suite that signed it: SM2 and SM3 for a 国密 transaction, whose signature carries its key.
    public var suite: CryptoSuite { signature.suite }

    /// The v value written on the wire: y-parity for typed transactions, 27/28 for FISCO and
    /// pre-EIP-155 legacy ones, 35 + 2 × chainId + parity under EIP-155. A 国密 transaction's
    /// v is its signer's public key (`signature.signerKey`), too wide for this.
    public var v: UInt256 { Self.v(for: content, recoveryID: signature.recoveryID) }

    static func v(for content: UnsignedTransaction, recoveryID: UInt8) -> UInt256 {
        switch (content.type, content.chainID) {
        case (.legacy, nil), (.fisco, _): UInt256(27 + UInt64(recoveryID))
        case (.legacy, let chainID?): UInt256(35 + UInt64(recoveryID)) &+ UInt256(chainID) &+ UInt256(chainID)
        default: UInt256(UInt64(recoveryID))
        }
    }

    /// The signer, recovered from the signature. Prefer `SignatureVerifier` for many: it spreads them over all cores.
    public func recoverSender() throws(TransactionError) -> Address {
        do {
            return try suite.signerAddress(of: content.signingHash(suite), signature: signature)
        } catch {
            throw .badSignature(error)
        }
    }
}

/// A transaction whose sender has been recovered: the signature is checked once per node.
public struct RecoveredTransaction: Hashable, Sendable {
    public let transaction: Transaction
    public let sender: Address

    public init(_ transaction: Transaction, sender: Address) {
        self.transaction = transaction
        self.sender = sender
    }
}
