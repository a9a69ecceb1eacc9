import StrandCrypto
import StrandPrimitives

extension Address {
    /// The address of a contract that `sender` creates (CREATE) with account nonce `nonce`:
    /// the last 20 bytes of H(rlp([sender, nonce])), H the suite's hash (Keccak-256, as Ethereum derives it).
    public static func contract(createdBy sender: Address, nonce: UInt64, suite: CryptoSuite = .secp256k1) -> Address {
        var encoder = RLPEncoder(reservingCapacity: 32)
        encoder.appendList { list in
            list.append(sender)
            list.append(nonce)
        }
        return Address(lastBytesOf: suite.hash(encoder.bytes))
    }
}
