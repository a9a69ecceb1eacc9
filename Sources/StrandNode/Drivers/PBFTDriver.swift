import Logging
import StrandChain
import StrandConsensus
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import StrandTxPool
import StrandTypes
import Synchronization

/// Carries out a validator's PBFT: feeds the state machine what happens (peers' messages,
/// its timer, blocks built and executed, the pool filling, the chain advancing by sync) and
/// does what it says: journal writes before the messages that depend on them, broadcasts,
/// executing proposals through the `BlockImporter`, building through the `BlockBuilder`
/// when this validator leads and its sealing policy says a block is due, and committing
/// decided blocks through the `ChainAppender`. One thread, woken by events, never polling.
final class PBFTDriver: @unchecked Sendable {
    enum Input {
        case message(ProtocolMessage, from: NodeID)
        case chainAdvanced(UInt64)
        case peerUp
    }

    let chain: ChainConfig
    let builder: BlockBuilder
    let importer: BlockImporter
    let appender: ChainAppender
    let policy: SealingPolicy
    let clock: any NodeClock
    let logger: Logger
    let metrics: ConsensusMetrics
    let journalFile: ConsensusJournalFile
    /// The peers, through the node's links.
    let messenger: any PeerMessenger
    private let inbox = Mutex<[Input]>([])
    private let thread = DriverThread()
    /// What RPC shows, refreshed after every event.
    let status: Mutex<PBFTStatus>
    // The driver's thread alone touches these.
    var machine: PBFTStateMachine
    var timerDeadline: Duration?
    var buildRequest: (height: UInt64, view: UInt64)?
    var executedBlocks: [Hash: ExecutedBlock] = [:]
    var lastBuildAt: Duration
    private var workPending = false
    private var nextRetransmit: Duration = .zero
    var roundStartedAt: Duration?
    var journalFailing = false
    var lastJournalWriteMicros: UInt64 = 0
    private static let retransmitInterval = Duration.seconds(2)
    /// Set only by the test switch: how this validator lies (`ByzantineBehaviour`).
    let byzantine: ByzantineBehaviour?
    let authenticator: SuiteAuthenticator
    var floods: UInt64 = 0
    private var nextFlood: Duration = .zero

    init(chain: ChainConfig, index: Int, key: PrivateKey, builder: BlockBuilder, importer: BlockImporter, appender: ChainAppender,
         messenger: any PeerMessenger, policy: SealingPolicy, dataDirectory: String, clock: any NodeClock, logger: Logger,
         metrics: NodeMetrics, byzantine: ByzantineBehaviour? = nil) throws {
        self.chain = chain
        self.messenger = messenger
        self.metrics = ConsensusMetrics(factory: metrics.factory)
        self.byzantine = byzantine
        authenticator = SuiteAuthenticator(chain: chain, key: key)
        self.builder = builder
        self.importer = importer
        self.appender = appender
        self.policy = policy
        self.clock = clock
        self.logger = logger
        journalFile = ConsensusJournalFile(directory: dataDirectory)
        let journal = try journalFile.read()
        machine = PBFTStateMachine(
            chain: chain, index: UInt32(index), authenticator: authenticator,
            settings: PBFTSettings(baseTimeout: .milliseconds(Int64(chain.consensusTimeoutMilliseconds))),
            chainHeight: appender.height, journal: journal)
        status = Mutex(PBFTStatus(machine))
        lastBuildAt = clock.monotonic() - policy.blockInterval
        if let journal, journal.height == machine.height {
            logger.notice("consensus journal: resuming height \(journal.height) in view \(journal.view)\(journal.lock.map { ", locked on \($0.blockHash) from view \($0.view)" } ?? "")")
        } else if journal == nil {
            logger.notice("""
                no consensus journal in \(dataDirectory): this validator votes as one that never voted. If its data directory \
                was lost while the chain ran, a vote it cast at the height then in progress is forgotten (ARCHITECTURE.md, Operations)
                """)
        }
    }


    // MARK: Inputs from other threads

    func received(_ message: ProtocolMessage, from peer: NodeID) { push(.message(message, from: peer)) }
    func chainAdvanced(to height: UInt64) { push(.chainAdvanced(height)) }
    func peerUp() { push(.peerUp) }
    /// The pool changed: a block may be due, or the timer may need to run.
    func wake() { thread.wake() }

    private func push(_ input: Input) {
        inbox.withLock { $0.append(input) }
        wake()
    }

    func start() {
        thread.start { [self] in
            carryOut(machine.start(now: clock.monotonic()))
            loop()
        }
    }

    func stop() {
        guard thread.stop() else { return }
        appender.committer.drain()
    }

    // MARK: The loop

    private func loop() {
        while thread.isRunning {
            for input in inbox.withLock({ inputs in defer { inputs.removeAll() }; return inputs }) { handle(input) }
            let pending = builder.pool.count > 0
            if pending != workPending {
                workPending = pending
                feed(.workPending(pending))
            }
            let now = clock.monotonic()
            if let deadline = timerDeadline, now >= deadline {
                timerDeadline = nil
                feed(.timeout)
            }
            if machine.view > 0, now >= nextRetransmit {
                nextRetransmit = now + Self.retransmitInterval
                feed(.retransmit)
            }
            var wait = timerDeadline.map { $0 - now }
            if let request = buildRequest {
                switch policy.decide(ready: builder.pool.count, sinceLastAttempt: now - lastBuildAt) {
                case .seal: build(request)
                case .wait(let duration): wait = min(wait ?? duration, duration)
                case .waitForTransactions: break
                }
            }
            if machine.view > 0 { wait = min(wait ?? Self.retransmitInterval, nextRetransmit - now) }
            if byzantine == .hugeViews {
                if now >= nextFlood {
                    nextFlood = now + Self.floodInterval
                    floodViewChange(over: messenger)
                }
                wait = min(wait ?? Self.floodInterval, nextFlood - now)
            }
            publishStatus()
            if inbox.withLock({ $0.isEmpty }) { thread.sleep(upTo: wait) }
        }
    }

    private func handle(_ input: Input) {
        switch input {
        case .message(let received, let peer):
            guard let peerIndex = chain.validatorIndex(of: peer) else { return }
            let message: ConsensusMessage
            do { message = try ConsensusMessage.decode(try received.opaqueBytes()) } catch {
                metrics.misbehaved(UInt32(peerIndex))
                logger.warning("consensus message from validator \(peerIndex) refused: \(error)")
                messenger.disconnect(peer, because: .badMessage(.malformed("consensus: \(error)")))
                return
            }
            guard message.sender == UInt32(peerIndex) else {
                metrics.misbehaved(UInt32(peerIndex))
                logger.warning("validator \(peerIndex) sent a consensus message signed as validator \(message.sender)")
                return
            }
            metrics.messagesReceived.increment()
            if case .proposal = message, message.height == machine.height { roundStartedAt = clock.monotonic() }
            feed(.message(message))
        case .chainAdvanced(let height):
            feed(.chainAdvanced(to: height))
        case .peerUp:
            feed(.retransmit)
        }
    }

    func feed(_ event: PBFTEvent) {
        let before = (machine.height, machine.view)
        carryOut(machine.handle(event, now: clock.monotonic()))
        if let request = buildRequest, request != (machine.height, machine.view) { buildRequest = nil }
        if machine.height != before.0 {
            executedBlocks = executedBlocks.filter { $0.value.block.number >= machine.height }
        } else if machine.view != before.1 {
            metrics.viewChanged()
            logger.notice("consensus: height \(machine.height) now in view \(machine.view) (leader \(machine.leader(height: machine.height, view: machine.view)))")
        }
        metrics.view.record(Int64(clamping: machine.view))
    }

    private func publishStatus() {
        let snapshot = PBFTStatus(machine)
        status.withLock { $0 = snapshot }
    }
}

/// A validator's consensus state as RPC reports it.
struct PBFTStatus: Sendable {
    var index: UInt32
    var height: UInt64
    var view: UInt64
    var leader: UInt32
    var lock: PreparedCertificate?

    init(_ machine: PBFTStateMachine) {
        index = machine.index
        height = machine.height
        view = machine.view
        leader = machine.leader(height: machine.height, view: machine.view)
        lock = machine.journal.lock
    }
}
