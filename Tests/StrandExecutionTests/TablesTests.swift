import Foundation
import StrandBench
import StrandTestSupport
@testable import StrandExecution
import StrandPrimitives
import StrandTypes
import Testing

/// FISCO's tables as its SDKs use them: createTable, then CRUD by JSON entries and conditions;
/// `desc` as the SDK does it (a select on `_sys_tables_`); FISCO's codes for what is refused; a
/// user table's writes guarded by its grants. Parallel equals serial around the barriers.
@Suite struct TablesTests {
    let context = BlockContext(number: 3, timestamp: 3, sealer: ExecutorWorkload.sender(999))
    static let state = InMemoryState([ChainGovernance.memberKey(ExecutorWorkload.sender(1)): .one])

    static func create(_ name: String, _ key: String, _ fields: String, by sender: Int = 1, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: Tables.factoryAddress,
                                     data: ContractCalldata.encode(Tables.createTable, strings: [name, key, fields]))
    }

    static func crud(_ selector: UInt32, _ strings: [String], by sender: Int = 1, nonce: UInt64) -> RecoveredTransaction {
        ExecutorWorkload.transaction(sender: sender, nonce: nonce, to: Tables.crudAddress, data: ContractCalldata.encode(selector, strings: strings),
                                     gasLimit: 1_000_000)
    }

    static func code(_ receipt: Receipt) -> Int64? { ContractCalldata.decodeInt256(receipt.output) }

    static func rows(_ receipt: Receipt) throws -> [[String: String]] {
        try #require(receipt.output.count >= 64, "\(code(receipt) ?? 0)")
        let length = Int(UInt256(bigEndian: receipt.output[32..<64])!.uint64!)
        return try #require(try JSONSerialization.jsonObject(with: Data(receipt.output[64..<(64 + length)])) as? [[String: String]])
    }

    @Test func createInsertSelectUpdateRemove() throws {
        let txs = [
            Self.create("t_test", "name", "item_id,item_name", nonce: 0),
            Self.create("t_test", "name", "item_id", nonce: 1),                                        // exists
            Self.create("t_bad", "name", "item_id,name", nonce: 2),                                    // duplicate field
            Self.create("t bad", "name", "item_id", nonce: 3),                                         // invalid name
            Self.crud(Tables.insert, ["t_test", "fruit", #"{"item_id":"1","item_name":"apple"}"#, ""], nonce: 4),
            Self.crud(Tables.insert, ["t_test", "fruit", #"{"item_id":"2","item_name":"banana"}"#, ""], nonce: 5),
            Self.crud(Tables.insert, ["t_test", "fruit", #"{"item_id":3,"item_name":"cherry"}"#, ""], nonce: 6),
            Self.crud(Tables.insert, ["t_test", "fruit", #"{"colour":"red"}"#, ""], nonce: 7),          // no such field
            Self.crud(Tables.insert, ["t_test", "fruit", "not json", ""], nonce: 8),
            Self.crud(Tables.insert, ["t_none", "fruit", #"{"item_id":"1"}"#, ""], nonce: 9),           // no such table
            Self.crud(Tables.select, ["t_test", "fruit", #"{"item_id":{"ge":"2"}}"#, ""], nonce: 10),
            Self.crud(Tables.update, ["t_test", "fruit", #"{"item_name":"blueberry"}"#, #"{"item_id":{"eq":"2"}}"#, ""], nonce: 11),
            Self.crud(Tables.remove, ["t_test", "fruit", #"{"item_id":{"lt":"2"}}"#, ""], nonce: 12),
            Self.crud(Tables.select, ["t_test", "fruit", "", ""], nonce: 13),
            Self.crud(Tables.select, ["t_test", "fruit", #"{"limit":{"limit":"1,5"}}"#, ""], nonce: 14),
            Self.crud(Tables.select, ["t_test", "fruit", #"{"item_id":{"like":"2"}}"#, ""], nonce: 15),
            Self.crud(Tables.select, ["t_test", "fruit", #"{"item_id":"2"}"#, ""], nonce: 16),
            Self.crud(Tables.select, ["_sys_tables_", "u_t_test", #"{"table_name":{"eq":"u_t_test"}}"#, ""], nonce: 17),
        ]
        let result = SerialExecutor().execute(txs, on: Self.state, context: context)
        #expect(result.receipts.allSatisfy { $0.status == .success })
        #expect(result.receipts.prefix(10).map(Self.code) == [0, -50001, -50007, -50008, 1, 1, 1, -50008, -51500, -50100])
        #expect(try Self.rows(result.receipts[10]).map { $0["item_name"] } == ["banana", "cherry"])
        #expect(result.receipts[11...12].map(Self.code) == [1, 1])
        #expect(try Self.rows(result.receipts[13]) == [["name": "fruit", "item_id": "2", "item_name": "blueberry"],
                                                       ["name": "fruit", "item_id": "3", "item_name": "cherry"]])
        #expect(try Self.rows(result.receipts[14]).map { $0["item_id"] } == ["3"])
        #expect(result.receipts[15...16].map(Self.code) == [-51502, -51501])
        #expect(try Self.rows(result.receipts[17]) == [["table_name": "u_t_test", "key_field": "name", "value_field": "item_id,item_name"]])
    }

    @Test func aUserTableWithAGrantAdmitsOnlyItsGrantee() {
        let grant = ExecutorWorkload.transaction(sender: 1, nonce: 1, to: Permission.address, data: ContractCalldata.encode(
            Permission.insert, strings: ["u_t_kept", ExecutorWorkload.sender(2).description]))
        let first = SerialExecutor().execute([Self.create("t_kept", "k", "v", nonce: 0), grant], on: Self.state, context: context)
        var state = Self.state
        state.apply(first.changes)
        let later = BlockContext(number: 4, timestamp: 4, sealer: ExecutorWorkload.sender(999))
        let result = SerialExecutor().execute([
            Self.crud(Tables.insert, ["t_kept", "a", #"{"v":"x"}"#, ""], by: 3, nonce: 0),
            Self.crud(Tables.insert, ["t_kept", "a", #"{"v":"y"}"#, ""], by: 2, nonce: 0),
        ], on: state, context: later)
        #expect(result.receipts.map(Self.code) == [-50000, 1])
    }

    @Test func parallelEqualsSerialWithTableCallsAmongTransfers() {
        var txs: [RecoveredTransaction] = [Self.create("t_p", "k", "v,n", nonce: 0)]
        for i in 1..<40 {
            if i % 3 == 0 {
                txs.append(Self.crud(Tables.insert, ["t_p", "k\(i % 2)", #"{"v":"\#(i)","n":"\#(i % 5)"}"#, ""], by: 100 + i, nonce: 0))
            } else if i % 3 == 1 {
                txs.append(Self.crud(Tables.remove, ["t_p", "k\(i % 2)", #"{"n":{"eq":"\#(i % 5)"}}"#, ""], by: 100 + i, nonce: 0))
            } else {
                txs.append(ExecutorWorkload.transaction(sender: 10 + i, nonce: 0, to: ParallelTransfer.address,
                                                        data: ParallelTransfer.Request.userSave(user: "u\(i % 3)", amount: UInt256(UInt64(i))).calldata))
            }
        }
        let serial = SerialExecutor().execute(txs, on: Self.state, context: context)
        for threads in [1, 2, 4] {
            let parallel = ParallelExecutor(threads: threads).execute(txs, on: Self.state, context: context)
            #expect(parallel.receipts == serial.receipts, "\(threads) threads")
            #expect(parallel.changes == serial.changes, "\(threads) threads")
        }
    }
}
