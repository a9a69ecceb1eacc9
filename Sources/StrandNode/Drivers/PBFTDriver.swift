import Logging
import StrandChain
import StrandConsensus
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandTxPool
import StrandTypes
import Synchronization

/// Runs a node's `PBFTHost` (silent while the node is not a validator) on a thread of its own: hands it what other threads report
/// (peers' messages, links coming up, the chain advancing by sync, the pool filling) and sleeps
/// until the host's next deadline or the next report. Never polls.
final class PBFTDriver: @unchecked Sendable {
    enum Input {
        case message(ProtocolMessage, from: NodeID)
        case chainAdvanced
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
    init(chain: ChainConfig, key: PrivateKey, builder: BlockBuilder, importer: BlockImporter, members: ChainMembers, appender: ChainAppender,
         messenger: any PeerMessenger, policy: SealingPolicy, dataDirectory: String, clock: any NodeClock, logger: Logger,
         metrics: NodeMetrics) throws {
        self.appender = appender
        self.clock = clock
        self.metrics = ConsensusMetrics(factory: metrics.factory)
        let journalFile = ConsensusJournalFile(directory: dataDirectory)
        let journal = try journalFile.read()
        let consensusChain = NodeConsensusChain(builder: builder, importer: importer, appender: appender, members: members, clock: clock,
                                                metrics: self.metrics, logger: logger)
        let tip = try consensusChain.readTip()
        let machine = PBFTStateMachine(
            chain: chain, node: chain.suite.nodeID(of: key), authenticator: SuiteAuthenticator(chain: chain, key: key),
            settings: PBFTSettings(baseTimeout: .milliseconds(Int64(chain.consensusTimeoutMilliseconds))),
            chainHeight: tip.height, validators: tip.nextValidators, journal: journal)
        status = Mutex(PBFTStatus(machine))
        let recorder = ConsensusRecorder(file: journalFile, metrics: self.metrics, logger: logger)
        host = PBFTHost(
            machine: machine, chain: consensusChain, messenger: messenger, journal: recorder, policy: policy, observer: recorder, clock: { clock.monotonic() })
        if !machine.isValidator {
            logger.notice("consensus: not a validator at height \(machine.height); following, and voting from the height a governor makes this node a sealer")
        } else if let journal, journal.height == machine.height {
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
    func chainAdvanced() { push(.chainAdvanced) }
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
                case .chainAdvanced: host.chainAdvanced()
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

/// A node's consensus state as RPC reports it.
struct PBFTStatus: Sendable {
    /// nil while this node is not a validator of the height.
    var index: UInt32?
    var validators: ValidatorSet
    var height: UInt64
    var view: UInt64
    var leader: UInt32
    var lock: PreparedCertificate?

    init(_ machine: PBFTStateMachine) {
        index = machine.index
        validators = machine.validators
        height = machine.height
        view = machine.view
        leader = machine.leader(height: machine.height, view: machine.view)
        lock = machine.journal.lock
    }
}
