import StrandByzantine
import StrandConsensus
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTypes

/// A block the simulator "executed": no transactions, so nothing but the block to keep.
struct SimulatedExecution: ExecutedProposal {
    var block: Block
    var executionMicros: UInt64 { 0 }
}

/// One node instance in the simulator (a validator, or a spare that observes until a
/// reconfiguration adds it): the shipped `PBFTHost` over a stand-in chain, with
/// what survives a crash (its journal, its chain) and how it fails, if it does. It is the host's
/// chain, journal and observer; its messenger is the simulated wire, behind a `ByzantineMessenger`
/// when it lies.
final class SimulatedReplica: ConsensusChain, ConsensusJournalStore, PBFTObserver {
    let endpoint: Int
    /// Which node it is: validators first, then spares (twins share one).
    let identity: Int
    let nodeID: NodeID
    let behaviour: SimulationScenario.Byzantine?
    let authenticator: SimulatedAuthenticator
    unowned let simulator: ConsensusSimulator
    /// nil while crashed.
    var host: PBFTHost<SimulatedReplica>?
    var messenger: (any PeerMessenger)!
    /// Committed blocks, the genesis first.
    var chain: [Block]
    /// The validators in force after each committed block: `validatorSets[h]` decides height h + 1.
    var validatorSets: [ValidatorSet]
    var journal: PBFTJournal?
    /// Bumped on every crash, so that work started before it is not delivered after.
    var incarnation = 0
    /// Bumped whenever the host is woken; a wake-up scheduled before is then stale.
    var wakeGeneration = 0
    var syncRequestedAt: Duration?
    var random: SeededGenerator

    init(endpoint: Int, identity: Int, nodeID: NodeID, behaviour: SimulationScenario.Byzantine?, authenticator: SimulatedAuthenticator,
         simulator: ConsensusSimulator, genesis: Block, random: SeededGenerator) {
        self.endpoint = endpoint
        self.identity = identity
        self.nodeID = nodeID
        self.behaviour = behaviour
        self.authenticator = authenticator
        self.simulator = simulator
        chain = [genesis]
        validatorSets = [simulator.chainConfig.genesisValidators]
        self.random = random
    }

    var isHonest: Bool { behaviour == nil }
    var isUp: Bool { host != nil }
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

    // MARK: ConsensusChain

    var tip: ConsensusTip? {
        var validators = validatorSets[chain.count - 1]
        if behaviour == .ignoresRemoval, !validators.contains(nodeID),
           let last = validatorSets.last(where: { $0.contains(nodeID) }) {
            validators = last  // as if its removal had not happened
        }
        return ConsensusTip(height: chainHeight, nextValidators: validators)
    }
    /// A pool with work until the scenario's target height is reached.
    var pendingTransactions: (count: Int, fillsBlock: Bool) { (chainHeight < simulator.scenario.targetHeight ? 1 : 0, false) }
    var consensusTimeout: Duration? { nil }

    /// Random contents, so that two leaders (or twins) never build the same block, and the
    /// validator set changes the scenario has for this height.
    func build(height: UInt64) -> SimulatedExecution? {
        let tip = chain[chain.count - 1].header
        guard height == tip.number + 1, pendingTransactions.count > 0 else { return nil }
        let extraData = random.bytes(8) + simulator.encodedReconfiguration(at: height)
        let header = BlockHeader(parentHash: tip.hash, number: height, timestamp: tip.timestamp + 1, sealer: .zero,
                                 transactionsRoot: .zero, receiptsRoot: .zero, stateRoot: Self.stateRoot(after: tip, extraData: extraData),
                                 gasUsed: 0, gasLimit: 1, extraData: extraData)
        return SimulatedExecution(block: Block(header: header, transactions: []))
    }

    /// Answers at once or, as often, a few milliseconds later (`.later`), so that both of the
    /// host's paths run and messages interleave with execution.
    func execute(_ block: Block) -> ExecutionVerdict<SimulatedExecution> {
        if block.number <= chainHeight { return .chainAdvanced }
        guard block.number == chainHeight + 1 else { return .unavailable }
        let verdict: ExecutionVerdict<SimulatedExecution> = executes(block)
            ? .valid(SimulatedExecution(block: block)) : .invalid(reason: "does not execute to its header")
        guard simulator.coinFlip() else { return verdict }
        simulator.deliverExecution(block, verdict: verdict, to: self, after: .milliseconds(Int(simulator.draw(1...10))))
        return .later
    }

    func append(_ executed: SimulatedExecution, seal: BlockSeal) -> Bool {
        var block = executed.block
        block.header.seal = seal
        guard authenticator.sealIsValid(block.header, validators: validatorSets[chain.count - 1], chain: simulator.chainConfig) || !isHonest else {
            simulator.fail("endpoint \(endpoint) committed block \(block.number) with a seal that does not verify")
            return false
        }
        guard block.number == chainHeight + 1, executes(block) else {
            if isHonest { simulator.fail("endpoint \(endpoint) decided block \(block.number) that does not extend its chain at \(chainHeight)") }
            return false
        }
        simulator.append(block, at: self, how: "decided")
        return true
    }

    // MARK: ConsensusJournalStore, PBFTObserver

    func write(_ journal: PBFTJournal) throws {
        self.journal = journal
    }

    func observe(_ event: PBFTHostEvent) {
        switch event {
        case .misbehaved(let validator, let reason): simulator.accused(validator, by: self, reason: reason)
        case .messageSent(let message):
            // Said at a height whose validators (as its chain knows them) do not include it.
            let height = Int(message.height)
            if height >= 1, height - 1 < validatorSets.count, !validatorSets[height - 1].contains(nodeID) {
                simulator.messagesFromOutsiders += 1
            }
        default: break
        }
    }
}
