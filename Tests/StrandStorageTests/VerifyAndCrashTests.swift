import Foundation
import StrandTestSupport
import StrandPrimitives
@testable import StrandStorage
import StrandTypes
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct VerifyTests {
    /// Damages one table behind the ledger's back and expects `verify` to name the damage.
    func expectVerifyFails(_ damage: (Ledger, borrowing LMDBWriteTransaction) throws -> Void, containing text: String) throws {
        let fixture = try LedgerFixture()
        for _ in 0..<3 { try fixture.commitBlock(transactions: 2, keys: 10, churn: false) }
        _ = try fixture.ledger.verify()
        let txn = try fixture.ledger.env.beginWrite()
        try damage(fixture.ledger, txn)
        try txn.commit()
        do {
            _ = try fixture.ledger.verify()
            Issue.record("verify passed a damaged ledger (\(text))")
        } catch let error as LedgerVerificationError {
            #expect(error.description.contains(text), "\(error)")
        }
    }

    @Test func detectsAnUnsealedBlock() throws {
        let fixture = try LedgerFixture()
        try fixture.commitBlock(transactions: 2, keys: 10, churn: false)
        _ = try fixture.ledger.verify()
        let head = fixture.ledger.head
        var next = fixture.synthetic.block(number: head.number + 1, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                           transactionCount: 2, stateKeys: 10, churn: false)
        next.block.header.seal = BlockSeal()
        try fixture.ledger.commit(next.block, receipts: next.receipts, changes: next.changes)
        do {
            _ = try fixture.ledger.verify()
            Issue.record("verify passed a block without a seal")
        } catch let error as LedgerVerificationError {
            #expect(error.description.contains("block 2: seal: 0 validator signatures, 1 needed"), "\(error)")
        }
    }

    @Test func detectsAlteredState() throws {
        try expectVerifyFails({ ledger, txn in
            let key = try #require(try ledger.snapshot().stateChanges(blockNumber: 2)?.entries.first?.key)
            try txn.put(ledger.tables.state, key: key.encoded, value: [0x01])
        }, containing: "change logs give")
    }

    @Test func detectsAlteredChangeLog() throws {
        try expectVerifyFails({ ledger, txn in
            try txn.put(ledger.tables.changes, key: LedgerTables.numberKey(2), value: StateChanges.empty.encoded)
        }, containing: "block 2: state root")
    }

    @Test func detectsBlockPastTheHead() throws {
        // What a torn commit would leave: a header stored beyond the head record.
        try expectVerifyFails({ ledger, txn in
            let header = try #require(try ledger.header(number: 3))
            try txn.put(ledger.tables.headers, key: LedgerTables.numberKey(4), value: header.encoded)
        }, containing: "headers holds 5 entries for 4 blocks")
    }

    @Test func detectsBrokenTransactionIndex() throws {
        try expectVerifyFails({ ledger, txn in
            let tx = try #require(try ledger.block(number: 2)?.transactions.first)
            try txn.put(ledger.tables.txIndex, key: tx.hash.bytes, value: LedgerTables.location(number: 1, index: 0))
        }, containing: "block 2: transaction index does not point at transaction 0")
    }
}

/// Kills a child process that commits blocks in a loop, at random moments, and checks
/// after each kill that the ledger reopens at a whole block and verifies.
@Suite struct CrashTests {
    static var strandExecutable: URL {
        // The test binary and `strand` are built into the same directory.
        let me = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "")
        return me.deletingLastPathComponent().appendingPathComponent("strand")
    }

    @Test func sigkillDuringCommitsLeavesWholeBlocks() throws {
        let strand = Self.strandExecutable
        try #require(FileManager.default.isExecutableFile(atPath: strand.path), "build strand first: \(strand.path)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-crash-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        var lastHead: UInt64 = 0
        var kills = 0
        var progressed = 0
        while kills < 24 {
            let child = Process()
            child.executableURL = strand
            child.arguments = ["ledger", "fill", "--data", directory, "--blocks", "100000",
                               "--transactions", "20", "--keys", "300", "--map-size", "1024"]
            let output = Pipe()
            child.standardOutput = output
            child.standardError = FileHandle.nullDevice
            try child.run()
            usleep(useconds_t(80_000 + generator.next() % 300_000))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal, "the child should have been killed, not exited")
            kills += 1

            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let lastReported = printed.split(separator: "\n").last { $0.hasPrefix("committed ") }
                .flatMap { UInt64($0.dropFirst("committed ".count)) }

            let ledger: Ledger
            do {
                ledger = try Ledger(directory: directory)
            } catch {
                // Killed before it wrote genesis (a slow start under load): nothing to check yet.
                if case .noChain = error as LedgerError?, lastHead == 0, lastReported == nil { continue }
                throw error
            }
            let head = ledger.head
            // A commit that returned is kept; at most the one in flight may also have landed.
            if let lastReported { #expect(head.number == lastReported || head.number == lastReported + 1) }
            #expect(head.number >= lastHead)
            if head.number > lastHead { progressed += 1 }
            lastHead = head.number
            let verification = try ledger.verify()
            #expect(verification.head == head)
        }
        #expect(kills >= 20)
        #expect(progressed >= kills / 4, "the writer should commit blocks between many of the kills")
    }
}
