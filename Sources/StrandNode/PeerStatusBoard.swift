import Dispatch
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import Synchronization

/// The latest status report each member peer sent (the `status` protocol), and this node's own,
/// sent to every peer every `interval` and to a peer as soon as it links: the node table of a
/// block browser, whichever node serves it.
final class PeerStatusBoard: Sendable {
    static let interval: DispatchTimeInterval = .seconds(2)

    struct Heard: Sendable {
        let report: NodeStatusReport
        /// Wall-clock milliseconds when it arrived.
        let at: UInt64
    }

    private let heard = Mutex<[NodeID: Heard]>([:])
    private let timer = Mutex<DispatchSourceBox?>(nil)
    private let clock: any NodeClock

    init(clock: any NodeClock) { self.clock = clock }

    /// What each peer last said of itself, and when.
    var reports: [NodeID: Heard] { heard.withLock { $0 } }

    /// A member's report; a malformed one is the peer's fault.
    func received(_ message: ProtocolMessage, from peer: NodeID) throws(MessageError) {
        let report = try NodeStatusReport.decode(message)
        let now = clock.wallMilliseconds()
        heard.withLock { $0[peer] = Heard(report: report, at: now) }
    }

    /// A member that left the chain is forgotten; one that went down keeps its last word.
    func forget(_ peer: NodeID) { _ = heard.withLock { $0.removeValue(forKey: peer) } }

    /// Sends `current()` to every peer now and every `interval` until `stop()`.
    func startReporting(to messenger: any PeerMessenger, current: @escaping @Sendable () -> NodeStatusReport) {
        let source = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        source.schedule(deadline: .now(), repeating: Self.interval, leeway: .milliseconds(200))
        source.setEventHandler { messenger.broadcast(.subprotocol(current().protocolMessage)) }
        timer.withLock { $0 = DispatchSourceBox(source: source) }
        source.resume()
    }

    func stop() { timer.withLock { $0?.source.cancel() } }
}

/// Dispatch sources are thread-safe, but not marked `Sendable`.
private struct DispatchSourceBox: @unchecked Sendable {
    let source: any DispatchSourceTimer
}
