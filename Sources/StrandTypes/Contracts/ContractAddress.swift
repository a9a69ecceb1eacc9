import StrandPrimitives

extension Address {
    /// The address of a contract that `sender` creates (CREATE) with account nonce `nonce`:
    /// the last 20 bytes of keccak(rlp([sender, nonce])), as Ethereum derives it.
    public static func contract(createdBy sender: Address, nonce: UInt64) -> Address {
        var encoder = RLPEncoder(reservingCapacity: 32)
        encoder.appendList { list in
            list.append(sender)
            list.append(nonce)
        }
        return Address(lastBytesOf: Keccak256.hash(encoder.bytes))
    }
}
