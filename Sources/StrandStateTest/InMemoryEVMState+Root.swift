import StrandEVM
import StrandPrimitives
import StrandTypes

extension InMemoryEVMState {
    /// The Ethereum state root: a secure trie of rlp([nonce, balance, storageRoot, codeHash])
    /// by address, each storage root a secure trie of rlp(value) by 32-byte slot.
    public var stateRoot: Hash {
        MerklePatriciaTrie.secureRoot(accounts.map { address, account in
            var encoder = RLPEncoder(reservingCapacity: 80)
            encoder.appendList { list in
                list.append(account.nonce)
                list.append(account.balance)
                list.append(storageRoot(address))
                list.append(account.codeHash)
            }
            return (address.bytes, encoder.bytes)
        })
    }

    private func storageRoot(_ address: Address) -> Hash {
        MerklePatriciaTrie.secureRoot((storage[address] ?? [:]).map { slot, value in
            var encoder = RLPEncoder(reservingCapacity: 34)
            encoder.append(value)
            return (slot.bigEndianBytes, encoder.bytes)
        })
    }
}

extension Log {
    /// keccak(rlp([log…])): the state tests' `logs` field.
    public static func listHash(_ logs: [Log]) -> Hash {
        var encoder = RLPEncoder()
        encoder.appendList { list in for log in logs { log.encode(to: &list) } }
        return Keccak256.hash(encoder.bytes)
    }
}
