import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// A signature `v` out of range is refused by name at decoding, for every format: Ethereum's
/// 0/1 (typed), 27/28 or EIP-155 (legacy), FISCO's 27/28; values of 2^64 and beyond included.
@Suite struct SignatureVRangeTests {
    static let key = try! PrivateKey(Keccak256.hash(Array("v range".utf8)).bytes)
    static let to = Address(lastBytesOf: Keccak256.hash([1]))

    static func signed(_ type: TransactionType) -> Transaction {
        switch type {
        case .fisco:
            return UnsignedTransaction.fisco(FiscoFields(randomID: UInt256(9), blockLimit: 100, groupID: 1), chainID: 1,
                                             gasPrice: UInt256(1), gasLimit: 30_000, to: to, data: []).signed(with: key)
        case .legacy:
            return UnsignedTransaction(type: .legacy, chainID: 20200, nonce: 0, gasLimit: 21_000, to: to, value: UInt256(1)).signed(with: key)
        default:
            return UnsignedTransaction(type: type, chainID: 20200, nonce: 0, gasLimit: 21_000, to: to, value: UInt256(1)).signed(with: key)
        }
    }

    @Test(arguments: [TransactionType.legacy, .accessList, .dynamicFee, .fisco])
    func outOfRangeVIsRefusedByName(_ type: TransactionType) throws {
        let raw = Self.signed(type).encoded
        #expect(try Transaction.decode(SignatureV.replacing(raw, v: Self.signed(type).v)) == Self.signed(type), "the mutation itself is faithful")
        for v in SignatureV.outOfRange(for: type) {
            let bad = try SignatureV.replacing(raw, v: v)
            #expect {
                _ = try Transaction.decode(bad)
            } throws: { error in
                switch error as? TransactionError {
                case .badV(let named)?: return named == v
                case .badRLP(field: "v", _)?: return v.minimalBigEndianBytes.count > 32
                default: return false
                }
            }
        }
    }

    /// A legacy v at the top of 64 bits names a huge chain id: decoded without overflow, refused
    /// for the chain id, re-encoded to the same v.
    @Test func aLegacyVAtTheTopOf64BitsDecodesWithoutOverflow() throws {
        let raw = try SignatureV.replacing(Self.signed(.legacy).encoded, v: UInt256(UInt64.max))
        let tx = try Transaction.decode(raw)
        #expect(tx.v == UInt256(UInt64.max))
        #expect(throws: TransactionError.self) { try tx.validate(TransactionRules(chainID: 20200)) }
    }
}
