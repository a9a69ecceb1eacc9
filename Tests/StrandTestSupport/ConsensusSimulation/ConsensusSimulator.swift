import StrandByzantine
import StrandConsensus
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTypes

/// Runs every node's shipped `PBFTHost` (and so its state machine) on a simulated clock and
/// network that a seed's `SimulationScenario` makes hostile, with validator sets that its
/// reconfigurations change as blocks carry them, and checks on every run that no two honest
/// nodes commit different blocks at a height, that every committed seal holds a quorum of valid
/// signatures of its height's validators, that no honest validator is accused, and that once the
/// network heals every honest node reaches the target height within the bound.
public final class ConsensusSimulator {
    public struct Outcome: Sendable {
        public var scenario: SimulationScenario
        /// Why the run failed a property; nil when it passed.
        public var failure: String?
        public var heights: [UInt64]
        public var messagesSent: Int
        public var viewChanges: UInt64
        public var misbehaviourReports: Int
        /// Consensus messages a node sent at a height whose set does not include it.
        public var messagesFromOutsiders: Int
        public var finishedAt: Duration
    }

    /// What travels on the simulated wire: the network's messages, and a minimal sync of its own.
    enum Message {
        case network(NetworkMessage)
        case status(height: UInt64)
        case getBlocks(from: UInt64)
        case blocks([Block])
    }

    enum Event {
        case deliver(to: Int, from: Int, Message)
        case wake(Int, generation: Int)
        case executed(Int, incarnation: Int, Block, ExecutionVerdict<SimulatedExecution>)
        case statusTick(Int)
        case crash(Int, restartAt: Duration?)
        case restart(Int)
        case flood(Int)
    }

    let scenario: SimulationScenario
    let chainConfig: ChainConfig
    /// Every node's identity: the genesis validators, then the spares.
    let nodeIDs: [NodeID]
    let settings: PBFTSettings
    /// The leader's sealing policy: a block as soon as one transaction is ready.
    let policy = SealingPolicy(maxBlockTransactions: 1)
    var replicas: [SimulatedReplica] = []
    var queue = EventQueue<Event>()
    var random: SeededGenerator
    var now: Duration = .zero
    var committed: [UInt64: Hash] = [:]
    var failure: String?
    var messagesSent = 0
    var viewChanges: UInt64 = 0
    var misbehaviourReports = 0
    var messagesFromOutsiders = 0
    static let eventBudget = 3_000_000
    nonisolated(unsafe) public static var trace = false

    public static func run(_ scenario: SimulationScenario) -> Outcome {
        let simulator = ConsensusSimulator(scenario: scenario)
        defer { simulator.tearDown() }
        return simulator.run()
    }

    init(scenario: SimulationScenario) {
        self.scenario = scenario
        random = SeededGenerator(seed: scenario.seed ^ 0x5EED_5EED)
        var secrets: [NodeID: Hash] = [:]
        var ids: [NodeID] = []
        for index in 0..<scenario.validators + scenario.spares {
            var generator = SeededGenerator(seed: scenario.seed &+ UInt64(index) &* 7919)
            let secret = Hash(generator.bytes(32))!
            ids.append(try! NodeID(generator.bytes(64)))
            secrets[ids[index]] = secret
        }
        nodeIDs = ids
        chainConfig = ChainConfig(chainID: 20_260, validators: Array(ids.prefix(scenario.validators)), consensusTimeoutMilliseconds: 1_000)
        settings = PBFTSettings(baseTimeout: .seconds(1), maxTimeout: .seconds(20))
        let genesis = Block(header: BlockHeader(parentHash: .zero, number: 0, timestamp: 0, sealer: .zero, transactionsRoot: .zero,
                                                receiptsRoot: .zero, stateRoot: Keccak256.hash([1]), gasUsed: 0, gasLimit: 1),
                            transactions: [])
        var endpoints: [(Int, SimulationScenario.Byzantine?)] = (0..<scenario.validators).map { ($0, scenario.byzantine[$0]) }
        for twin in scenario.byzantine.filter({ $0.value == .twins }).keys.sorted() { endpoints.append((twin, .twins)) }
        for spare in scenario.validators..<scenario.validators + scenario.spares { endpoints.append((spare, nil)) }
        for (endpoint, (identity, behaviour)) in endpoints.enumerated() {
            let authenticator = SimulatedAuthenticator(secrets: secrets, node: ids[identity])
            let replica = SimulatedReplica(
                endpoint: endpoint, identity: identity, nodeID: ids[identity], behaviour: behaviour, authenticator: authenticator,
                simulator: self, genesis: genesis, random: SeededGenerator(seed: scenario.seed &* 31 &+ UInt64(endpoint)))
            let links = SimulatedLinks(simulator: self, endpoint: endpoint)
            if case .lies(let lie)? = behaviour {
                replica.messenger = ByzantineMessenger(wrapping: links, behaviour: lie, chain: chainConfig, authenticator: authenticator,
                                                       index: UInt32(identity))
            } else {
                replica.messenger = links
            }
            replicas.append(replica)
        }
    }

    /// Hosts hold their replica (as their chain) and replicas their host.
    func tearDown() {
        for replica in replicas { replica.host = nil }
    }

    func run() -> Outcome {
        for endpoint in replicas.indices {
            queue.push(.restart(endpoint), at: .milliseconds(Int(draw(0...5))))
            queue.push(.statusTick(endpoint), at: .milliseconds(Int(draw(0...1_000))))
            switch replicas[endpoint].behaviour {
            case .crashed?: queue.push(.crash(endpoint, restartAt: nil), at: .milliseconds(Int(draw(0...5_000))))
            case .lies(.hugeViews)?: queue.push(.flood(endpoint), at: .milliseconds(300))
            default: break
            }
        }
        for crash in scenario.crashes { queue.push(.crash(crash.endpoint, restartAt: crash.restartAt), at: crash.at) }
        let deadline = scenario.healsAt + scenario.livenessBound
        var events = 0
        while failure == nil, let (time, event) = queue.pop() {
            now = time
            if now > deadline {
                failure = "liveness: honest heights \(honestHeights) below \(scenario.targetHeight) at \(deadline) (\(scenario.livenessBound) after healing)"
                break
            }
            events += 1
            if events > Self.eventBudget {
                failure = "event budget exhausted at \(now): a message storm?"
                break
            }
            handle(event)
            if honestHeights.allSatisfy({ $0 >= scenario.targetHeight }) && honestReplicasAreUp { break }
        }
        if failure == nil, !honestHeights.allSatisfy({ $0 >= scenario.targetHeight }) {
            failure = "liveness: the simulation ran dry at \(now) with honest heights \(honestHeights)"
        }
        if failure != nil { failure! += "; replicas: " + replicas.map(Self.describe).joined(separator: "; ") }
        return Outcome(scenario: scenario, failure: failure, heights: replicas.map(\.chainHeight), messagesSent: messagesSent,
                       viewChanges: viewChanges + replicas.compactMap(\.host?.machine.viewChanges).reduce(0, +),
                       misbehaviourReports: misbehaviourReports, messagesFromOutsiders: messagesFromOutsiders, finishedAt: now)
    }

    static func describe(_ replica: SimulatedReplica) -> String {
        guard let machine = replica.host?.machine else { return "\(replica.endpoint) down" }
        let journal = machine.journal
        func short(_ record: PBFTJournal.VoteRecord?) -> String { record.map { "v\($0.view):\($0.blockHash.description.prefix(6))" } ?? "-" }
        return "\(replica.endpoint) h\(machine.height) v\(machine.view) prepared \(short(journal.prepared)) committed \(short(journal.committed)) lock \(journal.lock.map { "v\($0.view):\($0.blockHash.description.prefix(6))" } ?? "-")"
    }

    var honestHeights: [UInt64] { replicas.filter(\.isHonest).map(\.chainHeight) }
    var honestReplicasAreUp: Bool { replicas.filter(\.isHonest).allSatisfy(\.isUp) }

    // MARK: Events

    func handle(_ event: Event) {
        switch event {
        case .deliver(let to, let from, let message):
            guard replicas[to].isUp else { return }
            receive(message, at: replicas[to], from: replicas[from])
        case .wake(let endpoint, let generation):
            guard replicas[endpoint].wakeGeneration == generation else { return }
            settle(replicas[endpoint])
        case .executed(let endpoint, let incarnation, let block, let verdict):
            let replica = replicas[endpoint]
            guard replica.incarnation == incarnation, let host = replica.host else { return }
            host.executed(block, verdict: verdict)
            settle(replica)
        case .statusTick(let endpoint):
            queue.push(.statusTick(endpoint), at: now + .seconds(1))
            guard replicas[endpoint].isUp else { return }
            broadcast(.status(height: replicas[endpoint].chainHeight), from: endpoint)
        case .crash(let endpoint, let restartAt):
            let replica = replicas[endpoint]
            if let host = replica.host { viewChanges += host.machine.viewChanges }
            replica.host = nil
            replica.incarnation += 1
            replica.wakeGeneration += 1
            replica.syncRequestedAt = nil
            if let restartAt { queue.push(.restart(endpoint), at: restartAt) }
        case .restart(let endpoint):
            let replica = replicas[endpoint]
            let machine = PBFTStateMachine(chain: chainConfig, node: replica.nodeID, authenticator: replica.authenticator,
                                           settings: settings, chainHeight: replica.chainHeight,
                                           validators: replica.validatorSets[replica.chain.count - 1], journal: replica.journal)
            let host = PBFTHost(machine: machine, chain: replica, messenger: replica.messenger, journal: replica, policy: policy,
                                observer: replica, clock: { [unowned self] in now })
            replica.host = host
            host.start()
            settle(replica)
        case .flood(let endpoint):
            queue.push(.flood(endpoint), at: now + .milliseconds(300))
            guard replicas[endpoint].isUp else { return }
            (replicas[endpoint].messenger as? ByzantineMessenger)?.flood()
        }
    }

    /// Lets the host do what is due now and schedules its next wake-up, as the node's driver
    /// loop does after every input.
    func settle(_ replica: SimulatedReplica) {
        guard let host = replica.host else { return }
        let before = (host.machine.height, host.machine.view)
        let wait = host.poll()
        if Self.trace, (host.machine.height, host.machine.view) != before {
            print("\(now) e\(replica.endpoint) h\(host.machine.height) v\(host.machine.view)")
        }
        replica.wakeGeneration += 1
        if let wait { queue.push(.wake(replica.endpoint, generation: replica.wakeGeneration), at: now + wait) }
    }

    func receive(_ message: Message, at replica: SimulatedReplica, from sender: SimulatedReplica) {
        switch message {
        case .network(.subprotocol(let carried)):
            guard let host = replica.host else { return }
            host.receive(carried, from: sender.nodeID)
            settle(replica)
        case .network:
            return
        case .status(let height):
            guard height > replica.chainHeight else { return }
            if let asked = replica.syncRequestedAt, now - asked < .seconds(2) { return }
            replica.syncRequestedAt = now
            send(.getBlocks(from: replica.chainHeight + 1), from: replica.endpoint, to: sender.endpoint)
        case .getBlocks(let from):
            let chain = replica.chain
            guard from < UInt64(chain.count) else { return }
            send(.blocks(Array(chain[Int(from)..<min(chain.count, Int(from) + 16)])), from: replica.endpoint, to: sender.endpoint)
        case .blocks(let blocks):
            replica.syncRequestedAt = nil
            for block in blocks {
                guard block.number == replica.chainHeight + 1, replica.executes(block),
                      replica.authenticator.sealIsValid(block.header, validators: replica.validatorSets[replica.chain.count - 1],
                                                        chain: chainConfig) else { continue }
                append(block, at: replica, how: "synced")
                replica.host?.chainAdvanced()
            }
            settle(replica)
        }
    }

    // MARK: What replicas report

    /// Records a commit and checks agreement with every other honest validator.
    func append(_ block: Block, at replica: SimulatedReplica, how: String) {
        replica.chain.append(block)
        replica.validatorSets.append(applyingReconfiguration(in: block, to: replica.validatorSets[replica.validatorSets.count - 1]))
        guard replica.isHonest else { return }
        let hash = block.hash
        if let other = committed[block.number], other != hash {
            fail("safety: endpoint \(replica.endpoint) \(how) block \(block.number) \(hash), another honest validator committed \(other)")
        }
        committed[block.number] = hash
    }

    func accused(_ validator: NodeID, by replica: SimulatedReplica, reason: String) {
        misbehaviourReports += 1
        // A liar's host may judge by a set it made up (ignores-removal): only honest judges count.
        guard replica.isHonest else { return }
        let accused = replicas.filter { $0.nodeID == validator }
        if accused.allSatisfy(\.isHonest) {
            fail("endpoint \(replica.endpoint) accused honest node \(accused.first?.identity ?? -1): \(reason)")
        }
    }

    // MARK: Reconfiguration

    /// The changes the scenario has for `height`, as a block's extra data carries them after its
    /// eight random bytes: an opcode (1 add, 2 remove) and a node's identity each.
    func encodedReconfiguration(at height: UInt64) -> [UInt8] {
        guard let reconfiguration = scenario.reconfigurations.first(where: { $0.height == height }) else { return [] }
        return reconfiguration.changes.flatMap { change -> [UInt8] in
            switch change {
            case .add(let node): [1, UInt8(node)]
            case .remove(let node): [2, UInt8(node)]
            }
        }
    }

    /// The set after `block`, as every node derives it from the block alone: its stand-in for the
    /// Consensus contract's state. An add appends, a remove keeps the others' order.
    func applyingReconfiguration(in block: Block, to validators: ValidatorSet) -> ValidatorSet {
        let bytes = block.header.extraData.dropFirst(8)
        var members = validators.members
        var position = bytes.startIndex
        while position + 1 < bytes.endIndex {
            let node = Int(bytes[position + 1])
            if node < nodeIDs.count {
                let id = nodeIDs[node]
                switch bytes[position] {
                case 1 where !members.contains(id): members.append(id)
                case 2 where members.count > 1: members.removeAll { $0 == id }
                default: break
                }
            }
            position += 2
        }
        return ValidatorSet(members)
    }

    func deliverExecution(_ block: Block, verdict: ExecutionVerdict<SimulatedExecution>, to replica: SimulatedReplica, after delay: Duration) {
        queue.push(.executed(replica.endpoint, incarnation: replica.incarnation, block, verdict), at: now + delay)
    }

    func fail(_ reason: String) {
        if failure == nil { failure = reason }
    }

    func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    func coinFlip() -> Bool { Bool.random(using: &random) }

    // MARK: The wire

    func broadcast(_ message: Message, from endpoint: Int) {
        for other in replicas.indices where other != endpoint { send(message, from: endpoint, to: other) }
    }

    /// Puts `message` on the simulated wire: lost across a partition or at random before the
    /// network heals, sometimes duplicated, delayed by the scenario's latency and jitter.
    func send(_ message: Message, from: Int, to: Int) {
        messagesSent += 1
        if now < scenario.healsAt {
            for partition in scenario.partitions where partition.from <= now && now < partition.until {
                if partition.side.contains(from) != partition.side.contains(to) { return }
            }
            if Double.random(in: 0..<1, using: &random) < scenario.dropRate { return }
        }
        let copies = Double.random(in: 0..<1, using: &random) < scenario.duplicateRate ? 2 : 1
        for _ in 0..<copies {
            let jitter = scenario.jitter == .zero ? Duration.zero
                : .microseconds(Int64(UInt64.random(in: 0...scenario.jitter.microseconds, using: &random)))
            queue.push(.deliver(to: to, from: from, message), at: now + scenario.minimumDelay + jitter)
        }
    }
}
