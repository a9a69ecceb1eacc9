import Foundation
import StrandNode
import StrandPrimitives

/// What only tests may turn on, by environment variable, and only in debug builds: a release
/// build refuses to start a node with any of them set, so that no production node runs one.
enum TestSwitches {
    /// Shifts this node's wall clock by N milliseconds (negative: behind).
    static let clockOffset = "STRAND_TEST_CLOCK_OFFSET_MS"

    /// Makes this validator lie: equivocate, bad-state-root, withhold-votes or huge-views.
    static let byzantine = "STRAND_TEST_BYZANTINE"

    static let all = [clockOffset, byzantine]

    static let help = """
        Test-only switches (environment; debug builds only, a release build refuses to start with \
        any set): \(clockOffset)=N shifts the node's wall clock by N ms; \(byzantine)=B makes this \
        validator lie, B one of \(ByzantineBehaviour.allCases.map(\.rawValue).joined(separator: ", ")).
        """

    /// Applies the switches to `settings` and returns the node's clock; throws in a release build if any is set.
    static func apply(to settings: inout NodeConfig, _ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> any NodeClock {
        let set = all.filter { environment[$0] != nil }
        #if DEBUG
        let debugBuild = true
        #else
        let debugBuild = false
        #endif
        guard set.isEmpty || debugBuild else {
            throw CLIError("\(set.joined(separator: ", ")): test-only switches; this release build refuses them")
        }
        if let name = environment[byzantine] {
            guard let behaviour = ByzantineBehaviour(rawValue: name) else {
                throw CLIError("\(byzantine) must be one of \(ByzantineBehaviour.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
            }
            settings.byzantine = behaviour
        }
        guard let text = environment[clockOffset] else { return SystemClock() }
        guard let offset = Int64(text) else { throw CLIError("\(clockOffset) must be a whole number of milliseconds, not \(text)") }
        return OffsetClock(SystemClock(), offsetMilliseconds: offset)
    }
}
