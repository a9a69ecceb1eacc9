import StrandCrypto
import StrandPrimitives
import StrandTypes

/// One validator's PBFT, execute-then-vote as FISCO BCOS 2.x runs it, with a view change
/// that carries locks (DESIGN.md, "Consensus"). Pure: events in, actions out, no clock, no
/// I/O, so that the node's driver and the simulator run the same code.
///
/// The validators are those in force at the height being decided: the host feeds each height's
/// set as the chain reaches it (`chainAdvanced(to:validators:)`), and after deciding a block the
/// machine waits for it, so that quorum, leader and signatures are always the height's own. A
/// node outside the set (an observer, a removed validator) runs the machine silently, to vote
/// from the height it is promoted at.
///
/// At (height h, view v) the leader is validators[(h + v) mod n]. It proposes a block; each
/// validator executes it and signs a Prepare; at Q = n − f Prepares it locks the block
/// (persisted) and signs a Commit; Q Commits decide the block, whose seal they become. A
/// view that times out ends with a ViewChange carrying the sender's lock; the next leader
/// proposes with Q of them as justification and must re-propose the highest lock among them.
public struct PBFTStateMachine: Sendable {
    public let chain: ChainConfig
    /// This node's identity; it votes at the heights whose set holds it.
    public let node: NodeID
    /// The validators of `height`.
    public internal(set) var validators: ValidatorSet
    /// This node's index in `validators`; nil while it is not one of them.
    public internal(set) var index: UInt32?
    /// A block was decided and the next height's validators are not known yet: messages wait.
    public internal(set) var awaitingValidators = false
    public private(set) var settings: PBFTSettings
    let authenticator: any VoteAuthenticator

    /// The height being decided: the chain's height + 1.
    public internal(set) var height: UInt64
    public internal(set) var view: UInt64
    public internal(set) var journal: PBFTJournal
    /// View changes since the last decided block.
    public internal(set) var viewChanges: UInt64 = 0

    var keeper = VoteKeeper()
    /// The proposal accepted in the current view.
    var proposal: (view: UInt64, block: Block, hash: Hash)?
    /// Blocks seen at this height (proposals, locked blocks), by hash.
    var blocks: [Hash: Block] = [:]
    /// Execution results at this height, by block hash.
    var executed: [Hash: Bool] = [:]
    var executing: Set<Hash> = []
    var awaitingBuild = false
    /// The ViewChanges that justify the block being built, taken when the build was asked for.
    var buildJustification: [ViewChange] = []
    var workPending = false
    var timerDeadline: Duration?
    /// Messages for later heights with the peer that sent them, in order of arrival (replayed in
    /// that order: a run must not depend on a dictionary's order).
    var future: [(message: ConsensusMessage, peer: NodeID)] = []
    /// What this validator last said at this height, for `.retransmit`: its proposal, votes
    /// and latest ViewChange, each superseding the one of the same kind before.
    var said: [String: ConsensusMessage] = [:]
    /// The highest view each validator (this one included) was seen in at this height, by
    /// any message it signed: a view is left on timeout only once a quorum reached it.
    var seenView: [UInt32: UInt64] = [:]
    var now: Duration = .zero
    var actions: [PBFTAction] = []

    /// - Parameters:
    ///   - chainHeight: the height of the local chain.
    ///   - validators: the set in force at `chainHeight + 1`.
    ///   - journal: what this validator persisted before it last stopped; ignored when the
    ///     chain has moved past its height.
    public init(chain: ChainConfig, node: NodeID, authenticator: any VoteAuthenticator, settings: PBFTSettings,
                chainHeight: UInt64, validators: ValidatorSet, journal: PBFTJournal?) {
        self.chain = chain
        self.node = node
        self.validators = validators
        index = validators.index(of: node).map(UInt32.init)
        self.authenticator = authenticator
        self.settings = settings
        height = chainHeight + 1
        if let journal, journal.height == height {
            self.journal = journal
            view = journal.view
            if let lock = journal.lock, let block = journal.lockedBlock { blocks[lock.blockHash] = block }
        } else {
            self.journal = PBFTJournal(height: height)
            view = 0
        }
    }

    public var quorum: Int { validators.quorum }
    public var validatorCount: Int { validators.count }
    public var isValidator: Bool { index != nil }

    public func leader(height: UInt64, view: UInt64) -> UInt32 {
        UInt32((height &+ view) % UInt64(validators.count))
    }

    public var isLeader: Bool { !awaitingValidators && leader(height: height, view: view) == index }

    /// Takes a new first-view timeout (a governor's `consensus_timeout`), for timers set from now on;
    /// the cap stays 20 × the base.
    public mutating func adopt(baseTimeout: Duration) {
        guard baseTimeout != settings.baseTimeout else { return }
        settings.baseTimeout = baseTimeout
        settings.maxTimeout = baseTimeout * 20
    }

    /// Starts the machine: the leader asks for a block, the timer runs if there is work.
    public mutating func start(now: Duration) -> [PBFTAction] {
        begin(now)
        if isValidator { resumeFromJournal() }
        enterView()
        return finish()
    }

    /// After a restart, says again what the journal shows this validator said at this height
    /// (the same content, signed again: no conflict), so that retransmission has it.
    private mutating func resumeFromJournal() {
        // A lock from this very view was formed after the ViewChange that entered it, which
        // then carried an older lock no longer known: nothing to say again then.
        guard let index else { return }
        if view > 0, journal.lock.map({ $0.view < view }) ?? true { sayViewChange() }
        for (phase, record) in [(Vote.Phase.prepare, journal.prepared), (.commit, journal.committed)] {
            guard let record, record.view == view else { continue }
            var vote = Vote(phase: phase, height: height, view: record.view, blockHash: record.blockHash, validator: index,
                            signature: .init(r: .zero, s: .zero, recoveryID: 0))
            vote.signature = authenticator.sign(chain.digest(of: vote))
            _ = keeper.add(vote)
            say(.vote(vote), as: "\(phase)")
        }
    }

    public mutating func handle(_ event: PBFTEvent, now: Duration) -> [PBFTAction] {
        begin(now)
        switch event {
        case .message(let message, let peer): receive(message, from: peer)
        case .timeout:
            if let deadline = timerDeadline, now >= deadline {
                timerDeadline = nil
                timedOut()
            }
        case .executed(let hash, let valid): executedBlock(hash, valid: valid)
        case .built(let block): built(block)
        case .workPending(let pending):
            workPending = pending
            updateTimer()
        case .chainAdvanced(let chainHeight, let validators):
            if chainHeight >= height || (awaitingValidators && chainHeight + 1 == height) {
                enterHeight(chainHeight + 1, validators: validators)
            }
        case .retransmit:
            for key in said.keys.sorted() { actions.append(.broadcast(said[key]!)) }
        }
        return finish()
    }

    private mutating func begin(_ now: Duration) {
        self.now = now
        actions.removeAll(keepingCapacity: true)
    }

    private mutating func finish() -> [PBFTAction] {
        let result = actions
        actions.removeAll()
        return result
    }

    // MARK: Proposing

    mutating func proposeIfLeader() {
        guard isLeader, !awaitingBuild, proposal == nil, journal.prepared?.view != view else { return }
        if view == 0 {
            requestBuild(justification: [])
            return
        }
        let justification = keeper.viewChanges(for: view)
        guard justification.count >= quorum else { return }
        if let lock = Self.highestLock(in: justification) {
            guard let block = blocks[lock.blockHash] else { return }
            propose(block, justification: justification)
        } else {
            requestBuild(justification: justification)
        }
    }

    private mutating func requestBuild(justification: [ViewChange]) {
        awaitingBuild = true
        buildJustification = justification
        actions.append(.build(height: height, view: view))
    }

    private mutating func built(_ block: Block) {
        guard awaitingBuild, block.number == height else { return }
        awaitingBuild = false
        let hash = block.hash
        executed[hash] = true
        propose(block, justification: buildJustification)
    }

    private mutating func propose(_ block: Block, justification: [ViewChange]) {
        guard let index else { return }
        var proposal = Proposal(view: view, block: block, justification: justification.map(\.withoutBlock), validator: index,
                                signature: .init(r: .zero, s: .zero, recoveryID: 0))
        proposal.signature = authenticator.sign(chain.digest(of: proposal))
        say(.proposal(proposal), as: "proposal")
        accept(proposal, hash: block.hash, justifiedLock: Self.highestLock(in: justification))
    }

    static func highestLock(in justification: [ViewChange]) -> PreparedCertificate? {
        justification.compactMap(\.lock).max { $0.view < $1.view }
    }

    // MARK: Receiving

    /// A message from `peer`, who must be the validator that signed it at its height: one for a
    /// later height (or this one, while its validators are not known) waits for it, a few per peer.
    mutating func receive(_ message: ConsensusMessage, from peer: NodeID) {
        if message.height < height { return }
        if message.height > height || awaitingValidators {
            guard message.height - height <= settings.heightWindow,
                  future.count(where: { $0.peer == peer }) < settings.futureMessagesPerSender else { return }
            future.append((message, peer))
            return
        }
        // A set that changed since it was sent, or a peer speaking for another: not for this height.
        guard isValidator, validators[message.sender] == peer else { return }
        switch message {
        case .proposal(let proposal): receive(proposal)
        case .vote(let vote): receive(vote)
        case .viewChange(let change): receive(change)
        }
    }

    private mutating func receive(_ proposal: Proposal) {
        guard proposal.view >= view else { return }
        let hash = proposal.block.hash
        if let current = self.proposal, current.view == proposal.view {
            if current.hash != hash {
                blame(proposal.validator, "two proposals in view \(proposal.view)")
            }
            return
        }
        let justifiedLock: PreparedCertificate?
        switch check(proposal, hash: hash) {
        case .success(let lock): justifiedLock = lock
        case .failure(let fault):
            blame(proposal.validator, fault.reason)
            return
        }
        // Its justification shows who is in its view, which decides when that view may be left.
        for change in proposal.justification {
            _ = keeper.add(change)
            see(change.validator, inView: change.view)
        }
        see(proposal.validator, inView: proposal.view)
        if proposal.view > view {
            // Q ViewChanges for that view justify it: a quorum has left the views before.
            view = proposal.view
            journal.view = proposal.view
            viewChanges += 1
            actions.append(.persist(journal))
            sayViewChange()
            awaitingBuild = false
            timerDeadline = nil
        }
        accept(proposal, hash: hash, justifiedLock: justifiedLock)
    }

    /// Takes `proposal` (checked) as the current view's, and executes it unless the lock forbids.
    private mutating func accept(_ proposal: Proposal, hash: Hash, justifiedLock: PreparedCertificate?) {
        self.proposal = (proposal.view, proposal.block, hash)
        blocks[hash] = proposal.block
        updateTimer()
        if keeper.decision(quorum: quorum)?.blockHash == hash {
            // Already decided by a quorum (this validator fell behind): no vote is needed.
            checkDecision()
            return
        }
        // A locked validator prepares only its lock, or a block justified by a lock at least as recent.
        if let lock = journal.lock, lock.blockHash != hash {
            guard let justified = justifiedLock, justified.view >= lock.view else { return }
        }
        if let prepared = journal.prepared, prepared.view == view, prepared.blockHash != hash { return }
        switch executed[hash] {
        case true?: prepare()
        case false?: return
        case nil:
            if executing.insert(hash).inserted { actions.append(.execute(proposal.block)) }
        }
    }

    private mutating func executedBlock(_ hash: Hash, valid: Bool) {
        guard executing.remove(hash) != nil else { return }
        executed[hash] = valid
        if !valid {
            if let proposal, proposal.hash == hash {
                let leader = leader(height: height, view: proposal.view)
                blame(leader, "proposed block \(proposal.block.number) that does not execute to its header")
                // No point waiting out the timer for a block this validator will never prepare.
                if proposal.view == view { changeView(to: view + 1) }
            }
            return
        }
        prepare()
        checkDecision()
    }
}
