import ArgumentParser
import Dispatch
import Foundation
import StrandConsensus
import StrandPrimitives
import StrandTestSupport
import Synchronization

/// `strand-simulate`: the PBFT state machine through the deterministic simulator, many seeds
/// on all cores. A failing seed prints its scenario and replays alone with `--seed`. A developer's
/// tool: the simulator is a test fixture, so release's `strand` does not carry it.
@main
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strand-simulate",
        abstract: "Run the consensus simulator over many seeds (safety, seals, liveness after healing).",
        discussion: """
            Each seed draws a scenario: 4, 5 or 7 validators; message loss, duplicates, delay and \
            reordering; partitions that heal; honest validators that crash and restart from their \
            journal; up to f byzantine validators (twins, a bad state root, votes for unknown blocks, \
            ViewChanges for huge views, withheld votes, a crash); in half the seeds, validator sets \
            that change as blocks carry a governor's adds, removes and swaps, with spare nodes that \
            observe until added. Every run checks that no two honest nodes commit different blocks at \
            a height, that every committed seal verifies with a quorum of its height's validators, and \
            that every honest node reaches the target height within the bound after the network \
            heals. Exit status 1 if any seed fails.
            """
    )

    @Option(help: "How many seeds to run.")
    var seeds: UInt64 = 10_000
    @Option(help: "The first seed.")
    var first: UInt64 = 1
    @Option(help: "Run this one seed and describe it (replays a failure exactly).")
    var seed: UInt64?
    @Option(help: "Threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        if let seed {
            ConsensusSimulator.trace = ProcessInfo.processInfo.environment["STRAND_SIMULATOR_TRACE"] != nil
            let outcome = ConsensusSimulator.run(SimulationScenario(seed: seed))
            print(outcome.scenario)
            print(Self.describe(outcome))
            if outcome.failure != nil { throw ExitCode(1) }
            return
        }
        guard seeds > 0, threads > 0 else { throw ValidationError("--seeds and --threads must be positive") }
        let started = ContinuousClock.now
        let summary = Mutex(Summary())
        let next = Atomic<UInt64>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let offset = next.add(1, ordering: .relaxed).oldValue
                guard offset < seeds else { return }
                let outcome = ConsensusSimulator.run(SimulationScenario(seed: first + offset))
                summary.withLock { $0.add(outcome, total: seeds) }
            }
        }
        let result = summary.withLock { $0 }
        let seconds = Double((ContinuousClock.now - started).microseconds) / 1e6
        print(result.report(seeds: seeds, first: first, seconds: seconds))
        if !result.failures.isEmpty { throw ExitCode(1) }
    }

    static func describe(_ outcome: ConsensusSimulator.Outcome) -> String {
        """
        \(outcome.failure.map { "FAILED: \($0)" } ?? "passed"): heights \(outcome.heights), \
        \(outcome.messagesSent) messages, \(outcome.viewChanges) view changes, \
        \(outcome.misbehaviourReports) misbehaviour reports, finished at \(outcome.finishedAt)
        """
    }

    struct Summary {
        var done: UInt64 = 0
        var failures: [String] = []
        var faults: [String: Int] = [:]
        var viewChanges: UInt64 = 0
        var messages = 0
        var reports = 0
        var crashRestarts = 0
        var partitions = 0
        var reconfiguredSeeds = 0
        var adds = 0
        var removes = 0
        var latest: Duration = .zero

        mutating func add(_ outcome: ConsensusSimulator.Outcome, total: UInt64) {
            done += 1
            if outcome.failure != nil { failures.append("\(outcome.scenario)\n  \(SimulateCommand.describe(outcome))") }
            for fault in outcome.scenario.byzantine.values { faults["\(fault)", default: 0] += 1 }
            viewChanges += outcome.viewChanges
            messages += outcome.messagesSent
            reports += outcome.misbehaviourReports
            crashRestarts += outcome.scenario.crashes.count
            partitions += outcome.scenario.partitions.count
            let changes = outcome.scenario.reconfigurations.flatMap(\.changes)
            if !changes.isEmpty { reconfiguredSeeds += 1 }
            adds += changes.count { if case .add = $0 { true } else { false } }
            removes += changes.count { if case .remove = $0 { true } else { false } }
            latest = max(latest, outcome.finishedAt)
            if total >= 20, done % (total / 10) == 0 {
                FileHandle.standardError.write(Data("simulate: \(done)/\(total) seeds, \(failures.count) failed\n".utf8))
            }
        }

        func report(seeds: UInt64, first: UInt64, seconds: Double) -> String {
            var lines = [
                "seeds \(first)...\(first + seeds - 1): \(seeds - UInt64(failures.count)) passed, \(failures.count) failed, in \(String(format: "%.1f", seconds)) s",
                "byzantine validators by kind: \(faults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))",
                "crash-restarts \(crashRestarts), partitions \(partitions), view changes \(viewChanges), misbehaviour reports \(reports), messages \(messages)",
                "validator sets changed in \(reconfiguredSeeds) seeds: \(adds) adds, \(removes) removes",
                "latest finish (simulated): \(latest)",
            ]
            lines += failures.prefix(20)
            return lines.joined(separator: "\n")
        }
    }
}
