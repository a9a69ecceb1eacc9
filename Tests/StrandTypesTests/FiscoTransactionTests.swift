import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// FISCO BCOS 2.x transactions against values that FISCO's own Python SDK produced (its
/// `pemtest.pem` account signing HelloWorld's `set("Hello, FISCO")`; the script is in docs/benchmarks-history.md's FISCO section).
@Suite struct FiscoTransactionTests {
    static let sdkKey = try! PrivateKey(hexBytes("0x41226f5e134f94e24db28e3ceaf9ffa585278627c2b4683251e55a69e94f76f5"))
    static let sdkAddress = try! Address(hex: "0x2De5C210370Daef452Eb610AF76C3A293AE1661f")
    static let contract = try! Address(hex: "0x6d6b4d3c0ba5b9d5e0e1c4f0c4f2c0a1b2c3d4e5")
    static let setData = hexBytes("0x4ed3885e0000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000c48656c6c6f2c20464953434f0000000000000000000000000000000000000000")
    static let sdkRaw = "0xf8d0078401c9c3808401c9c3808203e8946d6b4d3c0ba5b9d5e0e1c4f0c4f2c0a1b2c3d4e580b8644ed3885e0000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000c48656c6c6f2c20464953434f00000000000000000000000000000000000000000101801ca06283f9630998ebe8a96378c9ba53500b021403b85596e5f84bf0cca0d1154950a055abc96a4505515d618ff7b578161343373129f17e121f6ea62fa5b2b6a74a0c"
    static let sdkHash = try! Hash(hex: "0xf161a1ef53f3831faca5fe230dd74e7415edf98fd151abf0256e2bad6e8ab9d6")

    static func content(randomID: UInt64 = 7, blockLimit: UInt64 = 1000, groupID: UInt64 = 1, chainID: UInt64 = 1) -> UnsignedTransaction {
        .fisco(FiscoFields(randomID: UInt256(randomID), blockLimit: blockLimit, groupID: groupID), chainID: chainID,
               gasPrice: UInt256(30_000_000), gasLimit: 30_000_000, to: contract, data: setData)
    }

    @Test func decodesWhatTheSDKSigned() throws {
        let tx = try Transaction.decode(hex: Self.sdkRaw)
        #expect(tx.type == .fisco)
        #expect(tx.hash == Self.sdkHash)
        #expect(tx.content == Self.content())
        #expect(tx.v == UInt256(28))
        #expect(try tx.recoverSender() == Self.sdkAddress)
        try tx.validate(TransactionRules(chainID: 1, groupID: 1))
    }

    @Test func signsAsTheSDKDoes() {
        // Both sign deterministically (RFC 6979), so the bytes are the SDK's exactly.
        let tx = Self.content().signed(with: Self.sdkKey)
        #expect(tx.encoded == hexBytes(Self.sdkRaw))
        #expect(tx.hash == Self.sdkHash)
    }

    @Test func chainAndGroupMustBeTheChains() throws {
        let otherGroup = Self.content(groupID: 2).signed(with: Self.sdkKey)
        #expect(throws: TransactionError.groupIDMismatch(expected: 1, actual: 2)) { try otherGroup.validate(TransactionRules(chainID: 1)) }
        let otherChain = Self.content(chainID: 5).signed(with: Self.sdkKey)
        #expect(throws: TransactionError.chainIDMismatch(expected: 1, actual: 5)) { try otherChain.validate(TransactionRules(chainID: 1)) }
    }

    /// v must be 27 or 28 (no EIP-155), and the list must have exactly 13 items to be FISCO's.
    @Test func strictEnvelope() throws {
        guard case .list(var fields) = try RLPValue.decode(hexBytes(Self.sdkRaw)) else { Issue.record("not a list"); return }
        let original = fields
        fields[10] = .bytes([37])
        #expect(throws: TransactionError.badV(UInt256(37))) { try Transaction.decode(RLPValue.list(fields).encoded) }
        let twelve = Array(fields.prefix(12))
        #expect(throws: (any Error).self) { try Transaction.decode(RLPValue.list(twelve).encoded) }
        var highS = original
        highS[12] = .bytes((RecoverableSignature.curveOrder &- UInt256(1)).bigEndianBytes)
        let tx = try Transaction.decode(RLPValue.list(highS).encoded)
        #expect(throws: (any Error).self) { try tx.validate(TransactionRules(chainID: 1)) }
    }

    @Test func roundTripsAndKeepsFields() throws {
        var content = Self.content(randomID: 1 << 40, blockLimit: 77, groupID: 3)
        content.fisco!.extraData = [1, 2, 3]
        content.to = nil
        let tx = content.signed(with: Self.sdkKey)
        let decoded = try Transaction.decode(tx.encoded)
        #expect(decoded.content == content)
        #expect(decoded.content.isContractCreation)
        #expect(decoded.content.blockGasCharge == 0)
        #expect(try decoded.recoverSender() == Self.sdkAddress)
    }
}
