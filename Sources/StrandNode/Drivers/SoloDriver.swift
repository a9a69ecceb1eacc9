import Logging
import StrandChain
import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandStorage
import StrandTxPool
import StrandTypes
import Synchronization

/// Drives a solo chain: asks the sealing policy after every event (transactions admitted, a
/// block committed, the policy's own timer), builds and seals a block when it says so, and
/// appends the block to the chain. Waits on a wake-up, never polls.
///
/// `step()` is one turn of that loop; tests call it directly under a `ManualClock`.
final class SoloDriver: @unchecked Sendable {
    let policy: SealingPolicy
    let builder: BlockBuilder
    let appender: ChainAppender
    let clock: any NodeClock
    let logger: Logger
    private let sealingKey: PrivateKey
    private let nodeID: NodeID
    private let thread = DriverThread()
    // The driver's thread alone touches this.
    private var lastAttempt: Duration
    private var sealerSetChanged = false

    struct NotAValidator: Error, CustomStringConvertible {
        let description: String
    }

    /// - Throws: `NotAValidator` unless the chain's genesis has one validator.
    init(policy: SealingPolicy, builder: BlockBuilder, appender: ChainAppender, key: PrivateKey,
         clock: any NodeClock, logger: Logger) throws(NotAValidator) {
        let chain = builder.chain
        let nodeID = chain.suite.nodeID(of: key)
        guard chain.validators.count == 1 else {
            throw NotAValidator(description: "the chain's genesis has \(chain.validators.count) validators; a solo node seals only a chain of one")
        }
        self.policy = policy
        self.builder = builder
        self.appender = appender
        self.clock = clock
        self.logger = logger
        sealingKey = key
        self.nodeID = nodeID
        lastAttempt = clock.monotonic() - policy.blockInterval
    }

    /// Transactions arrived (or anything else worth a look): the driver asks the policy again.
    func wake() { thread.wake() }

    func start() { thread.start { [self] in loop() } }

    /// Returns once the block in progress, if any, is committed (or given up, if the ledger fails).
    func stop() {
        guard thread.stop() else { return }
        appender.committer.stop()
    }

    private func loop() {
        while thread.isRunning {
            switch step() {
            case .seal: continue
            case .wait(let duration): thread.sleep(upTo: duration)
            case .waitForTransactions: thread.sleep(upTo: nil)
            }
        }
        appender.committer.drain()
    }

    /// Asks the policy once and does what it says: `.seal` means a block was attempted (the
    /// next step may follow at once), a wait is the caller's to carry out.
    @discardableResult
    func step() -> SealingPolicy.Decision {
        let now = clock.monotonic()
        let pending = builder.pool.pending
        let decision = policy.decide(ready: pending.count, sinceLastAttempt: now - lastAttempt, fillsBlock: pending.fillsBlockGas)
        guard decision == .seal else { return decision }
        lastAttempt = now
        do {
            try sealBlock()
        } catch {
            logger.error("block production failed: \(error)")
            return .wait(.milliseconds(100))
        }
        return .seal
    }

    /// Builds, seals and appends one block; false when nothing could be included.
    @discardableResult
    func sealBlock() throws -> Bool {
        var sealed = false
        var unreadable: LedgerError?
        appender.extend(tipUnreadable: &unreadable) { (tip: ChainTip) -> ExecutedBlock? in
            // A governor made another node a sealer: one signature no longer seals a block.
            let sealers = ConsensusRoster(chain: builder.chain, state: tip.state).sealers
            guard sealers == [nodeID] else {
                if !sealerSetChanged {
                    sealerSetChanged = true
                    logger.error("the chain now has \(sealers.count) sealer(s): this solo node stops sealing; restart its nodes to run PBFT")
                }
                return nil
            }
            guard var executed = builder.build(on: tip, wallMilliseconds: clock.wallMilliseconds()) else { return nil }
            let signature = builder.chain.sealSignature(for: executed.block.header, validatorIndex: 0, key: sealingKey)
            executed.seal(with: BlockSeal(view: 0, signatures: [signature]))
            sealed = true
            return executed
        }
        if let unreadable { throw unreadable }
        return sealed
    }
}
