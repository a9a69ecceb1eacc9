import Foundation
import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// CNS as FISCO's console uses it: register a contract under a name and version, query by name
/// or by name and version (JSON as FISCO writes it), FISCO's codes for a version registered
/// already or too long. Parallel equals serial around its barrier.
@Suite struct CNSTests {
    let context = BlockContext(number: 1, timestamp: 1, sealer: ExecutorWorkload.sender(999))
    static let state = InMemoryState([:])
    static let abi = #"[{"name":"get","type":"function","outputs":[{"type":"string"}]}]"#

    static func insert(_ name: String, _ version: String, by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: CNS.address, data: ContractCalldata.encode(
            CNS.insert, strings: [name, version, "0x00000000000000000000000000000000000000aa", abi]))
    }

    static func query(_ strings: [String], by sender: Int, nonce: UInt64) -> RecoveredTransaction {
        let selector = strings.count == 1 ? CNS.selectByName : CNS.selectByNameAndVersion
        return ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: CNS.address, data: ContractCalldata.encode(selector, strings: strings))
    }

    /// The JSON array a query returned, parsed.
    static func entries(_ receipt: Receipt) throws -> [[String: String]] {
        let output = receipt.output
        try #require(output.count >= 64)
        let length = Int(UInt256(bigEndian: output[32..<64])!.uint64!)
        let text = Data(output[64..<(64 + length)])
        return try #require(try JSONSerialization.jsonObject(with: text) as? [[String: String]])
    }

    @Test func registerAndQueryAsTheConsoleDoes() throws {
        let txs = [
            Self.insert("HelloWorld", "1.0", by: 1, nonce: 0),
            Self.insert("HelloWorld", "1.0", by: 2, nonce: 0),
            Self.insert("HelloWorld", String(repeating: "9", count: 41), by: 1, nonce: 1),
            Self.insert("HelloWorld", "2.0", by: 2, nonce: 1),
            Self.query(["HelloWorld"], by: 3, nonce: 0),
            Self.query(["HelloWorld", "2.0"], by: 3, nonce: 1),
            Self.query(["Nobody"], by: 3, nonce: 2),
        ]
        let result = SerialExecutor().execute(txs, on: Self.state, context: context)
        #expect(result.receipts.allSatisfy { $0.status == .success })
        #expect(result.receipts.prefix(4).map { ContractCalldata.decodeInt256($0.output) } == [1, -51200, -51201, 1])
        let all = try Self.entries(result.receipts[4])
        #expect(all.map { $0["version"] } == ["1.0", "2.0"])
        #expect(all.allSatisfy { $0["name"] == "HelloWorld" && $0["abi"] == Self.abi && $0["address"] == "0x00000000000000000000000000000000000000aa" })
        #expect(try Self.entries(result.receipts[5]).map { $0["version"] } == ["2.0"])
        #expect(try Self.entries(result.receipts[6]).isEmpty)
    }

    @Test func badCallsRevertAndWriteNothingButTheNonce() {
        let txs = [
            ExecutorWorkload.transaction(sender: 1, nonce: 0, to: CNS.address, data: [1, 2]),
            ExecutorWorkload.transaction(sender: 1, nonce: 1, to: CNS.address, data: [0xde, 0xad, 0xbe, 0xef]),
            ExecutorWorkload.transaction(sender: 1, nonce: 2, to: CNS.address,
                                         data: Array(ContractCalldata.encode(CNS.insert, strings: ["a", "1", "b", "c"]).dropLast(40))),
        ]
        let result = SerialExecutor().execute(txs, on: Self.state, context: context)
        #expect(result.receipts.map { ABI.revertReason($0.output) } == ["CNS: calldata too short", "CNS: unknown function", "CNS: malformed calldata"])
        #expect(result.changes.entries.map(\.key) == [.nonce(ExecutorWorkload.sender(1))])
    }

    @Test func parallelEqualsSerialWithRegistrationsAmongTransfers() {
        var txs: [RecoveredTransaction] = []
        for i in 0..<40 {
            if i % 4 == 0 {
                txs.append(Self.insert("C\(i % 3)", "v\(i / 16)", by: 100 + i, nonce: 0))
            } else if i % 4 == 1 {
                txs.append(Self.query(["C\(i % 3)"], by: 100 + i, nonce: 0))
            } else {
                txs.append(ExecutorWorkload.transaction(sender: 10 + i, nonce: 0, to: ParallelTransfer.address,
                                                        data: ParallelTransfer.Request.userSave(user: "u\(i % 3)", amount: UInt256(UInt64(i))).calldata))
            }
        }
        let serial = SerialExecutor().execute(txs, on: Self.state, context: context)
        #expect(serial.receipts.contains { ContractCalldata.decodeInt256($0.output) == -51200 })
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: Self.state, context: context)
            #expect(parallel.receipts == serial.receipts, "\(threads) threads")
            #expect(parallel.changes == serial.changes, "\(threads) threads")
        }
    }
}
