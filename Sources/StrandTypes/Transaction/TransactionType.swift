/// The transaction envelopes Strand accepts.
public enum TransactionType: UInt8, Sendable, CaseIterable {
    /// RLP list, optionally with an EIP-155 chain id folded into v.
    case legacy = 0
    /// EIP-2930: chain id and access list.
    case accessList = 1
    /// EIP-1559: priority fee and max fee instead of a gas price.
    case dynamicFee = 2

    /// EIP-4844 blob transactions: recognised, to name them in the error, and refused.
    static let blobTypeByte: UInt8 = 3
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
