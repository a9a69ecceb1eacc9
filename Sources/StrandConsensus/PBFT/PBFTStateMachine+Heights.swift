import StrandCrypto
import StrandPrimitives
import StrandTypes

/// Heights and views: entering them, waiting for a height's validators, leaving a view on timeout.
extension PBFTStateMachine {
    /// The block at `height` is decided: its successor's validators are read from the chain
    /// once the host has appended it, and nothing happens until then.
    mutating func awaitValidators() {
        resetHeight(height + 1)
        awaitingValidators = true
        // Silent until then: no timer, no view change, no vote under an index that may be stale.
        index = nil
    }

    mutating func enterHeight(_ next: UInt64, validators: ValidatorSet) {
        resetHeight(next)
        awaitingValidators = false
        self.validators = validators
        index = validators.index(of: node).map(UInt32.init)
        enterView()
        // Messages that came early for this height, now in order of arrival.
        let early = future.filter { $0.message.height == next }
        future.removeAll { $0.message.height <= next }
        for (message, peer) in early { receive(message, from: peer) }
    }

    mutating func resetHeight(_ next: UInt64) {
        height = next
        view = 0
        viewChanges = 0
        journal = PBFTJournal(height: next)
        keeper = VoteKeeper()
        said = [:]
        seenView = [:]
        proposal = nil
        blocks = [:]
        executed = [:]
        executing = []
        awaitingBuild = false
        if timerDeadline != nil { actions.append(.cancelTimer) }
        timerDeadline = nil
    }

    /// The view has just been entered (or the machine started in it).
    mutating func enterView() {
        if let index { see(index, inView: view) }
        awaitingBuild = false
        if proposal?.view != view { proposal = nil }
        timerDeadline = nil
        updateTimer()
        proposeIfLeader()
    }

    /// A view past 0 that a quorum never reached is not left for the next: a validator
    /// that ran ahead would otherwise stay one view ahead of the rest for good (each
    /// arriving where it just left). It says its ViewChange again and waits for the others.
    mutating func timedOut() {
        guard view == 0 || seenView.values.count(where: { $0 >= view }) >= quorum else {
            if let change = said["viewchange"] { actions.append(.broadcast(change)) }
            updateTimer()
            return
        }
        changeView(to: view + 1)
    }

    /// Leaves for `next` after sending (and first persisting) a ViewChange with the lock.
    mutating func changeView(to next: UInt64) {
        guard next > view, isValidator else { return }
        view = next
        viewChanges += 1
        journal.view = next
        actions.append(.persist(journal))
        sayViewChange()
        enterView()
    }

    /// Signs and sends a ViewChange for the current view with the lock: every validator in a
    /// view past 0 has said so, however it got there, so that the others can count it.
    mutating func sayViewChange() {
        guard let index else { return }
        var change = ViewChange(height: height, view: view, lock: journal.lock, lockedBlock: journal.lockedBlock, validator: index,
                                signature: .init(r: .zero, s: .zero, recoveryID: 0))
        change.signature = authenticator.sign(chain.digest(of: change))
        _ = keeper.add(change)
        see(index, inView: view)
        say(.viewChange(change), as: "viewchange")
    }

    /// Records that `validator` has been seen at `view` or later at this height.
    mutating func see(_ validator: UInt32, inView view: UInt64) {
        if view > seenView[validator, default: 0] { seenView[validator] = view }
    }

    /// The timer runs while there is something to decide: ready transactions, a proposal, a
    /// view change under way or a vote given. An idle chain sets no timer and changes no view.
    mutating func updateTimer() {
        let needed = isValidator && (workPending || proposal != nil || view > 0 || journal.prepared != nil)
        if needed, timerDeadline == nil {
            let deadline = now + settings.timeout(ofView: view)
            timerDeadline = deadline
            actions.append(.setTimer(at: deadline))
        } else if !needed, timerDeadline != nil {
            timerDeadline = nil
            actions.append(.cancelTimer)
        }
    }
}
