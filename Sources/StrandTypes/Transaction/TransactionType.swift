/// The transaction envelopes Strand accepts.
public enum TransactionType: UInt8, Sendable, CaseIterable {
    /// RLP list, optionally with an EIP-155 chain id folded into v.
    case legacy = 0
    /// EIP-2930: chain id and access list.
    case accessList = 1
    /// EIP-1559: priority fee and max fee instead of a gas price.
    case dynamicFee = 2
    /// FISCO BCOS 2.x: a 13-field RLP list, like a legacy one without a type byte; a random id
    /// and a block limit instead of a nonce (`FiscoFields`). The raw value is never on the wire.
    case fisco = 0x80

    /// EIP-4844 blob transactions: recognised, to name them in the error, and refused.
    static let blobTypeByte: UInt8 = 3

    /// Whether the encoding starts with the type byte (EIP-2718).
    public var hasTypeByte: Bool { self == .accessList || self == .dynamicFee }

    /// Whether the sender's account nonce orders the transaction: FISCO's do not (their
    /// replay protection is the block limit and the random id).
    public var usesAccountNonce: Bool { self != .fisco }
}

/// What a FISCO BCOS 2.x transaction carries in place of Ethereum's nonce, and beside it.
public struct FiscoFields: Hashable, Sendable {
    /// The client's random id: unique among the transactions of the last block-limit window.
    public var randomID: UInt256
    /// The last block number that may include the transaction.
    public var blockLimit: UInt64
    public var groupID: UInt64
    public var extraData: [UInt8]

    public init(randomID: UInt256, blockLimit: UInt64, groupID: UInt64 = 1, extraData: [UInt8] = []) {
        self.randomID = randomID
        self.blockLimit = blockLimit
        self.groupID = groupID
        self.extraData = extraData
    }
}

/// An EIP-2930 access list entry: an address and storage keys the transaction will touch.
public struct AccessListEntry: Hashable, Sendable {
    public var address: Address
    public var storageKeys: [Hash]

    public init(address: Address, storageKeys: [Hash] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

import StrandPrimitives
