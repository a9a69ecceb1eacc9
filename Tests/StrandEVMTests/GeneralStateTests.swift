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
}
