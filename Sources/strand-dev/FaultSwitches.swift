import Foundation
import Logging
import StrandByzantine
import StrandCLI
import StrandConsensus
import StrandNode
import StrandPrimitives

/// `strand-dev node`'s fault switches, read from the environment so that a test harness can set
/// them on one node of a chain: a developer's executable, never shipped (`strand` has none).
enum FaultSwitches {
    /// Shifts this node's wall clock by N milliseconds (negative: behind).
    static let clockOffset = "STRAND_TEST_CLOCK_OFFSET_MS"

    /// Makes this validator lie, through a `ByzantineMessenger` around its links.
    static let byzantine = "STRAND_TEST_BYZANTINE"

    static let floodInterval = Duration.milliseconds(200)

    static let switches = NodeFaultSwitches(
        commandName: "strand-dev",
        help: """
            Fault switches of strand-dev (environment; for fault tests, never in production): \(clockOffset)=N \
            shifts the node's wall clock by N ms; \(byzantine)=B makes this validator lie, B one of \
            \(ByzantineBehaviour.allCases.map(\.rawValue).joined(separator: ", ")).
            """,
        apply: { settings in try apply(to: &settings) })

    /// Floods on a thread of its own for as long as the process runs; the log counts the floods.
    static func startFlooding(_ liar: ByzantineMessenger) {
        let logger = Logger(label: "strand.byzantine")
        let thread = Thread {
            while true {
                let sent = liar.flood()
                if sent % 25 == 0 { logger.notice("huge-views: \(sent) view changes sent for views 2^40 ahead") }
                Thread.sleep(forTimeInterval: Double(floodInterval.components.attoseconds) / 1e18 + Double(floodInterval.components.seconds))
            }
        }
        thread.name = "strand.byzantine.flood"
        thread.start()
    }

    static func apply(to settings: inout NodeConfig, _ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> any NodeClock {
        if let name = environment[byzantine] {
            guard let behaviour = ByzantineBehaviour(rawValue: name) else {
                throw CLIError("\(byzantine) must be one of \(ByzantineBehaviour.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
            }
            settings.consensusProxy = (name: behaviour.rawValue, wrap: { links, chain, key in
                let index = chain.genesisValidators.index(of: chain.suite.nodeID(of: key)) ?? 0
                let liar = ByzantineMessenger(wrapping: links, behaviour: behaviour, chain: chain,
                                              authenticator: SuiteAuthenticator(chain: chain, key: key), index: UInt32(index))
                if behaviour == .hugeViews { startFlooding(liar) }
                return liar
            })
        }
        guard let text = environment[clockOffset] else { return SystemClock() }
        guard let offset = Int64(text) else { throw CLIError("\(clockOffset) must be a whole number of milliseconds, not \(text)") }
        return OffsetClock(SystemClock(), offsetMilliseconds: offset)
    }
}
