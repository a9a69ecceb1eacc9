import Foundation
import StrandStorage
import StrandTestSupport
import Testing

/// Snapshots and restores: the copy holds the same chain, and bad requests are refused by name.
/// (A snapshot of a running node, from another process, is `Tests/python/test_operations.py`'s:
/// LMDB forbids opening one environment twice in a process.)
@Suite struct LedgerBackupTests {
    @Test func aSnapshotRestoresToTheSameChain() throws {
        let fixture = try LedgerFixture(seed: 11)
        for _ in 0..<5 { try fixture.commitBlock() }
        let head = fixture.ledger.head
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("strand-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let file = scratch + "/ledger.snapshot"
        // Closed here, as the LMDB rule above asks; the node's own lock is not taken by a snapshot.
        try fixture.reopenClosed {
            let taken = try LedgerBackup.snapshot(directory: fixture.directory, to: file)
            #expect(taken == head)
        }
        #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
        #expect(throws: LedgerError.self) { try LedgerBackup.snapshot(directory: fixture.directory, to: file) }

        let restored = scratch + "/restored"
        #expect(try LedgerBackup.restore(from: file, into: restored) == head)
        let ledger = try Ledger(directory: restored, options: LMDBOptions(mapSize: 1 << 30))
        #expect(ledger.head == head && ledger.genesisHash == fixture.ledger.genesisHash)
        #expect(try ledger.verify().head == head)
        #expect { try LedgerBackup.restore(from: file, into: restored) } throws: { "\($0)".contains("holds a ledger already") }

        let notASnapshot = scratch + "/garbage"
        try Data(repeating: 7, count: 8192).write(to: URL(fileURLWithPath: notASnapshot))
        #expect(throws: LedgerError.self) { try LedgerBackup.restore(from: notASnapshot, into: scratch + "/other") }
        #expect(!FileManager.default.fileExists(atPath: scratch + "/other/data.mdb"))
        #expect(throws: LedgerError.self) { try LedgerBackup.snapshot(directory: scratch + "/nothing", to: scratch + "/x") }
    }
}
