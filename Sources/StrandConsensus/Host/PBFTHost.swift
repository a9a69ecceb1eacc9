import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTypes

/// Carries out one node's PBFT: feeds the pure state machine what happens (peers' messages,
/// its timer, blocks built and executed, the pool filling, the chain advancing by sync) and does
/// what it says, in order: the journal written before the messages that depend on it, broadcasts,
/// proposals executed once and kept until decided, a block built when this validator leads and
/// its sealing policy says one is due, decided blocks appended.
///
/// The node's driver thread and the consensus simulator both run this very code; they inject
/// only the clock (monotonic; read afresh at every step, since executing a block takes time), the
/// network (`PeerMessenger`), the journal and the chain. Not thread-safe: one thread calls it.
public final class PBFTHost<Chain: ConsensusChain> {
    public private(set) var machine: PBFTStateMachine
    let chain: Chain
    let messenger: any PeerMessenger
    let journal: any ConsensusJournalStore
    let policy: SealingPolicy
    let observer: any PBFTObserver
    let clock: () -> Duration

    var timerDeadline: Duration?
    var buildRequest: (height: UInt64, view: UInt64)?
    /// Proposals executed on the tip (and this leader's own block), by hash, until their height passes.
    var executedBlocks: [Hash: Chain.Executed] = [:]
    var lastBuildAt: Duration
    var workPending = false
    var nextRetransmit: Duration = .zero
    var roundStartedAt: Duration?
    /// Events waiting for the actions under way (`feed`).
    private var queued: [PBFTEvent] = []
    private var feeding = false
    /// A journal write failed: nothing is sent until one succeeds, since a vote not on disk
    /// must not leave the node.
    public private(set) var journalFailing = false
    /// While a view change drags on, what this validator said is sent again this often.
    public static var retransmitInterval: Duration { .seconds(2) }

    public init(machine: PBFTStateMachine, chain: Chain, messenger: any PeerMessenger, journal: any ConsensusJournalStore,
                policy: SealingPolicy, observer: any PBFTObserver, clock: @escaping () -> Duration) {
        self.machine = machine
        self.chain = chain
        self.messenger = messenger
        self.journal = journal
        self.policy = policy
        self.observer = observer
        self.clock = clock
        lastBuildAt = clock() - policy.blockInterval
    }

    // MARK: Inputs

    public func start() {
        if let timeout = chain.consensusTimeout { machine.adopt(baseTimeout: timeout) }
        carryOut(machine.start(now: clock()))
    }

    /// A consensus message from `peer`; one that cannot be read drops the link. One for a later
    /// height waits in the machine, since only that height's validators can say whose it is.
    public func receive(_ message: ProtocolMessage, from peer: NodeID) {
        let decoded: ConsensusMessage
        do { decoded = try ConsensusMessage.decode(try message.opaqueBytes()) } catch {
            observer.observe(.misbehaved(validator: peer, reason: "unreadable consensus message: \(error)"))
            messenger.disconnect(peer, because: .badMessage(.malformed("consensus: \(error)")))
            return
        }
        if decoded.height == machine.height, !machine.awaitingValidators, machine.validators[decoded.sender] != peer {
            if machine.validators.contains(peer) {
                observer.observe(.misbehaved(validator: peer, reason: "sent a message signed as validator \(decoded.sender)"))
            }
            return
        }
        observer.observe(.messageReceived)
        if case .proposal = decoded, decoded.height == machine.height { roundStartedAt = clock() }
        feed(.message(decoded, from: peer))
    }

    /// The chain advanced by another path (sync).
    public func chainAdvanced() {
        guard let tip = chain.tip else { return }
        feed(.chainAdvanced(to: tip.height, validators: tip.nextValidators))
    }

    /// A link came up: what was said over a link that was down is lost, so say it again.
    public func peerConnected() {
        feed(.retransmit)
    }

    /// The answer to an execution the chain deferred (`ExecutionVerdict.later`).
    public func executed(_ block: Block, verdict: ExecutionVerdict<Chain.Executed>) {
        judge(block, verdict)
    }

    /// Does what is due: the pool's state, the timer, retransmission, a block to build. Returns
    /// how long until something is due again (nil: nothing is, until the next input). The pool is
    /// asked once: its count takes the pool's lock, which admission holds under load.
    public func poll() -> Duration? {
        advanceIfAwaited()
        let (pending, fillsBlock) = chain.pendingTransactions
        if (pending > 0) != workPending {
            workPending = pending > 0
            feed(.workPending(workPending))
        }
        if let deadline = timerDeadline, clock() >= deadline {
            timerDeadline = nil
            feed(.timeout)
        }
        if machine.view > 0, clock() >= nextRetransmit {
            nextRetransmit = clock() + Self.retransmitInterval
            feed(.retransmit)
        }
        var now = clock()
        var policyWait: Duration?
        if let request = buildRequest {
            switch policy.decide(ready: pending, sinceLastAttempt: now - lastBuildAt, fillsBlock: fillsBlock) {
            case .seal:
                build(request)
                now = clock()
            case .wait(let duration): policyWait = duration
            case .waitForTransactions: break
            }
        }
        var wait = timerDeadline.map { $0 - now }
        if let policyWait { wait = min(wait ?? policyWait, policyWait) }
        // A build that found nothing leaves the request: ask again after the interval.
        if buildRequest != nil, pending > 0 { wait = min(wait ?? policy.blockInterval, policy.blockInterval) }
        if machine.view > 0 { wait = min(wait ?? Self.retransmitInterval, nextRetransmit - now) }
        return wait.map { max($0, .zero) }
    }

    // MARK: Feeding the machine

    /// Hands `event` to the machine and carries out what it says. An event that arises while
    /// actions are carried out (an execution's verdict, the next height's validators) waits until
    /// they all are: the rest of a batch must not run against a machine that has moved on.
    func feed(_ event: PBFTEvent) {
        queued.append(event)
        guard !feeding else { return }
        feeding = true
        defer { feeding = false }
        while !queued.isEmpty { step(queued.removeFirst()) }
    }

    private func step(_ event: PBFTEvent) {
        let before = (height: machine.height, view: machine.view)
        carryOut(machine.handle(event, now: clock()))
        advanceIfAwaited()
        if let request = buildRequest, request != (machine.height, machine.view) { buildRequest = nil }
        if machine.height != before.height {
            executedBlocks = executedBlocks.filter { $0.value.block.number >= machine.height }
            // The chain may have changed its consensus timeout: timers set from now on follow it.
            if let timeout = chain.consensusTimeout { machine.adopt(baseTimeout: timeout) }
        } else if machine.view != before.view, machine.isValidator {
            observer.observe(.viewChanged(height: machine.height, view: machine.view,
                                          leader: machine.leader(height: machine.height, view: machine.view)))
        }
    }

    /// The machine decided a block and waits for the next height's validators: once the chain
    /// holds the block (appended here, or by sync), they are read from its state and fed.
    func advanceIfAwaited() {
        guard machine.awaitingValidators, let tip = chain.tip, tip.height + 1 >= machine.height else { return }
        feed(.chainAdvanced(to: tip.height, validators: tip.nextValidators))
    }

    /// Does what the state machine asked, in order.
    func carryOut(_ actions: [PBFTAction]) {
        for action in actions {
            switch action {
            case .persist(let record):
                do {
                    try journal.write(record)
                    journalFailing = false
                } catch {
                    if !journalFailing { observer.observe(.journalFailing("\(error)")) }
                    journalFailing = true
                }
            case .broadcast(let message):
                guard !journalFailing else { continue }
                if case .proposal = message { roundStartedAt = clock() }
                messenger.broadcast(.subprotocol(.consensus(message.encoded)))
                observer.observe(.messageSent(message))
            case .execute(let block):
                execute(block)
            case .build(let height, let view):
                observer.observe(.leading(height: height, view: view))
                buildRequest = (height, view)
            case .commit(let block, let seal):
                commit(block, seal: seal)
            case .setTimer(let deadline):
                timerDeadline = deadline
            case .cancelTimer:
                timerDeadline = nil
            case .misbehaved(let validator, let reason):
                observer.observe(.misbehaved(validator: validator, reason: reason))
            }
        }
    }

    // MARK: Building, executing, committing

    /// Builds this leader's proposal; keeps the request when nothing is ready.
    func build(_ request: (height: UInt64, view: UInt64)) {
        lastBuildAt = clock()
        guard let height = chain.tip?.height else { return }
        guard height + 1 == request.height else {
            // The chain moved (sync); the machine hears of it and asks again.
            buildRequest = nil
            return
        }
        guard let executed = chain.build(height: request.height) else {
            observer.observe(.nothingToPropose(height: request.height, pending: chain.pendingTransactions.count))
            return
        }
        buildRequest = nil
        executedBlocks[executed.block.hash] = executed
        feed(.built(executed.block))
    }

    func execute(_ block: Block) {
        if executedBlocks[block.hash] != nil {
            feed(.executed(blockHash: block.hash, valid: true))
            return
        }
        judge(block, chain.execute(block))
    }

    func judge(_ block: Block, _ verdict: ExecutionVerdict<Chain.Executed>) {
        switch verdict {
        case .valid(let executed):
            executedBlocks[block.hash] = executed
            feed(.executed(blockHash: block.hash, valid: true))
        case .invalid(let reason):
            observer.observe(.proposalRefused(block, reason: reason))
            feed(.executed(blockHash: block.hash, valid: false))
        case .chainAdvanced:
            chainAdvanced()
        case .unavailable, .later:
            break
        }
    }

    /// A quorum committed `block`: append it under its seal (unless sync was first).
    func commit(_ block: Block, seal: BlockSeal) {
        guard let executed = executedBlocks[block.hash] else {
            observer.observe(.decidedUnexecuted(block))
            return
        }
        let appended = chain.append(executed, seal: seal)
        let now = clock()
        let round = roundStartedAt.map { now - $0 }
        roundStartedAt = nil
        observer.observe(.decided(block, view: seal.view, round: round, executionMicros: executed.executionMicros, appended: appended))
        lastBuildAt = now
    }
}
