import Foundation
import StrandTestSupport
import StrandPrimitives
import StrandStorage
import StrandTypes

/// A ledger in a fresh temporary directory, removed when the fixture goes away.
final class LedgerFixture {
    let directory: String
    var synthetic: SyntheticBlocks
    private(set) var ledger: Ledger!

    init(seed: UInt64 = 1, options: LMDBOptions = LMDBOptions(mapSize: 1 << 30)) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("strand-ledger-\(UUID().uuidString)").path
        synthetic = SyntheticBlocks(seed: seed)
        ledger = try Ledger(directory: directory, options: options, genesis: synthetic.genesis)
    }

    /// Commits a synthetic block and returns what it committed.
    @discardableResult
    func commitBlock(transactions: Int = 3, keys: Int = 20, churn: Bool = true) throws
        -> (block: Block, receipts: [Receipt], changes: StateChanges) {
        let head = ledger.head
        let next = synthetic.block(number: head.number + 1, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                   transactionCount: transactions, stateKeys: keys, churn: churn)
        try ledger.commit(next.block, receipts: next.receipts, changes: next.changes)
        return next
    }

    /// Closes and reopens the ledger on the same directory.
    func reopen(options: LMDBOptions = LMDBOptions(mapSize: 1 << 30), genesis: Genesis? = nil) throws {
        ledger = nil
        ledger = try Self.openWhenReleased { try Ledger(directory: directory, options: options, genesis: genesis) }
    }

    /// Opens again once the previous ledger's directory lock is released: it goes with the
    /// ledger's last reference, which a loaded test run was once seen to hold a moment past
    /// `ledger = nil` (the holder is not known; a node never reopens its own directory).
    static func openWhenReleased(_ open: () throws -> Ledger) throws -> Ledger {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do { return try open() } catch LedgerError.locked where ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Runs `body` with the ledger closed, then reopens it.
    func reopenClosed(_ body: () throws -> Void) throws {
        ledger = nil
        try body()
        ledger = try Self.openWhenReleased { try Ledger(directory: directory, options: LMDBOptions(mapSize: 1 << 30)) }
    }

    deinit {
        ledger = nil
        try? FileManager.default.removeItem(atPath: directory)
    }
}
