import Foundation
import StrandEVM
import StrandPrimitives
import StrandStateTest
import StrandTestSupport
import Testing

/// Every Cancun case of the curated GeneralStateTests in ../shared: post-state root and logs
/// hash must match, and invalid transactions must be found invalid.
@Suite struct GeneralStateTests {
    static let folders = ["Cancun", "Pyspecs", "Shanghai", "VMTests"]
        + ["stArgsZeroOneBalance", "stBadOpcode", "stBugs", "stCallCodes", "stCallCreateCallCodeTest",
           "stCallDelegateCodesCallCodeHomestead", "stCallDelegateCodesHomestead", "stChainId", "stCodeCopyTest",
           "stCodeSizeLimit", "stCreate2", "stCreateTest", "stDelegatecallTestHomestead", "stEIP150Specific",
           "stEIP150singleCodeGasPrices", "stEIP1559", "stEIP158Specific", "stEIP2930", "stEIP3607", "stExample",
           "stExtCodeHash", "stHomesteadSpecific", "stInitCodeTest", "stLogTests", "stMemExpandingEIP150Calls",
           "stMemoryTest", "stNonZeroCallsTest", "stPreCompiledContracts", "stPreCompiledContracts2",
           "stRefundTest", "stReturnDataTest", "stRevertTest", "stSStoreTest", "stSelfBalance", "stShift",
           "stSolidityTest", "stSpecialTest", "stStackTests", "stStaticCall", "stStaticFlagEnabled",
           "stSystemOperationsTest", "stTransactionTest", "stTransitionTest", "stWalletTest", "stZeroCallsRevert",
           "stZeroCallsTest"]

    @Test(arguments: folders)
    func cancunCases(folder: String) throws {
        let files = TestVectors.files(under: "GeneralStateTests/\(folder)")
        #expect(!files.isEmpty, "no vectors under \(folder)")
        let tests = try files.flatMap { try StateTest.load($0) }
        let results = DeepStackThread.run { tests.flatMap { $0.run(fork: "Cancun") } }
        #expect(!results.isEmpty)
        for result in results where !result.passed {
            Issue.record("\(result.name)[\(result.index)]: \(result.failure!)")
        }
    }

    @Test func everyFolderIsListed() throws {
        let root = TestVectors.ethereum.appendingPathComponent("GeneralStateTests")
        let present = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }
        #expect(Set(present) == Set(Self.folders))
    }

    /// ValueOverflowParis's shape: a value of 2²⁵⁶ is the invalid transaction the test
    /// expects (TR_NoFundsOrGas), not an unreadable file. The vector is not in ../shared, so
    /// its essentials are written here.
    @Test func valueWiderThan256BitsIsAnInvalidTransaction() throws {
        let sender = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
        // An invalid transaction leaves the pre-state: its root is the expected one.
        let pre = InMemoryEVMState()
        pre.setAccount(try Address(hex: sender), balance: UInt256(1_000_000_000_000_000_000))
        let json = """
            {"ValueOverflowParis": {
              "env": {"currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba", "currentGasLimit": "0x05f5e100",
                      "currentNumber": "0x01", "currentTimestamp": "0x03e8", "currentBaseFee": "0x0a",
                      "currentRandom": "0x0000000000000000000000000000000000000000000000000000000000020000"},
              "pre": {"\(sender)": {"balance": "0x0de0b6b3a7640000", "code": "0x", "nonce": "0x00", "storage": {}}},
              "transaction": {"data": ["0x"], "gasLimit": ["0x0186a0"], "gasPrice": "0x0a", "nonce": "0x00",
                              "secretKey": "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8",
                              "to": "0x095e7baea6a6c7c4c2dfeb977efac326af552d87",
                              "value": ["0x:bigint 0x010000000000000000000000000000000000000000000000000000000000000000"]},
              "post": {"Cancun": [{"indexes": {"data": 0, "gas": 0, "value": 0}, "expectException": "TR_NoFundsOrGas",
                                   "hash": "\(pre.stateRoot)",
                                   "logs": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"}]}}}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("strand-value-overflow-\(UUID()).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let results = DeepStackThread.run { (try? StateTest.load(url))?.flatMap { $0.run(fork: "Cancun") } ?? [] }
        #expect(results.count == 1)
        #expect(results.first?.passed == true, "\(results.first?.failure ?? "no result")")
    }
}
