import StrandPrimitives
import StrandTypes

/// Votes and ViewChanges: counting them, locking, deciding, following a higher view.
extension PBFTStateMachine {
    /// Signs a Prepare for the current proposal once it has executed.
    mutating func prepare() {
        guard let proposal, proposal.view == view, executed[proposal.hash] == true else { return }
        if journal.prepared?.view != view {
            journal.prepared = .init(view: view, blockHash: proposal.hash)
            actions.append(.persist(journal))
            vote(.prepare, blockHash: proposal.hash)
        }
        checkPrepareQuorum()
    }

    mutating func vote(_ phase: Vote.Phase, blockHash: Hash) {
        guard let index else { return }
        var vote = Vote(phase: phase, height: height, view: view, blockHash: blockHash, validator: index,
                        signature: .init(r: .zero, s: .zero, recoveryID: 0))
        vote.signature = authenticator.sign(chain.digest(of: vote))
        _ = keeper.add(vote)
        see(index, inView: view)
        say(.vote(vote), as: "\(phase)")
    }

    /// Reports the validator at `index` of this height's set (named now: the set may change
    /// before the host reads the action).
    mutating func blame(_ index: UInt32, _ reason: String) {
        guard let node = validators[index] else { return }
        actions.append(.misbehaved(validator: node, reason: reason))
    }

    mutating func say(_ message: ConsensusMessage, as kind: String) {
        said[kind] = message
        actions.append(.broadcast(message))
    }

    mutating func receive(_ vote: Vote) {
        guard vote.view <= view + settings.viewWindow else { return }
        guard isSigned(chain.digest(of: vote), by: vote.validator, vote.signature) else {
            blame(vote.validator, "bad signature on a \(vote.phase) vote")
            return
        }
        switch keeper.add(vote) {
        case .duplicate: return
        case .equivocation:
            blame(vote.validator, "two \(vote.phase) votes in view \(vote.view)")
            return
        case .counted: break
        }
        see(vote.validator, inView: vote.view)
        switch vote.phase {
        case .prepare: checkPrepareQuorum()
        case .commit: checkDecision()
        }
    }

    /// At a quorum of Prepares for the block this validator prepared: lock it, persist, commit.
    ///
    /// Only while it holds the block: a validator restarted after preparing knows the hash alone,
    /// and a lock without its block could bind every later leader to a block none of them has
    /// (the simulator found a chain stuck so). It locks once the proposal reaches it again.
    mutating func checkPrepareQuorum() {
        guard let prepared = journal.prepared, prepared.view == view, journal.committed?.view != view,
              let block = blocks[prepared.blockHash] else { return }
        let prepares = keeper.votes(.prepare, view: view, blockHash: prepared.blockHash)
        guard prepares.count >= quorum else { return }
        journal.lock = PreparedCertificate(height: height, view: view, blockHash: prepared.blockHash, prepares: Array(prepares.prefix(quorum)))
        journal.lockedBlock = block
        journal.committed = .init(view: view, blockHash: prepared.blockHash)
        actions.append(.persist(journal))
        vote(.commit, blockHash: prepared.blockHash)
        checkDecision()
    }

    /// At a quorum of Commits for a block (in any view): the block is decided.
    mutating func checkDecision() {
        guard let (decidedView, hash) = keeper.decision(quorum: quorum), let block = blocks[hash] else { return }
        switch executed[hash] {
        case true?: break
        case false?: return
        case nil:
            if executing.insert(hash).inserted { actions.append(.execute(block)) }
            return
        }
        let commits = keeper.votes(.commit, view: decidedView, blockHash: hash).prefix(quorum)
        let seal = BlockSeal(view: decidedView, signatures: commits.map { BlockSeal.Signature(validatorIndex: $0.validator, signature: $0.signature) })
        actions.append(.commit(block, seal))
        awaitValidators()
    }

    mutating func receive(_ change: ViewChange) {
        switch check(change) {
        case .failure(let fault):
            blame(change.validator, fault.reason)
            return
        case .success: break
        }
        guard keeper.add(change.withoutBlock) else { return }
        see(change.validator, inView: change.view)
        if let lock = change.lock, let block = change.lockedBlock, blocks[lock.blockHash] == nil, block.hash == lock.blockHash {
            blocks[lock.blockHash] = block
        }
        // f + 1 validators beyond this view: at least one honest one is there, so follow.
        if let asked = keeper.viewAskedBy(atLeast: validators.faultTolerance + 1), asked > view {
            changeView(to: asked)
        } else if change.view == view {
            proposeIfLeader()
        }
    }
}
