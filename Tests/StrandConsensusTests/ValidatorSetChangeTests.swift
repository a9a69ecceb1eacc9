import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// A machine takes each height's validators from its host: outside the set it is silent, from
/// the height that names it it votes, and once a validator leaves, its messages count no more.
@Suite struct ValidatorSetChangeTests {
    static let firstThree = ValidatorSet(Array(Cluster.ids.prefix(3)))

    static func proposal(height: UInt64, by leader: Int, in validators: ValidatorSet) -> ConsensusMessage {
        let block = Cluster.block(UInt8(leader), number: height)
        var proposal = Proposal(view: 0, block: block, justification: [], validator: UInt32(validators.index(of: Cluster.ids[leader])!),
                                signature: .init(r: .zero, s: .zero, recoveryID: 0))
        proposal.signature = Cluster.authenticator(leader).sign(Cluster.chain.digest(of: proposal))
        return .proposal(proposal)
    }

    static func speaks(_ actions: [PBFTAction]) -> Bool {
        actions.contains { action in
            switch action {
            case .broadcast, .execute, .build, .setTimer: true
            default: false
            }
        }
    }

    @Test func anObserverVotesFromTheHeightThatNamesIt() {
        var machine = PBFTStateMachine(chain: Cluster.chain, node: Cluster.ids[3], authenticator: Cluster.authenticator(3),
                                       settings: Cluster.settings, chainHeight: 0, validators: Self.firstThree, journal: nil)
        #expect(!Self.speaks(machine.start(now: .zero) + machine.handle(.workPending(true), now: .zero)))
        #expect(!machine.isValidator && !machine.isLeader)
        // Height 1's leader is validator 1 of three: the observer neither executes nor votes.
        let first = machine.handle(.message(Self.proposal(height: 1, by: 1, in: Self.firstThree), from: Cluster.ids[1]), now: .zero)
        #expect(!Self.speaks(first))
        // Block 1 made it a validator: at height 2 it executes the leader's proposal and prepares it.
        let all = Cluster.chain.genesisValidators
        _ = machine.handle(.chainAdvanced(to: 1, validators: all), now: .zero)
        #expect(machine.isValidator && machine.index == 3 && machine.height == 2 && machine.quorum == 3)
        let proposal = Self.proposal(height: 2, by: 2, in: all)
        let second = machine.handle(.message(proposal, from: Cluster.ids[2]), now: .zero)
        #expect(second.contains { if case .execute = $0 { true } else { false } })
        let prepared = machine.handle(.executed(blockHash: Cluster.block(2, number: 2).hash, valid: true), now: .zero)
        #expect(prepared.contains { if case .broadcast(.vote(let vote)) = $0 { vote.phase == .prepare && vote.validator == 3 } else { false } })
    }

    @Test func aRemovedValidatorsMessagesCountNoMore() {
        var machine = Cluster.machine(index: 0, journal: nil)
        _ = machine.start(now: .zero)
        // Block 1 removed validator 1: at height 2, index 1 is the node that was validator 2.
        let remaining = ValidatorSet([Cluster.ids[0], Cluster.ids[2], Cluster.ids[3]])
        _ = machine.handle(.chainAdvanced(to: 1, validators: remaining), now: .zero)
        #expect(machine.validatorCount == 3 && machine.height == 2)
        var vote = Vote(phase: .prepare, height: 2, view: 0, blockHash: Cluster.block(9, number: 2).hash, validator: 1,
                        signature: .init(r: .zero, s: .zero, recoveryID: 0))
        vote.signature = Cluster.authenticator(1).sign(Cluster.chain.digest(of: vote))
        // Signed by the removed node, sent by it: not this height's validator 1, so nothing happens, not even blame.
        #expect(machine.handle(.message(.vote(vote), from: Cluster.ids[1]), now: .zero).isEmpty)
        // Relayed as if from the new validator 1, its signature does not match that validator's.
        let relayed = machine.handle(.message(.vote(vote), from: Cluster.ids[2]), now: .zero)
        #expect(relayed.contains { if case .misbehaved(Cluster.ids[2], _) = $0 { true } else { false } })
    }

    @Test func aDecidedMachineWaitsForTheNextHeightsValidators() {
        var cluster = Cluster()
        cluster.hostsAdvanceAfterCommit = false
        cluster.startAll()
        cluster.deliverAll()
        #expect(cluster.committed.allSatisfy { $0.count == 1 })
        #expect(cluster.machines.allSatisfy { $0.height == 2 && $0.awaitingValidators && !$0.isValidator })
        // Work in the pool sets no timer, so no view change can be asked under a stale index.
        #expect(!ValidatorSetChangeTests.speaks(cluster.machines[1].handle(.workPending(true), now: .seconds(1))))
        // Height 2's proposal waits: whose it is depends on the set block 1 leaves.
        let proposal = Self.proposal(height: 2, by: 2, in: Cluster.chain.genesisValidators)
        #expect(cluster.machines[0].handle(.message(proposal, from: Cluster.ids[2]), now: .zero).isEmpty)
        let resumed = cluster.machines[0].handle(.chainAdvanced(to: 1, validators: Cluster.chain.genesisValidators), now: .zero)
        #expect(resumed.contains { if case .execute(let block) = $0 { block.number == 2 } else { false } })
    }
}
