import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// Four validators wired by hand: every broadcast reaches every other machine at once,
/// every execution is valid, unless a test holds messages back.
struct Cluster {
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return generator.bytes(count)
    }
    static let ids = (0..<4).map { try! NodeID(randomBytes(64, seed: UInt64($0))) }
    static let secrets = Dictionary(uniqueKeysWithValues: (0..<4).map { (ids[$0], Hash(randomBytes(32, seed: UInt64($0) + 100))!) })
    static let chain = ChainConfig(chainID: 7, validators: ids)
    static let settings = PBFTSettings(baseTimeout: .seconds(1))
    static let genesis = Block(header: BlockHeader(parentHash: .zero, number: 0, timestamp: 0, sealer: .zero, transactionsRoot: .zero,
                                                   receiptsRoot: .zero, stateRoot: .zero, gasUsed: 0, gasLimit: 1), transactions: [])

    var machines: [PBFTStateMachine]
    var committed: [[Block]] = Array(repeating: [], count: 4)
    var outbox: [(from: Int, ConsensusMessage)] = []
    var timers: [Duration?] = Array(repeating: nil, count: 4)
    /// Whether the pools hold transactions: a leader builds only then.
    var poolsHoldTransactions = true
    /// Whether a commit is followed by the next height's validators, as a host does once it appended.
    var hostsAdvanceAfterCommit = true

    init() {
        machines = (0..<4).map { Self.machine(index: $0, journal: nil) }
    }

    static func authenticator(_ index: Int) -> SimulatedAuthenticator { SimulatedAuthenticator(secrets: secrets, node: ids[index]) }

    static func machine(index: Int, journal: PBFTJournal?) -> PBFTStateMachine {
        PBFTStateMachine(chain: chain, node: ids[index], authenticator: authenticator(index), settings: settings,
                         chainHeight: 0, validators: chain.genesisValidators, journal: journal)
    }

    /// `message` as it arrives from the validator that signed it.
    static func delivered(_ message: ConsensusMessage) -> PBFTEvent {
        .message(message, from: ids[Int(message.sender)])
    }

    static func sealIsValid(_ header: BlockHeader) -> Bool {
        authenticator(0).sealIsValid(header, validators: chain.genesisValidators, chain: chain)
    }

    static func block(_ tag: UInt8, number: UInt64 = 1) -> Block {
        Block(header: BlockHeader(parentHash: genesis.hash, number: number, timestamp: 1, sealer: .zero, transactionsRoot: .zero,
                                  receiptsRoot: .zero, stateRoot: .zero, gasUsed: 0, gasLimit: 1, extraData: [tag]), transactions: [])
    }

    /// Feeds one machine and carries out what it says; broadcasts wait in the outbox.
    mutating func feed(_ index: Int, _ event: PBFTEvent, now: Duration = .zero) {
        carryOut(index, machines[index].handle(event, now: now), now: now)
    }

    mutating func carryOut(_ index: Int, _ actions: [PBFTAction], now: Duration) {
        var decided: UInt64?
        for action in actions {
            switch action {
            case .broadcast(let message): outbox.append((index, message))
            case .execute(let block): feed(index, .executed(blockHash: block.hash, valid: true), now: now)
            case .build(let height, _) where height == 1 && poolsHoldTransactions: feed(index, .built(Self.block(UInt8(index), number: height)), now: now)
            case .build: break
            case .commit(var block, let seal):
                block.header.seal = seal
                committed[index].append(block)
                decided = block.number
            case .setTimer(let at): timers[index] = at
            case .cancelTimer: timers[index] = nil
            case .persist, .misbehaved: break
            }
        }
        // The host appends a decided block, then tells the machine the next height's validators.
        if let decided, hostsAdvanceAfterCommit { feed(index, .chainAdvanced(to: decided, validators: Self.chain.genesisValidators), now: now) }
    }

    /// Delivers everything in the outbox (and what that causes) to `to` (default: all).
    mutating func deliverAll(to receivers: Set<Int> = [0, 1, 2, 3], now: Duration = .zero) {
        while !outbox.isEmpty {
            let (from, message) = outbox.removeFirst()
            for index in receivers where index != from { feed(index, Cluster.delivered(message), now: now) }
        }
    }

    mutating func startAll(workPending: Bool = true) {
        poolsHoldTransactions = workPending
        for index in 0..<4 {
            carryOut(index, machines[index].start(now: .zero), now: .zero)
            feed(index, .workPending(workPending))
        }
    }
}

@Suite struct PBFTStateMachineTests {
    @Test func fourValidatorsDecideTheLeadersBlockWithAQuorumSeal() {
        var cluster = Cluster()
        cluster.startAll()
        cluster.deliverAll()
        let leader = Int(cluster.machines[0].leader(height: 1, view: 0))
        for index in 0..<4 {
            #expect(cluster.committed[index].map(\.hash) == [Cluster.block(UInt8(leader)).hash], "validator \(index)")
            #expect(Cluster.sealIsValid(cluster.committed[index][0].header))
            #expect(cluster.machines[index].height == 2 && cluster.machines[index].view == 0)
        }
    }

    @Test func anIdleChainSetsNoTimer() {
        var cluster = Cluster()
        cluster.startAll(workPending: false)
        #expect(cluster.timers.allSatisfy { $0 == nil })
        cluster.feed(2, .workPending(true))
        #expect(cluster.timers[2] == .seconds(1))
    }

    @Test func oneValidatorCannotMoveAnotherToAHugeViewButFPlusOneCan() {
        var cluster = Cluster()
        cluster.startAll()
        for sender in [3, 2] {
            var change = ViewChange(height: 1, view: 1_000_000, lock: nil, lockedBlock: nil, validator: UInt32(sender),
                                    signature: .init(r: .zero, s: .zero, recoveryID: 0))
            change.signature = Cluster.authenticator(sender).sign(Cluster.chain.digest(of: change))
            cluster.feed(0, Cluster.delivered(.viewChange(change)))
            #expect(cluster.machines[0].view == (sender == 3 ? 0 : 1_000_000), "after validator \(sender)'s")
        }
    }

    @Test func aForgedVoteIsRefusedAndReported() {
        var cluster = Cluster()
        cluster.startAll()
        // Validator 3 signs a vote as validator 2.
        var vote = Vote(phase: .commit, height: 1, view: 0, blockHash: Cluster.block(9).hash, validator: 2,
                        signature: .init(r: .zero, s: .zero, recoveryID: 0))
        vote.signature = Cluster.authenticator(3).sign(Cluster.chain.digest(of: vote))
        let actions = cluster.machines[0].handle(Cluster.delivered(.vote(vote)), now: .zero)
        #expect(actions.contains { if case .misbehaved(Cluster.ids[2], _) = $0 { true } else { false } })
    }

    /// A validator that prepared block A and restarts from its journal does not prepare the
    /// leader's second block B in the same view.
    @Test func aRestartedValidatorNeverPreparesAConflictingBlock() {
        let leader = 1 // leader of (1, 0)
        func proposal(_ tag: UInt8) -> ConsensusMessage {
            var proposal = Proposal(view: 0, block: Cluster.block(tag), justification: [], validator: UInt32(leader),
                                    signature: .init(r: .zero, s: .zero, recoveryID: 0))
            proposal.signature = Cluster.authenticator(leader).sign(Cluster.chain.digest(of: proposal))
            return .proposal(proposal)
        }
        var replica = Cluster.machine(index: 0, journal: nil)
        _ = replica.start(now: .zero)
        var journal: PBFTJournal?
        var actions = replica.handle(Cluster.delivered(proposal(0xA)), now: .zero)
        actions += replica.handle(.executed(blockHash: Cluster.block(0xA).hash, valid: true), now: .zero)
        for case .persist(let written) in actions { journal = written }
        #expect(journal?.prepared?.blockHash == Cluster.block(0xA).hash)
        var restarted = Cluster.machine(index: 0, journal: journal)
        let again = restarted.start(now: .zero)
        // It says its Prepare for A again, and nothing for B.
        #expect(again.contains { if case .broadcast(.vote(let vote)) = $0 { vote.blockHash == Cluster.block(0xA).hash } else { false } })
        let toB = restarted.handle(Cluster.delivered(proposal(0xB)), now: .zero)
            + restarted.handle(.executed(blockHash: Cluster.block(0xB).hash, valid: true), now: .zero)
        #expect(!toB.contains { if case .broadcast(.vote) = $0 { true } else { false } })
        #expect(!toB.contains { if case .execute = $0 { true } else { false } })
    }

    /// A validator restarted after preparing A knows A's hash but not the block: a quorum of
    /// Prepares does not lock it (a lock must be re-proposable from its holder's journal) until
    /// the proposal reaches it again.
    @Test func aRestartedValidatorLocksOnlyOnceItHoldsTheBlockAgain() {
        let leader = 1, block = Cluster.block(0xA)
        var proposal = Proposal(view: 0, block: block, justification: [], validator: UInt32(leader), signature: .init(r: .zero, s: .zero, recoveryID: 0))
        proposal.signature = Cluster.authenticator(leader).sign(Cluster.chain.digest(of: proposal))
        func prepare(by validator: Int) -> ConsensusMessage {
            var vote = Vote(phase: .prepare, height: 1, view: 0, blockHash: block.hash, validator: UInt32(validator), signature: .init(r: .zero, s: .zero, recoveryID: 0))
            vote.signature = Cluster.authenticator(validator).sign(Cluster.chain.digest(of: vote))
            return .vote(vote)
        }
        var replica = Cluster.machine(index: 0, journal: nil)
        _ = replica.start(now: .zero)
        var journal: PBFTJournal?
        let first = replica.handle(Cluster.delivered(.proposal(proposal)), now: .zero) + replica.handle(.executed(blockHash: block.hash, valid: true), now: .zero)
        for case .persist(let written) in first { journal = written }
        var restarted = Cluster.machine(index: 0, journal: journal)
        _ = restarted.start(now: .zero)
        let votes = restarted.handle(Cluster.delivered(prepare(by: 1)), now: .zero) + restarted.handle(Cluster.delivered(prepare(by: 2)), now: .zero)
        #expect(restarted.journal.lock == nil)
        #expect(!votes.contains { if case .broadcast(.vote(let vote)) = $0 { vote.phase == .commit } else { false } })
        let again = restarted.handle(Cluster.delivered(.proposal(proposal)), now: .zero)
            + restarted.handle(.executed(blockHash: block.hash, valid: true), now: .zero)
        #expect(restarted.journal.lock?.blockHash == block.hash && restarted.journal.lockedBlock?.hash == block.hash)
        #expect(again.contains { if case .broadcast(.vote(let vote)) = $0 { vote.phase == .commit } else { false } })
    }

    /// A validator locked on A refuses a later view's proposal of B whose justification
    /// shows no lock at least as recent as its own.
    @Test func aLockedValidatorRefusesAnUnjustifiedOtherBlock() {
        var cluster = Cluster()
        cluster.startAll()
        // Everyone prepares and locks the leader's block; the Commits are lost.
        while !cluster.outbox.isEmpty {
            let (from, message) = cluster.outbox.removeFirst()
            if case .vote(let vote) = message, vote.phase == .commit { continue }
            for index in 0..<4 where index != from { cluster.feed(index, Cluster.delivered(message)) }
        }
        let locked = cluster.machines[0].journal.lock
        #expect(locked?.blockHash == Cluster.block(1).hash, "validator 0 locked the leader's block")
        #expect(cluster.committed.allSatisfy { $0.isEmpty })
        // View 1's leader (2) proposes B with a justification of ViewChanges that carry no lock.
        let changes = (1...3).map { sender in
            var change = ViewChange(height: 1, view: 1, lock: nil, lockedBlock: nil, validator: UInt32(sender),
                                    signature: .init(r: .zero, s: .zero, recoveryID: 0))
            change.signature = Cluster.authenticator(sender).sign(Cluster.chain.digest(of: change))
            return change
        }
        var proposal = Proposal(view: 1, block: Cluster.block(0xB), justification: changes, validator: 2,
                                signature: .init(r: .zero, s: .zero, recoveryID: 0))
        proposal.signature = Cluster.authenticator(2).sign(Cluster.chain.digest(of: proposal))
        let actions = cluster.machines[0].handle(Cluster.delivered(.proposal(proposal)), now: .zero)
        #expect(cluster.machines[0].view == 1, "the justification is valid: it moves to view 1")
        #expect(!actions.contains { if case .execute = $0 { true } else { false } }, "but it does not prepare B")
    }

    @Test func messagesAndJournalsRoundTripAndTruncationIsRefused() throws {
        var cluster = Cluster()
        cluster.startAll()
        var seen: [ConsensusMessage] = []
        while !cluster.outbox.isEmpty {
            let (from, message) = cluster.outbox.removeFirst()
            seen.append(message)
            for index in 0..<4 where index != from { cluster.feed(index, Cluster.delivered(message)) }
        }
        var change = ViewChange(height: 2, view: 3, lock: cluster.machines[0].journal.lock, lockedBlock: Cluster.block(1),
                                validator: 1, signature: Cluster.authenticator(1).sign(.zero))
        change.signature = Cluster.authenticator(1).sign(Cluster.chain.digest(of: change))
        seen.append(.viewChange(change))
        #expect(Set(seen.map { "\($0)".prefix(12) }).count >= 2)
        for message in seen {
            let bytes = message.encoded
            #expect(try ConsensusMessage.decode(bytes) == message)
            #expect(throws: ConsensusDecodingError.self) { try ConsensusMessage.decode(Array(bytes.dropLast())) }
            #expect(throws: ConsensusDecodingError.self) { try ConsensusMessage.decode(bytes + [0]) }
        }
        let journal = PBFTJournal(height: 5, view: 2, prepared: .init(view: 2, blockHash: Cluster.block(3).hash), committed: nil,
                                  lock: change.lock, lockedBlock: Cluster.block(1))
        #expect(try PBFTJournal.decode(journal.encoded) == journal)
        #expect(throws: ConsensusDecodingError.self) { try PBFTJournal.decode(Array(journal.encoded.dropLast(3))) }
    }
}
