import Logging
import StrandChain
import StrandConsensus
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTxPool
import StrandTypes
import Synchronization

/// Runs a validator's `PBFTHost` on a thread of its own: hands it what other threads report
/// (peers' messages, links coming up, the chain advancing by sync, the pool filling) and sleeps
/// until the host's next deadline or the next report. Never polls.
final class PBFTDriver: @unchecked Sendable {
    enum Input {
        case message(ProtocolMessage, from: NodeID)
        case chainAdvanced(UInt64)
        case peerUp
    }

    let appender: ChainAppender
    let clock: any NodeClock
    let metrics: ConsensusMetrics
    private let inbox = Mutex<[Input]>([])
    private let thread = DriverThread()
    /// What RPC shows, refreshed after every turn of the loop.
    let status: Mutex<PBFTStatus>
    /// The driver's thread alone touches it.
    private let host: PBFTHost<NodeConsensusChain>

    /// - Parameter messenger: the peers, through the node's links (or a proxy around them that
    ///   `NodeConfig.consensusMessenger` put there).
    init(chain: ChainConfig, index: Int, key: PrivateKey, builder: BlockBuilder, importer: BlockImporter, appender: ChainAppender,
         messenger: any PeerMessenger, policy: SealingPolicy, dataDirectory: String, clock: any NodeClock, logger: Logger,
         metrics: NodeMetrics) throws {
        self.appender = appender
        self.clock = clock
        self.metrics = ConsensusMetrics(factory: metrics.factory)
        let journalFile = ConsensusJournalFile(directory: dataDirectory)
        let journal = try journalFile.read()
        let machine = PBFTStateMachine(
            chain: chain, index: UInt32(index), authenticator: SuiteAuthenticator(chain: chain, key: key),
            settings: PBFTSettings(baseTimeout: .milliseconds(Int64(chain.consensusTimeoutMilliseconds))),
            chainHeight: appender.height, journal: journal)
        status = Mutex(PBFTStatus(machine))
        let recorder = ConsensusRecorder(file: journalFile, metrics: self.metrics, logger: logger)
        host = PBFTHost(
            machine: machine,
            chain: NodeConsensusChain(builder: builder, importer: importer, appender: appender, clock: clock, metrics: self.metrics, logger: logger),
            messenger: messenger, journal: recorder, policy: policy, observer: recorder, clock: { clock.monotonic() })
        if let journal, journal.height == machine.height {
            logger.notice("consensus journal: resuming height \(journal.height) in view \(journal.view)\(journal.lock.map { ", locked on \($0.blockHash) from view \($0.view)" } ?? "")")
        } else if journal == nil {
            logger.notice("""
                no consensus journal in \(dataDirectory): this validator votes as one that never voted. If its data directory \
                was lost while the chain ran, a vote it cast at the height then in progress is forgotten (ARCHITECTURE.md, Operations)
                """)
        }
    }

    // MARK: Inputs from other threads

    func received(_ message: ProtocolMessage, from peer: NodeID) { push(.message(message, from: peer)) }
    func chainAdvanced(to height: UInt64) { push(.chainAdvanced(height)) }
    func peerUp() { push(.peerUp) }
    /// The pool changed: a block may be due, or the timer may need to run.
    func wake() { thread.wake() }

    private func push(_ input: Input) {
        inbox.withLock { $0.append(input) }
        wake()
    }

    func start() {
        thread.start { [self] in
            host.start()
            loop()
        }
    }

    func stop() {
        guard thread.stop() else { return }
        appender.committer.drain()
    }

    // MARK: The loop

    private func loop() {
        while thread.isRunning {
            for input in inbox.withLock({ inputs in defer { inputs.removeAll() }; return inputs }) {
                switch input {
                case .message(let message, let peer): host.receive(message, from: peer)
                case .chainAdvanced(let height): host.chainAdvanced(to: height)
                case .peerUp: host.peerConnected()
                }
            }
            let wait = host.poll()
            let snapshot = PBFTStatus(host.machine)
            status.withLock { $0 = snapshot }
            metrics.view.record(Int64(clamping: snapshot.view))
            if inbox.withLock({ $0.isEmpty }) { thread.sleep(upTo: wait) }
        }
    }
}

/// A validator's consensus state as RPC reports it.
struct PBFTStatus: Sendable {
    var index: UInt32
    var height: UInt64
    var view: UInt64
    var leader: UInt32
    var lock: PreparedCertificate?

    init(_ machine: PBFTStateMachine) {
        index = machine.index
        height = machine.height
        view = machine.view
        leader = machine.leader(height: machine.height, view: machine.view)
        lock = machine.journal.lock
    }
}
