import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandTypes

/// Runs the production PBFT state machine of every validator on a simulated clock and
/// network that a seed's `SimulationScenario` makes hostile, and checks on every run that
/// no two honest validators commit different blocks at a height, that every committed seal
/// holds a quorum of valid signatures, and that once the network heals every honest
/// validator reaches the target height within the bound.
public struct ConsensusSimulator {
    public struct Outcome: Sendable {
        public var scenario: SimulationScenario
        /// Why the run failed a property; nil when it passed.
        public var failure: String?
        public var heights: [UInt64]
        public var messagesSent: Int
        public var viewChanges: UInt64
        public var misbehaviourReports: Int
        public var finishedAt: Duration
    }

    enum Message {
        case consensus([UInt8])
        case status(height: UInt64)
        case getBlocks(from: UInt64)
        case blocks([Block])
    }

    enum Event {
        case deliver(to: Int, from: Int, Message)
        case timer(Int, generation: Int)
        case executed(Int, incarnation: Int, Hash, Bool)
        case built(Int, incarnation: Int, Block)
        case statusTick(Int)
        case crash(Int, restartAt: Duration?)
        case restart(Int)
        case flood(Int)
    }

    let scenario: SimulationScenario
    let chainConfig: ChainConfig
    let settings: PBFTSettings
    var replicas: [SimulatedReplica] = []
    var queue = EventQueue<Event>()
    var random: SeededGenerator
    var now: Duration = .zero
    var committed: [UInt64: Hash] = [:]
    var failure: String?
    var messagesSent = 0
    var viewChanges: UInt64 = 0
    var misbehaviourReports = 0
    static let eventBudget = 3_000_000
    nonisolated(unsafe) public static var trace = false

    public static func run(_ scenario: SimulationScenario) -> Outcome {
        var simulator = ConsensusSimulator(scenario: scenario)
        return simulator.run()
    }

    init(scenario: SimulationScenario) {
        self.scenario = scenario
        random = SeededGenerator(seed: scenario.seed ^ 0x5EED_5EED)
        var keys: [Hash] = []
        var ids: [NodeID] = []
        for index in 0..<scenario.validators {
            var generator = SeededGenerator(seed: scenario.seed &+ UInt64(index) &* 7919)
            keys.append(Hash(generator.bytes(32))!)
            ids.append(try! NodeID(generator.bytes(64)))
        }
        chainConfig = ChainConfig(chainID: 20_260, validators: ids, consensusTimeoutMilliseconds: 1_000)
        settings = PBFTSettings(baseTimeout: .seconds(1), maxTimeout: .seconds(20))
        let genesis = Block(header: BlockHeader(parentHash: .zero, number: 0, timestamp: 0, sealer: .zero, transactionsRoot: .zero,
                                                receiptsRoot: .zero, stateRoot: Keccak256.hash([1]), gasUsed: 0, gasLimit: 1),
                            transactions: [])
        var endpoints: [(UInt32, SimulationScenario.Byzantine?)] = (0..<scenario.validators).map { (UInt32($0), scenario.byzantine[$0]) }
        for twin in scenario.byzantine.filter({ $0.value == .twins }).keys.sorted() { endpoints.append((UInt32(twin), .twins)) }
        for (endpoint, (index, behaviour)) in endpoints.enumerated() {
            replicas.append(SimulatedReplica(
                endpoint: endpoint, index: index, behaviour: behaviour,
                authenticator: SimulatedAuthenticator(secrets: keys, index: Int(index)), machine: nil, chain: [genesis], journal: nil,
                random: SeededGenerator(seed: scenario.seed &* 31 &+ UInt64(endpoint))))
        }
    }

    mutating func run() -> Outcome {
        for endpoint in replicas.indices {
            queue.push(.restart(endpoint), at: .milliseconds(Int.random(in: 0...5, using: &random)))
            queue.push(.statusTick(endpoint), at: .milliseconds(Int.random(in: 0...1_000, using: &random)))
            switch replicas[endpoint].behaviour {
            case .crashed?: queue.push(.crash(endpoint, restartAt: nil), at: .milliseconds(Int.random(in: 0...5_000, using: &random)))
            case .hugeViews?: queue.push(.flood(endpoint), at: .milliseconds(300))
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
                       viewChanges: viewChanges + replicas.compactMap(\.machine?.viewChanges).reduce(0, +),
                       misbehaviourReports: misbehaviourReports, finishedAt: now)
    }

    static func describe(_ replica: SimulatedReplica) -> String {
        guard let machine = replica.machine else { return "\(replica.endpoint) down" }
        let journal = machine.journal
        func short(_ record: PBFTJournal.VoteRecord?) -> String { record.map { "v\($0.view):\($0.blockHash.description.prefix(6))" } ?? "-" }
        return "\(replica.endpoint) h\(machine.height) v\(machine.view) prepared \(short(journal.prepared)) committed \(short(journal.committed)) lock \(journal.lock.map { "v\($0.view):\($0.blockHash.description.prefix(6))" } ?? "-")"
    }

    var honestHeights: [UInt64] { replicas.filter(\.isHonest).map(\.chainHeight) }
    var honestReplicasAreUp: Bool { replicas.filter(\.isHonest).allSatisfy(\.isUp) }

    // MARK: Events

    mutating func handle(_ event: Event) {
        switch event {
        case .deliver(let to, let from, let message):
            guard replicas[to].isUp else { return }
            receive(message, at: to, from: from)
        case .timer(let endpoint, let generation):
            guard replicas[endpoint].isUp, replicas[endpoint].timerGeneration == generation else { return }
            feed(.timeout, to: endpoint)
        case .executed(let endpoint, let incarnation, let hash, let valid):
            guard replicas[endpoint].incarnation == incarnation else { return }
            feed(.executed(blockHash: hash, valid: valid), to: endpoint)
        case .built(let endpoint, let incarnation, let block):
            guard replicas[endpoint].incarnation == incarnation else { return }
            feed(.built(block), to: endpoint)
        case .statusTick(let endpoint):
            queue.push(.statusTick(endpoint), at: now + .seconds(1))
            guard let machine = replicas[endpoint].machine else { return }
            broadcast(.status(height: replicas[endpoint].chainHeight), from: endpoint)
            // As the node's driver does while a view change drags on.
            if machine.view > 0 { feed(.retransmit, to: endpoint) }
        case .crash(let endpoint, let restartAt):
            if let machine = replicas[endpoint].machine { viewChanges += machine.viewChanges }
            replicas[endpoint].machine = nil
            replicas[endpoint].incarnation += 1
            replicas[endpoint].timerGeneration += 1
            replicas[endpoint].syncRequestedAt = nil
            if let restartAt { queue.push(.restart(endpoint), at: restartAt) }
        case .restart(let endpoint):
            let replica = replicas[endpoint]
            var machine = PBFTStateMachine(chain: chainConfig, index: replica.index, authenticator: replica.authenticator,
                                           settings: settings, chainHeight: replica.chainHeight, journal: replica.journal)
            let actions = machine.start(now: now)
            replicas[endpoint].machine = machine
            carryOut(actions, at: endpoint)
            feed(.workPending(replica.chainHeight < scenario.targetHeight), to: endpoint)
        case .flood(let endpoint):
            queue.push(.flood(endpoint), at: now + .milliseconds(300))
            guard let machine = replicas[endpoint].machine else { return }
            var change = ViewChange(height: machine.height, view: 1_000_000 + random.next() % 1_000_000, lock: nil, lockedBlock: nil,
                                    validator: machine.index, signature: .init(r: .zero, s: .zero, recoveryID: 0))
            change.signature = replicas[endpoint].authenticator.sign(chainConfig.digest(of: change))
            broadcast(.consensus(ConsensusMessage.viewChange(change).encoded), from: endpoint)
        }
    }

    mutating func feed(_ event: PBFTEvent, to endpoint: Int) {
        guard var machine = replicas[endpoint].machine else { return }
        let before = machine.view
        let actions = machine.handle(event, now: now)
        let isTimeout = if case .timeout = event { true } else { false }
        if Self.trace, machine.view != before || machine.height != replicas[endpoint].machine!.height || isTimeout {
            print("\(now) e\(endpoint) h\(machine.height) v\(before)->\(machine.view) on \(event)".prefix(200))
        }
        replicas[endpoint].machine = machine
        carryOut(actions, at: endpoint)
    }

    mutating func receive(_ message: Message, at endpoint: Int, from sender: Int) {
        switch message {
        case .consensus(let bytes):
            let decoded: ConsensusMessage
            do { decoded = try ConsensusMessage.decode(bytes) } catch {
                failure = "the wire codec refused its own message: \(error)"
                return
            }
            feed(.message(decoded), to: endpoint)
        case .status(let height):
            let replica = replicas[endpoint]
            guard height > replica.chainHeight else { return }
            if let asked = replica.syncRequestedAt, now - asked < .seconds(2) { return }
            replicas[endpoint].syncRequestedAt = now
            send(.getBlocks(from: replica.chainHeight + 1), from: endpoint, to: sender)
        case .getBlocks(let from):
            let chain = replicas[endpoint].chain
            guard from < UInt64(chain.count) else { return }
            send(.blocks(Array(chain[Int(from)..<min(chain.count, Int(from) + 16)])), from: endpoint, to: sender)
        case .blocks(let blocks):
            replicas[endpoint].syncRequestedAt = nil
            for block in blocks {
                let replica = replicas[endpoint]
                guard block.number == replica.chainHeight + 1, replica.executes(block),
                      replica.authenticator.sealIsValid(block.header, chain: chainConfig) else { continue }
                append(block, at: endpoint, how: "synced")
                feed(.chainAdvanced(to: block.number), to: endpoint)
                if replicas[endpoint].chainHeight >= scenario.targetHeight { feed(.workPending(false), to: endpoint) }
            }
        }
    }

    // MARK: Actions

    mutating func carryOut(_ actions: [PBFTAction], at endpoint: Int) {
        for action in actions {
            switch action {
            case .persist(let journal):
                replicas[endpoint].journal = journal
            case .broadcast(let message):
                broadcastAsByzantine(message, from: endpoint)
            case .execute(let block):
                let valid = replicas[endpoint].executes(block)
                queue.push(.executed(endpoint, incarnation: replicas[endpoint].incarnation, block.hash, valid),
                           at: now + .milliseconds(Int.random(in: 1...10, using: &random)))
            case .build(let height, _):
                guard replicas[endpoint].chainHeight < scenario.targetHeight, let block = replicas[endpoint].build(height: height) else { continue }
                queue.push(.built(endpoint, incarnation: replicas[endpoint].incarnation, block),
                           at: now + .milliseconds(Int.random(in: 1...5, using: &random)))
            case .commit(var block, let seal):
                block.header.seal = seal
                guard replicas[endpoint].authenticator.sealIsValid(block.header, chain: chainConfig) || !replicas[endpoint].isHonest else {
                    failure = "endpoint \(endpoint) committed block \(block.number) with a seal that does not verify"
                    return
                }
                guard block.number == replicas[endpoint].chainHeight + 1, replicas[endpoint].executes(block) else {
                    if replicas[endpoint].isHonest {
                        failure = "endpoint \(endpoint) decided block \(block.number) that does not extend its chain at \(replicas[endpoint].chainHeight)"
                    }
                    return
                }
                append(block, at: endpoint, how: "decided")
                if replicas[endpoint].chainHeight >= scenario.targetHeight { feed(.workPending(false), to: endpoint) }
            case .setTimer(let deadline):
                replicas[endpoint].timerGeneration += 1
                queue.push(.timer(endpoint, generation: replicas[endpoint].timerGeneration), at: deadline)
            case .cancelTimer:
                replicas[endpoint].timerGeneration += 1
            case .misbehaved(let validator, let reason):
                misbehaviourReports += 1
                let accusedAreHonest = replicas.filter { $0.index == validator }.allSatisfy(\.isHonest)
                if accusedAreHonest {
                    failure = "endpoint \(endpoint) accused honest validator \(validator): \(reason)"
                }
            }
        }
    }

    /// Records a commit and checks agreement with every other honest validator.
    mutating func append(_ block: Block, at endpoint: Int, how: String) {
        replicas[endpoint].chain.append(block)
        guard replicas[endpoint].isHonest else { return }
        let hash = block.hash
        if let other = committed[block.number], other != hash {
            failure = "safety: endpoint \(endpoint) \(how) block \(block.number) \(hash), another honest validator committed \(other)"
        }
        committed[block.number] = hash
    }

    /// Sends a state machine's message, as a faulty validator would bend it.
    mutating func broadcastAsByzantine(_ message: ConsensusMessage, from endpoint: Int) {
        let replica = replicas[endpoint]
        switch (replica.behaviour, message) {
        case (.withholdsVotes?, .vote), (.withholdsVotes?, .viewChange):
            return
        case (.votesForUnknownBlocks?, .vote(var vote)):
            vote.blockHash = Hash(replicas[endpoint].random.bytes(32))!
            vote.signature = replica.authenticator.sign(chainConfig.digest(of: vote))
            let (first, second) = Bool.random(using: &random) ? (message, .vote(vote)) : (.vote(vote), message)
            broadcast(.consensus(first.encoded), from: endpoint)
            broadcast(.consensus(second.encoded), from: endpoint)
        default:
            broadcast(.consensus(message.encoded), from: endpoint)
        }
    }

    mutating func broadcast(_ message: Message, from endpoint: Int) {
        for other in replicas.indices where other != endpoint { send(message, from: endpoint, to: other) }
    }

    /// Puts `message` on the simulated wire: lost across a partition or at random before the
    /// network heals, sometimes duplicated, delayed by the scenario's latency and jitter.
    mutating func send(_ message: Message, from: Int, to: Int) {
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
