/// How a faulty validator lies. Its honest PBFT host runs unchanged; a `ByzantineMessenger`
/// bends what it sends on the way out. Fault tests on real processes (`strand-dev node`) and the
/// consensus simulator use the same behaviours through the same proxy.
public enum ByzantineBehaviour: String, CaseIterable, Sendable {
    /// As leader, proposes two blocks (the second a millisecond later) to the two halves of its peers.
    case equivocate = "equivocate"
    /// As leader, proposes blocks whose header claims a wrong state root.
    case badStateRoot = "bad-state-root"
    /// Sends no votes and no view changes.
    case withholdVotes = "withhold-votes"
    /// Besides each of its votes, votes for a block that does not exist.
    case votesForUnknownBlocks = "votes-for-unknown-blocks"
    /// Floods view changes for views far ahead (`ByzantineMessenger.flood()`).
    case hugeViews = "huge-views"
}
