import StrandPrimitives

/// The named LMDB databases of a ledger and how their keys are formed.
///
/// | table      | key                 | value                                   |
/// |------------|---------------------|-----------------------------------------|
/// | meta       | "head", "genesis"   | `ChainHead` RLP; genesis hash           |
/// | headers    | number (8 B, BE)    | header RLP                              |
/// | numbers    | block hash          | number (8 B, BE)                        |
/// | bodies     | number              | rlp([tx encoding…])                     |
/// | receipts   | number              | rlp([receipt…])                         |
/// | txIndex    | tx hash             | number (8 B, BE) ‖ index (4 B, BE)      |
/// | state      | `StateKey` storage form | value, minimal big-endian, never zero |
/// | code       | code hash           | code                                    |
/// | changes    | number              | the block's `StateChanges` encoding     |
struct LedgerTables: Sendable {
    let meta, headers, numbers, bodies, receipts, txIndex, state, code, changes: LMDBDatabase

    init(_ env: LMDBEnvironment) throws(LMDBError) {
        meta = try env.database(named: "meta")
        headers = try env.database(named: "headers")
        numbers = try env.database(named: "numbers")
        bodies = try env.database(named: "bodies")
        receipts = try env.database(named: "receipts")
        txIndex = try env.database(named: "txIndex")
        state = try env.database(named: "state")
        code = try env.database(named: "code")
        changes = try env.database(named: "changes")
    }

    static let headKey = Array("head".utf8)
    static let genesisKey = Array("genesis".utf8)

    static func numberKey(_ number: UInt64) -> [UInt8] {
        withUnsafeBytes(of: number.bigEndian) { Array($0) }
    }

    static func number(from bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }

    static func location(number: UInt64, index: UInt32) -> [UInt8] {
        numberKey(number) + withUnsafeBytes(of: index.bigEndian) { Array($0) }
    }
}

/// Where a transaction sits in the chain.
public struct TransactionLocation: Hashable, Sendable {
    public let blockNumber: UInt64
    public let index: UInt32

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 12 else { return nil }
        blockNumber = UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
        index = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    }
}
