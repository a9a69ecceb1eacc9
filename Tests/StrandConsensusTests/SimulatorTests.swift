import Foundation
import StrandConsensus
import StrandTestSupport
import Testing

/// The consensus simulator over many seeds: each seed is a hostile scenario (loss,
/// duplicates, delays, partitions, crash-restarts, a byzantine validator, validator sets that
/// change) that must end safe, with valid seals, and live once the network heals. A failing seed prints its
/// scenario; `strand-simulate --seed N` replays it.
@Suite struct SimulatorTests {
    /// `STRAND_SIMULATOR_SEEDS` raises the count (`scripts/simulate.sh` runs many more).
    static let seeds = UInt64(ProcessInfo.processInfo.environment["STRAND_SIMULATOR_SEEDS"] ?? "") ?? 1_000

    /// Two halves of the seeds, which the test runner runs side by side.
    @Test(arguments: [0, 1]) func everySeedIsSafeAndLive(half: UInt64) {
        var failures: [String] = []
        var byFault: [String: Int] = [:]
        var reconfigured = 0
        let seeds = Self.seeds / 2
        for seed in (1 + half * seeds)...(seeds + half * seeds) {
            let outcome = ConsensusSimulator.run(SimulationScenario(seed: seed))
            if let failure = outcome.failure { failures.append("\(outcome.scenario)\n  → \(failure)") }
            for fault in outcome.scenario.byzantine.values { byFault["\(fault)", default: 0] += 1 }
            if !outcome.scenario.reconfigurations.isEmpty { reconfigured += 1 }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(seeds) seeds failed:\n\(failures.prefix(5).joined(separator: "\n"))")
        // The seeds do exercise every kind of fault.
        #expect(Set(byFault.keys) == Set(SimulationScenario.Byzantine.allCases.map(\.description)))
        // And validator sets change in a good share of them.
        #expect(reconfigured * 4 >= Int(seeds), "sets changed in only \(reconfigured) of \(seeds) seeds")
    }

    /// A validator that ignores its removal keeps proposing and voting under its old index; the
    /// others neither count it nor blame an innocent node for it, and go on.
    @Test func aRemovedValidatorThatKeepsVotingIsIgnored() {
        var scenario = SimulationScenario(seed: 11)
        scenario.validators = 5
        scenario.byzantine = [1: .ignoresRemoval]
        scenario.crashes = []
        scenario.partitions = []
        scenario.dropRate = 0
        scenario.spares = 0
        scenario.targetHeight = 8
        scenario.healsAt = .seconds(1)
        scenario.reconfigurations = [.init(height: 2, changes: [.remove(node: 1)])]
        let outcome = ConsensusSimulator.run(scenario)
        #expect(outcome.failure == nil, "\(outcome.failure ?? "")")
        #expect(outcome.messagesFromOutsiders > 0, "the removed validator went silent: nothing was tested")
    }

    @Test func aSeedReplaysExactly() {
        let first = ConsensusSimulator.run(SimulationScenario(seed: 42))
        let again = ConsensusSimulator.run(SimulationScenario(seed: 42))
        #expect(first.heights == again.heights)
        #expect(first.messagesSent == again.messagesSent)
        #expect(first.finishedAt == again.finishedAt)
    }

    /// The checker has teeth: with two twins among four (beyond f = 1) and each twin's
    /// halves split across a partition, both sides reach a quorum and commit different blocks.
    @Test func moreFaultsThanToleratedAreCaughtAsAFork() {
        var scenario = SimulationScenario(seed: 7)
        scenario.validators = 4
        scenario.byzantine = [0: .twins, 1: .twins]
        scenario.crashes = []
        scenario.dropRate = 0
        // Endpoints 0, 1 are the twins' first halves, 4 and 5 their second.
        scenario.partitions = [.init(side: [0, 1, 2], from: .zero, until: .seconds(30))]
        scenario.healsAt = .seconds(30)
        let outcome = ConsensusSimulator.run(scenario)
        #expect(outcome.failure?.hasPrefix("safety") == true, "\(outcome.failure ?? "no failure")")
    }
}
