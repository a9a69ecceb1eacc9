import StrandConsensus
import StrandPrimitives
import StrandTypes

/// One validator instance in the simulator: the production state machine, what it has
/// persisted (its journal and its chain survive a crash), and how it misbehaves, if it does.
struct SimulatedReplica {
    let endpoint: Int
    let index: UInt32
    let behaviour: SimulationScenario.Byzantine?
    let authenticator: SimulatedAuthenticator
    /// nil while crashed.
    var machine: PBFTStateMachine?
    /// Committed blocks, the genesis first.
    var chain: [Block]
    var journal: PBFTJournal?
    /// Bumped on every crash, so that work started before it is not delivered after.
    var incarnation = 0
    /// Bumped whenever the timer is set or cancelled; a firing of an older timer is ignored.
    var timerGeneration = 0
    var syncRequestedAt: Duration?
    var random: SeededGenerator

    var isHonest: Bool { behaviour == nil }
    var isUp: Bool { machine != nil }
    var chainHeight: UInt64 { UInt64(chain.count - 1) }

    /// The state root an honest execution of a block with `extraData` gives on `parent`:
    /// the simulator's stand-in for running transactions.
    static func stateRoot(after parent: BlockHeader, extraData: [UInt8]) -> Hash {
        Keccak256.hash(parent.stateRoot.bytes + extraData)
    }

    /// Whether `block` checks and executes on this replica's tip, as `BlockImporter` would say.
    func executes(_ block: Block) -> Bool {
        let tip = chain[chain.count - 1].header
        return block.number == tip.number + 1 && block.header.parentHash == tip.hash
            && block.header.stateRoot == Self.stateRoot(after: tip, extraData: block.header.extraData)
    }

    /// A block from this replica's "pool" on its tip: random contents, so that two leaders
    /// (or twins) never build the same block.
    mutating func build(height: UInt64) -> Block? {
        let tip = chain[chain.count - 1].header
        guard height == tip.number + 1 else { return nil }
        let extraData = random.bytes(8)
        var stateRoot = Self.stateRoot(after: tip, extraData: extraData)
        if behaviour == .badStateRoot { stateRoot = Hash(random.bytes(32))! }
        let header = BlockHeader(parentHash: tip.hash, number: height, timestamp: tip.timestamp + 1, sealer: .zero,
                                 transactionsRoot: .zero, receiptsRoot: .zero, stateRoot: stateRoot, gasUsed: 0, gasLimit: 1,
                                 extraData: extraData)
        return Block(header: header, transactions: [])
    }
}
