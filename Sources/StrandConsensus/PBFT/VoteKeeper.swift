import StrandPrimitives

/// The votes and ViewChanges of one height, counted per (phase, view, block). Each validator
/// counts once per phase and view: a second, different vote is equivocation, reported and
/// not counted. Each validator's ViewChange is kept only at its highest view, so a flood of
/// ever higher views costs one entry.
struct VoteKeeper {
    private struct Slot: Hashable {
        var phase: Vote.Phase
        var view: UInt64
    }

    enum Outcome: Equatable {
        case counted
        case duplicate
        /// The validator already voted for another block in this phase and view.
        case equivocation
    }

    private var bySlot: [Slot: [UInt32: Vote]] = [:]
    private(set) var viewChanges: [UInt32: ViewChange] = [:]

    mutating func add(_ vote: Vote) -> Outcome {
        let slot = Slot(phase: vote.phase, view: vote.view)
        if let earlier = bySlot[slot]?[vote.validator] {
            return earlier.blockHash == vote.blockHash ? .duplicate : .equivocation
        }
        bySlot[slot, default: [:]][vote.validator] = vote
        return .counted
    }

    /// The votes of `phase` for `blockHash` in `view`, lowest validator first.
    func votes(_ phase: Vote.Phase, view: UInt64, blockHash: Hash) -> [Vote] {
        (bySlot[Slot(phase: phase, view: view)] ?? [:]).values.filter { $0.blockHash == blockHash }.sorted { $0.validator < $1.validator }
    }

    /// A block that `quorum` validators voted to commit, in any view (the lowest, if several):
    /// the decision.
    func decision(quorum: Int) -> (view: UInt64, blockHash: Hash)? {
        let slots = bySlot.filter { $0.key.phase == .commit && $0.value.count >= quorum }.sorted { $0.key.view < $1.key.view }
        for (slot, votes) in slots {
            var tally: [Hash: Int] = [:]
            for vote in votes.values { tally[vote.blockHash, default: 0] += 1 }
            if let (hash, _) = tally.first(where: { $0.value >= quorum }) { return (slot.view, hash) }
        }
        return nil
    }

    /// Keeps `change` if it is its sender's highest so far.
    mutating func add(_ change: ViewChange) -> Bool {
        if let earlier = viewChanges[change.validator], earlier.view >= change.view { return false }
        viewChanges[change.validator] = change
        return true
    }

    /// The ViewChanges for exactly `view`, lowest validator first.
    func viewChanges(for view: UInt64) -> [ViewChange] {
        viewChanges.values.filter { $0.view == view }.sorted { $0.validator < $1.validator }
    }

    /// The highest view that at least `count` validators asked for (each at its highest):
    /// one honest validator among `f + 1` is in it, so it is safe to follow.
    func viewAskedBy(atLeast count: Int) -> UInt64? {
        let views = viewChanges.values.map(\.view).sorted(by: >)
        return views.count >= count ? views[count - 1] : nil
    }
}
