import StrandConsensus
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// The host the node's driver and the simulator both run, against a recording messenger and a
/// chain and journal that say what was asked of them: it journals before it speaks, executes a
/// proposal once, builds when the sealing policy says so, and blames the peers that deserve it.
@Suite struct PBFTHostTests {
    struct Executed: ExecutedProposal {
        var block: Block
        var executionMicros: UInt64 { 7 }
    }

    /// A chain on the genesis: what it was asked, in order with the journal's writes and the sends.
    final class Recorder: ConsensusChain, ConsensusJournalStore, PBFTObserver {
        var log: [String] = []
        var pending = 0
        var executions = 0
        var deferExecution = false
        var journalFails = false
        var appended: [Block] = []
        var events: [PBFTHostEvent] = []

        var tip: ConsensusTip? { ConsensusTip(height: UInt64(appended.count), nextValidators: Cluster.chain.genesisValidators) }
        var consensusTimeout: Duration?
        var pendingTransactions: (count: Int, fillsBlock: Bool) { (pending, false) }

        func build(height: UInt64) -> Executed? {
            log.append("build \(height)")
            return pending > 0 ? Executed(block: Cluster.block(0xB0, number: height)) : nil
        }

        func execute(_ block: Block) -> ExecutionVerdict<Executed> {
            executions += 1
            log.append("execute \(block.number)")
            return deferExecution ? .later : .valid(Executed(block: block))
        }

        func append(_ executed: Executed, seal: BlockSeal) -> Bool {
            var block = executed.block
            block.header.seal = seal
            appended.append(block)
            return true
        }

        struct DiskFull: Error {}

        func write(_ journal: PBFTJournal) throws {
            if journalFails { throw DiskFull() }
            log.append("journal prepared=\(journal.prepared != nil) committed=\(journal.committed != nil)")
        }

        func observe(_ event: PBFTHostEvent) {
            events.append(event)
            if case .messageSent(let message) = event { log.append("send \(Self.kind(message))") }
        }

        static func kind(_ message: ConsensusMessage) -> String {
            switch message {
            case .proposal: "proposal"
            case .vote(let vote): "\(vote.phase)"
            case .viewChange: "viewchange"
            }
        }
    }

    static let leader = 1 // of (height 1, view 0)

    /// The host's clock, moved by hand.
    final class Clock {
        var now: Duration = .zero
    }

    static func host(index: Int, _ recorder: Recorder, messenger: RecordingMessenger = RecordingMessenger(), clock: Clock = Clock())
        -> PBFTHost<Recorder> {
        let machine = Cluster.machine(index: index, journal: nil)
        return PBFTHost(machine: machine, chain: recorder, messenger: messenger, journal: recorder,
                        policy: SealingPolicy(maxBlockTransactions: 1), observer: recorder, clock: { clock.now })
    }

    static func proposal(of block: Block) -> ProtocolMessage {
        var proposal = Proposal(view: 0, block: block, justification: [], validator: UInt32(leader), signature: .init(r: .zero, s: .zero, recoveryID: 0))
        proposal.signature = Cluster.authenticator(leader).sign(Cluster.chain.digest(of: proposal))
        return .consensus(ConsensusMessage.proposal(proposal).encoded)
    }

    static func vote(_ phase: Vote.Phase, for block: Block, by validator: Int) -> ProtocolMessage {
        var vote = Vote(phase: phase, height: 1, view: 0, blockHash: block.hash, validator: UInt32(validator), signature: .init(r: .zero, s: .zero, recoveryID: 0))
        vote.signature = Cluster.authenticator(validator).sign(Cluster.chain.digest(of: vote))
        return .consensus(ConsensusMessage.vote(vote).encoded)
    }

    static func peer(_ index: Int) -> NodeID { Cluster.chain.validators[index] }

    @Test func theLeaderBuildsOnceItsPoolHoldsWorkAndProposes() throws {
        let recorder = Recorder()
        let messenger = RecordingMessenger()
        let host = Self.host(index: Self.leader, recorder, messenger: messenger)
        host.start()
        _ = host.poll()
        #expect(recorder.log.isEmpty, "an idle leader builds nothing")
        recorder.pending = 1
        _ = host.poll()
        #expect(recorder.log.first == "build 1")
        let sent = try #require(messenger.sent.withLock { $0.first })
        let message = try ConsensusMessage.decode(try #require(sent.0.carried(.consensus)).opaqueBytes())
        guard case .proposal(let proposal) = message else { Issue.record("sent \(message)"); return }
        #expect(proposal.block.number == 1 && sent.1 == nil)
    }

    @Test func aProposalIsExecutedOnceAndItsVoteLeavesOnlyAfterTheJournal() {
        let recorder = Recorder()
        let host = Self.host(index: 0, recorder)
        host.start()
        let block = Cluster.block(0xA)
        host.receive(Self.proposal(of: block), from: Self.peer(Self.leader))
        host.receive(Self.proposal(of: block), from: Self.peer(Self.leader))
        #expect(recorder.executions == 1)
        #expect(recorder.log == ["execute 1", "journal prepared=true committed=false", "send prepare"])
    }

    @Test func aDeferredExecutionIsAnsweredLater() {
        let recorder = Recorder()
        recorder.deferExecution = true
        let host = Self.host(index: 0, recorder)
        host.start()
        let block = Cluster.block(0xA)
        host.receive(Self.proposal(of: block), from: Self.peer(Self.leader))
        #expect(!recorder.log.contains("send prepare"))
        host.executed(block, verdict: .valid(Executed(block: block)))
        #expect(recorder.log.last == "send prepare")
    }

    @Test func aValidatorWhoseJournalFailsSaysNothing() {
        let recorder = Recorder()
        recorder.journalFails = true
        let messenger = RecordingMessenger()
        let host = Self.host(index: 0, recorder, messenger: messenger)
        host.start()
        host.receive(Self.proposal(of: Cluster.block(0xA)), from: Self.peer(Self.leader))
        #expect(host.journalFailing)
        #expect(messenger.sent.withLock { $0.isEmpty })
        #expect(recorder.events.contains { if case .journalFailing = $0 { true } else { false } })
    }

    @Test func aQuorumDecidesAndTheBlockIsAppendedUnderItsSeal() {
        let recorder = Recorder()
        let host = Self.host(index: 0, recorder)
        host.start()
        let block = Cluster.block(0xA)
        host.receive(Self.proposal(of: block), from: Self.peer(Self.leader))
        for phase in [Vote.Phase.prepare, .commit] {
            for validator in [1, 2] { host.receive(Self.vote(phase, for: block, by: validator), from: Self.peer(validator)) }
        }
        #expect(recorder.appended.map(\.hash) == [block.hash])
        #expect(recorder.appended.first.map { Cluster.sealIsValid($0.header) } == true)
        #expect(host.machine.height == 2)
    }

    /// A governor's consensus_timeout, read from the chain at start and at each new height.
    @Test func theChainsConsensusTimeoutIsAdoptedAtStartAndEachNewHeight() {
        let recorder = Recorder()
        recorder.consensusTimeout = .seconds(4)
        let host = Self.host(index: 0, recorder)
        host.start()
        #expect(host.machine.settings.baseTimeout == .seconds(4))
        recorder.consensusTimeout = .seconds(9)
        let block = Cluster.block(0xA)
        host.receive(Self.proposal(of: block), from: Self.peer(Self.leader))
        #expect(host.machine.settings.baseTimeout == .seconds(4), "not within a height")
        for phase in [Vote.Phase.prepare, .commit] {
            for validator in [1, 2] { host.receive(Self.vote(phase, for: block, by: validator), from: Self.peer(validator)) }
        }
        #expect(host.machine.height == 2 && host.machine.settings.baseTimeout == .seconds(9))
        #expect(host.machine.settings.maxTimeout == .seconds(180))
    }

    @Test func unreadableBytesDropThePeerAndAMessageSignedAsAnotherIsCounted() {
        let recorder = Recorder()
        let messenger = RecordingMessenger()
        let host = Self.host(index: 0, recorder, messenger: messenger)
        host.start()
        host.receive(.consensus([0xFF, 0x00, 0x13]), from: Self.peer(2))
        let dropped = messenger.dropped.withLock { $0 }
        #expect(dropped.count == 1 && dropped.first?.0 == Self.peer(2) && dropped.first?.1.isPeerFault == true)
        // Validator 3's link carries a vote of validator 2's.
        host.receive(Self.vote(.prepare, for: Cluster.block(1), by: 2), from: Self.peer(3))
        #expect(recorder.events.contains { if case .misbehaved(Self.peer(3), _) = $0 { true } else { false } })
        #expect(messenger.dropped.withLock { $0.count } == 1)
    }

    @Test func aViewChangeThatDragsOnIsSaidAgain() {
        let recorder = Recorder()
        recorder.pending = 1
        let messenger = RecordingMessenger()
        let clock = Clock()
        let host = Self.host(index: 0, recorder, messenger: messenger, clock: clock)
        host.start()
        _ = host.poll()
        clock.now = .seconds(1)
        _ = host.poll() // view 0 times out: a ViewChange for view 1
        #expect(host.machine.view == 1)
        let before = messenger.sent.withLock { $0.count }
        clock.now = .seconds(1) + PBFTHost<Recorder>.retransmitInterval
        _ = host.poll()
        #expect(messenger.sent.withLock { $0.count } > before)
    }
}

extension NetworkMessage {
    /// The protocol message carried, if it is `subprotocol`'s.
    func carried(_ subprotocol: Subprotocol) -> ProtocolMessage? {
        guard case .subprotocol(let message) = self, message.subprotocol == subprotocol else { return nil }
        return message
    }
}
