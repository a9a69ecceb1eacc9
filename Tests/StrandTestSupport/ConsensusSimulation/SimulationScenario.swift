import StrandByzantine
import StrandPrimitives

/// What one seed of the consensus simulator puts the validators through. Drawn from the
/// seed alone, so that a failing seed replays exactly.
public struct SimulationScenario: Sendable, CustomStringConvertible {
    /// How a faulty validator fails (at most f validators are faulty in any scenario).
    public enum Byzantine: Hashable, Sendable, CustomStringConvertible {
        /// Two instances share one key and each acts honestly on what it sees: equivocation
        /// and double votes, as the Twins method tests.
        case twins
        /// Stops for good early in the run.
        case crashed
        /// Runs the honest host behind a `ByzantineMessenger` that bends what it sends.
        case lies(ByzantineBehaviour)
        /// Once a governor removes it, keeps proposing and voting as a member of the last set
        /// that named it (reconfigurations remove it when they remove anyone).
        case ignoresRemoval

        public static let allCases: [Byzantine] = [.twins, .crashed, .ignoresRemoval] + ByzantineBehaviour.allCases.map { .lies($0) }

        public var description: String {
            switch self {
            case .twins: "twins"
            case .crashed: "crashed"
            case .lies(let behaviour): behaviour.rawValue
            case .ignoresRemoval: "ignores-removal"
            }
        }
    }

    public struct Partition: Sendable {
        /// Validators (by endpoint) on the first side; everyone else is on the other.
        public var side: Set<Int>
        public var from: Duration
        public var until: Duration

        public init(side: Set<Int>, from: Duration, until: Duration) {
            self.side = side
            self.from = from
            self.until = until
        }
    }

    /// A governor's change to the validator set, carried by the block at `height` (whoever builds
    /// it) and in force from the next height. Nodes are named by identity: validators first,
    /// then the spares, which start as observers.
    public struct Reconfiguration: Sendable {
        public enum Change: Sendable, Equatable {
            case add(node: Int)
            case remove(node: Int)
        }

        public var height: UInt64
        public var changes: [Change]

        public init(height: UInt64, changes: [Change]) {
            self.height = height
            self.changes = changes
        }
    }

    public struct CrashRestart: Sendable {
        public var endpoint: Int
        public var at: Duration
        public var restartAt: Duration
    }

    public var seed: UInt64
    public var validators: Int
    /// Each faulty validator's index and behaviour.
    public var byzantine: [Int: Byzantine]
    public var minimumDelay: Duration
    public var jitter: Duration
    /// Loss and duplication, until the network heals.
    public var dropRate: Double
    public var duplicateRate: Double
    public var partitions: [Partition]
    /// Honest validators that crash and restart from what they persisted.
    public var crashes: [CrashRestart]
    /// Honest nodes that are not validators at genesis: observers a reconfiguration may add.
    public var spares: Int
    /// At most one per height, in order of height.
    public var reconfigurations: [Reconfiguration]
    /// Blocks every honest validator must reach.
    public var targetHeight: UInt64
    /// When every partition has healed, loss has stopped and every crashed node is back.
    public var healsAt: Duration
    /// How long after healing the target must be reached.
    public var livenessBound: Duration

    public init(seed: UInt64) {
        var random = SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        self.seed = seed
        validators = [4, 4, 4, 5, 7].randomElement(using: &random)!
        let f = (validators - 1) / 3
        byzantine = [:]
        let faulty = Int.random(in: 0...f, using: &random)
        var indices = Array(0..<validators).shuffled(using: &random)
        for _ in 0..<faulty {
            byzantine[indices.removeLast()] = Byzantine.allCases.randomElement(using: &random)!
        }
        minimumDelay = .milliseconds(Int.random(in: 1...20, using: &random))
        jitter = .milliseconds(Int.random(in: 0...80, using: &random))
        dropRate = [0, 0, 0.05, 0.2, 0.4].randomElement(using: &random)!
        duplicateRate = [0, 0.05, 0.2].randomElement(using: &random)!
        partitions = []
        for _ in 0..<Int.random(in: 0...2, using: &random) {
            let from = Duration.milliseconds(Int.random(in: 0...20_000, using: &random))
            let side = Set((0..<validators + byzantine.values.filter { $0 == .twins }.count).filter { _ in Bool.random(using: &random) })
            partitions.append(Partition(side: side, from: from, until: from + .milliseconds(Int.random(in: 500...15_000, using: &random))))
        }
        crashes = []
        for endpoint in indices where Int.random(in: 0..<4, using: &random) == 0 {
            let at = Duration.milliseconds(Int.random(in: 0...20_000, using: &random))
            crashes.append(CrashRestart(endpoint: endpoint, at: at, restartAt: at + .milliseconds(Int.random(in: 200...8_000, using: &random))))
        }
        targetHeight = UInt64.random(in: 4...10, using: &random)
        healsAt = ([.seconds(1)] + partitions.map(\.until) + crashes.map(\.restartAt)).max()!
        livenessBound = .seconds(120)
        // Drawn last, so that the faults above are those the same seed drew before validator sets changed.
        spares = 0
        reconfigurations = []
        if Bool.random(using: &random) {
            spares = Int.random(in: 0...2, using: &random)
            reconfigurations = Self.drawReconfigurations(validators: validators, spares: spares, faulty: Set(byzantine.keys),
                                                         removedFirst: Set(byzantine.filter { $0.value == .ignoresRemoval }.keys),
                                                         below: targetHeight, using: &random)
        }
    }

    /// Adds, removes and swaps (both in one block) that keep every set's faulty members within
    /// its f, so that safety and liveness are still owed.
    static func drawReconfigurations(validators: Int, spares: Int, faulty: Set<Int>, removedFirst: Set<Int>, below target: UInt64,
                                     using random: inout SeededGenerator) -> [Reconfiguration] {
        var members = Array(0..<validators)
        var outside = Array(validators..<validators + spares)
        var result: [Reconfiguration] = []
        for height in 1..<target where Int.random(in: 0..<3, using: &random) == 0 {
            var changes: [Reconfiguration.Change] = []
            var next = members
            var nextOutside = outside
            let kind = Int.random(in: 0..<3, using: &random)
            if kind != 1, let added = nextOutside.randomElement(using: &random) {
                nextOutside.removeAll { $0 == added }
                next.append(added)
                changes.append(.add(node: added))
            }
            if kind != 0, next.count > 1,
               let removed = members.filter(removedFirst.contains).first ?? members.randomElement(using: &random) {
                next.removeAll { $0 == removed }
                nextOutside.append(removed)
                changes.append(.remove(node: removed))
            }
            guard !changes.isEmpty, next.count(where: faulty.contains) <= (next.count - 1) / 3 else { continue }
            members = next
            outside = nextOutside
            result.append(Reconfiguration(height: height, changes: changes))
        }
        return result
    }

    public var description: String {
        let faults = byzantine.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        return """
            seed \(seed): \(validators) validators, faulty [\(faults)], delay \(minimumDelay)+\(jitter), \
            drop \(dropRate), dup \(duplicateRate), \(partitions.count) partitions, \(crashes.count) crash-restarts, \
            target \(targetHeight), heals at \(healsAt)\(reconfigurations.isEmpty ? "" : ", \(spares) spares, sets change at " + reconfigurations.map { "\($0.height):\($0.changes)" }.joined(separator: " "))
            """
    }
}
