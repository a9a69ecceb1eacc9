import Dispatch
@testable import StrandNode
import StrandConsensus
import StrandPrimitives
import StrandStorage
import StrandTxPool
import StrandTypes
import Synchronization
import Testing

/// The solo driver seals on its policy, by size or by time, under a clock the test moves; the
/// committer pipelines, and retries a failing commit without losing its block.
@Suite struct SoloDriverTests {
    @Test func policyDecides() {
        let policy = SealingPolicy(maxBlockTransactions: 3, blockInterval: .milliseconds(500))
        #expect(policy.decide(ready: 0, sinceLastAttempt: .seconds(9)) == .waitForTransactions)
        #expect(policy.decide(ready: 3, sinceLastAttempt: .zero) == .seal)
        #expect(policy.decide(ready: 1, sinceLastAttempt: .milliseconds(200)) == .wait(.milliseconds(300)))
        #expect(policy.decide(ready: 1, sinceLastAttempt: .milliseconds(500)) == .seal)
        // Fewer than a block's count whose gas fills a block: no reason to wait.
        #expect(policy.decide(ready: 2, sinceLastAttempt: .milliseconds(100), fillsBlock: true) == .seal)
        #expect(policy.decide(ready: 0, sinceLastAttempt: .milliseconds(100), fillsBlock: true) == .waitForTransactions)
        let empties = SealingPolicy(blockInterval: .milliseconds(500), skipEmptyBlocks: false)
        #expect(empties.decide(ready: 0, sinceLastAttempt: .milliseconds(100)) == .wait(.milliseconds(400)))
    }

    @Test func sealsOnSizeOrTimeUnderATestClock() throws {
        let node = try NodeHarness(policy: SealingPolicy(maxBlockTransactions: 3, blockInterval: .milliseconds(500)))
        #expect(node.driver.step() == .waitForTransactions)
        // The first transaction after a quiet spell seals at once.
        try node.admitTransfers(1)
        #expect(node.driver.step() == .seal)
        node.committer.drain()
        #expect(node.ledger.head.number == 1)
        // The next waits out the interval...
        try node.admitTransfers(1)
        #expect(node.driver.step() == .wait(.milliseconds(500)))
        node.clock.advance(by: .milliseconds(499))
        #expect(node.driver.step() == .wait(.milliseconds(1)))
        #expect(node.ledger.head.number == 1)
        node.clock.advance(by: .milliseconds(1))
        #expect(node.driver.step() == .seal)
        node.committer.drain()
        #expect(node.ledger.head.number == 2)
        // ...unless a block's worth is ready.
        try node.admitTransfers(4)
        #expect(node.driver.step() == .seal)
        node.committer.drain()
        let block = try #require(try node.ledger.block(number: 3))
        #expect(block.transactions.count == 3)
        #expect(node.pool.count == 1)
        // Timestamps are the clock's milliseconds, one past the parent's when the clock has not
        // moved since it (blocks 2 and 3 are sealed in the same millisecond); the seal verifies.
        let parent = try #require(try node.ledger.header(number: 2))
        #expect(parent.timestamp == node.clock.wallMilliseconds())
        #expect(block.header.timestamp == parent.timestamp + 1)
        try node.ledger.config.verifySeal(of: block.header, validators: node.ledger.config.genesisValidators)
    }

    @Test func pipelinedBlocksBuildOnTheOneInCommit() throws {
        let node = try NodeHarness(pipelining: true)
        try node.admitTransfers(4)
        #expect(try node.driver.sealBlock())
        // Block 1 may still be committing: the tip is block 1 either way, and its state holds block 1's writes.
        let tip = try node.committer.tip()
        #expect(tip.number == 1)
        let sender = NodeHarness.accounts[0].address
        #expect(tip.state.value(of: .nonce(sender)) == UInt256(1))
        try node.admitTransfers(4)
        node.clock.advance(by: .milliseconds(2))
        #expect(try node.driver.sealBlock())
        node.committer.drain()
        #expect(node.ledger.head.number == 2)
        #expect(try node.ledger.value(of: .nonce(sender)) == UInt256(2))
        let verified = try node.ledger.verify()
        #expect(verified.head == node.ledger.head)
    }

    @Test func failingCommitsAreRetriedAndAdmissionPausesMeanwhile() throws {
        let failures = FailureBudget(3)
        let ledgerBox = Mutex<Ledger?>(nil)
        let node = try NodeHarness(commit: { block, receipts, changes in
            if failures.take() { throw LedgerError.storage(LMDBError(operation: "mdb_txn_commit", code: 5)) }
            try ledgerBox.withLock { $0 }!.commit(block, receipts: receipts, changes: changes)
        })
        ledgerBox.withLock { $0 = node.ledger }
        try node.admitTransfers(2)
        let raw = node.transfers(1)
        let gate = DispatchSemaphore(value: 0)
        failures.onExhausted = {
            // Still failing: new transactions are refused with the reason, and metrics say so.
            let refused = node.pool.admit(raw, accounts: try! node.ledger.snapshot())
            if case .failure(let error) = refused[0], error.code == .unavailable, node.metrics.commitFailing.load(ordering: .relaxed) == 1 {
                gate.signal()
            }
        }
        try node.sealBlock()
        #expect(gate.wait(timeout: .now() + 5) == .success)
        #expect(node.ledger.head.number == 1)
        #expect(try node.ledger.block(number: 1)?.transactions.count == 2)
        #expect(node.metrics.commitFailures.load(ordering: .relaxed) == 3)
        #expect(node.metrics.commitFailing.load(ordering: .relaxed) == 0)
        // Admission is back.
        #expect(try node.pool.admit(raw, accounts: node.ledger.snapshot())[0].get() == Transaction.decode(raw[0]).hash)
        ledgerBox.withLock { $0 = nil }
    }
}

/// Fails the first `count` attempts; calls `onExhausted` during the last failing one.
private final class FailureBudget: @unchecked Sendable {
    private var left: Int
    var onExhausted: () -> Void = {}
    init(_ count: Int) { left = count }

    func take() -> Bool {
        guard left > 0 else { return false }
        left -= 1
        if left == 0 { onExhausted() }
        return true
    }
}
