import Dispatch
import Logging
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandStorage
import StrandTypes
import Synchronization

/// What moves over the network for the chain: transactions gossiped to every peer's pool,
/// heads announced on every commit and every second, and sealed blocks fetched in ranges by a
/// node that is behind and imported through the node's one import path.
///
/// All its work runs on one serial queue; `handle` and the others may be called from anywhere.
public final class SyncService: Sendable {
    /// The senders of each block's transactions (nil for a block whose signatures do not all
    /// recover): the costly step, run ahead of the import of the blocks before.
    public typealias Recover = @Sendable ([Block]) -> [[Address]?]
    /// Imports blocks in order with their senders: how many went in, why the first bad one was
    /// refused, and the height this node's chain has reached with them.
    public typealias Import = @Sendable ([Block], [[Address]?]) -> (imported: Int, refused: String?, height: UInt64)
    /// The height of this node's chain, blocks still committing included.
    public typealias Height = @Sendable () -> UInt64
    public typealias Admit = @Sendable ([[UInt8]]) -> Void

    let ledger: Ledger
    let clock: any NodeClock
    let logger: Logger
    /// Whether this node imports what peers serve (an observer does; a solo validator seals).
    let follows: Bool
    private let recoverSenders: Recover
    private let importBlocks: Import
    private let localHeight: Height
    /// Served blocks are decoded and their senders recovered here, then imported on
    /// `importing`: recovery of one range overlaps the import (and commits) of the one before.
    private let recovering = DispatchQueue(label: "strand-sync-recovery")
    private let importing = DispatchQueue(label: "strand-sync-import")
    private let admit: Admit
    private let queue = DispatchQueue(label: "strand-sync")
    /// Gossiped transactions are admitted apart, so that their recovery never delays a block.
    private let admission = DispatchQueue(label: "strand-gossip-admission")
    private let messenger: any PeerMessenger
    private let planner = Mutex(SyncPlanner())
    private let pendingGossip = Mutex<[[UInt8]]>([])
    /// Gossip flushes and head announcements, on `queue`. Dispatch sources are thread-safe.
    private nonisolated(unsafe) let timer: DispatchSourceTimer
    /// Whether `start` resumed the timer: a dispatch source must be resumed before it is released.
    private let started = Atomic<Bool>(false)
    /// Most bytes of blocks sent in one answer (always at least one block): small enough that
    /// the first answer arrives soon and the next is fetched while this one imports.
    static let maxAnswerBytes = 4 << 20
    /// Transactions gathered into one gossip message at most.
    static let gossipBatch = 2_000
    public let metrics = SyncMetrics()

    public init(ledger: Ledger, messenger: any PeerMessenger, clock: any NodeClock, follows: Bool, logger: Logger,
                recoverSenders: @escaping Recover, importBlocks: @escaping Import, localHeight: @escaping Height,
                admit: @escaping Admit) {
        self.messenger = messenger
        self.recoverSenders = recoverSenders
        self.localHeight = localHeight
        self.ledger = ledger
        self.clock = clock
        self.follows = follows
        self.logger = logger
        self.importBlocks = importBlocks
        self.admit = admit
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    deinit {
        if !started.load(ordering: .relaxed) { timer.resume() }
    }

    public func start() {
        var ticks = 0
        guard !started.exchange(true, ordering: .relaxed) else { return }
        timer.schedule(deadline: .now(), repeating: .milliseconds(20))
        timer.setEventHandler { [self] in
            flushGossip()
            ticks += 1
            if ticks % 50 == 0 {
                announceHead()
                if follows { carryOut(planner.withLock { $0.tick(localHeight: localHeight(), now: clock.monotonic()) }) }
            }
        }
        timer.resume()
    }

    public func stop() {
        timer.cancel()
        queue.sync {}
        recovering.sync {}
        importing.sync {}
        admission.sync {}
    }

    /// Where sync stands, for RPC: the best height peers reported and each peer's.
    public var peerHeights: [NodeID: UInt64] { planner.withLock { $0.heights } }
    public var bestKnownHeight: UInt64 { max(planner.withLock { $0.bestKnownHeight }, ledger.head.number) }

    // MARK: Events

    /// A sync message from `peer` as the network delivered it; one that does not read is the
    /// peer's fault, and its link ends.
    public func receive(_ message: ProtocolMessage, from peer: NodeID) {
        do {
            handle(try SyncMessage(message), from: peer)
        } catch {
            messenger.disconnect(peer, because: .badMessage(error))
        }
    }

    public func handle(_ message: SyncMessage, from peer: NodeID) {
        queue.async { [self] in
            switch message {
            case .transactions(let raws):
                metrics.gossipReceived.wrappingAdd(UInt64(raws.count), ordering: .relaxed)
                admission.async { [admit] in admit(raws) }
            case .status(let status):
                guard follows else { return }
                carryOut(planner.withLock { $0.status(of: peer, height: status.height, localHeight: localHeight(), now: clock.monotonic()) })
            case .getBlocks(let from, let count):
                serve(from: from, count: count, to: peer)
            case .blocks(let raws):
                guard follows else { return }
                importServed(raws, from: peer)
            }
        }
    }

    public func peerChanged(_ peer: NodeID, up: Bool) {
        queue.async { [self] in
            if up {
                send(.status(headStatus), to: peer)
            } else {
                guard follows else { return }
                carryOut(planner.withLock { $0.peerGone(peer, localHeight: localHeight(), now: clock.monotonic()) })
            }
        }
    }

    /// A block was committed here: tell the peers.
    public func committed() {
        queue.async { [self] in announceHead() }
    }

    /// Transactions this node's pool admitted from its clients: every peer's pool gets them.
    public func gossip(_ raws: [[UInt8]]) {
        guard !raws.isEmpty else { return }
        let full = pendingGossip.withLock { pending in
            pending += raws
            return pending.count >= Self.gossipBatch
        }
        if full { queue.async { [self] in flushGossip() } }
    }

    // MARK: Work on the queue

    private var headStatus: SyncMessage.Status {
        let head = ledger.head
        return .init(height: head.number, headHash: head.hash)
    }

    private func announceHead() {
        messenger.broadcast(SyncMessage.status(headStatus).networkMessage)
    }

    private func flushGossip() {
        let batch = pendingGossip.withLock { pending -> [[UInt8]] in
            defer { pending = [] }
            return pending
        }
        guard !batch.isEmpty else { return }
        // Counted first: whoever sees a batch on the wire sees it counted.
        metrics.gossipSent.wrappingAdd(UInt64(batch.count), ordering: .relaxed)
        for start in stride(from: 0, to: batch.count, by: Self.gossipBatch) {
            messenger.broadcast(SyncMessage.transactions(Array(batch[start..<min(start + Self.gossipBatch, batch.count)])).networkMessage)
        }
    }

    private func serve(from: UInt64, count: UInt64, to peer: NodeID) {
        let started = ContinuousClock.now
        defer { logger.debug("served blocks from \(from) to \(peer.description.prefix(16))… in \(ContinuousClock.now - started)") }
        var raws: [[UInt8]] = []
        var bytes = 0
        do {
            let snapshot = try ledger.snapshot()
            var number = from
            while number < from &+ count, number <= snapshot.head.number, let encoded = try snapshot.networkEncodedBlock(number: number) {
                if !raws.isEmpty && bytes + encoded.count > Self.maxAnswerBytes { break }
                raws.append(encoded)
                bytes += encoded.count
                number += 1
            }
        } catch {
            logger.error("serving blocks from \(from): \(error)")
        }
        metrics.blocksServed.wrappingAdd(UInt64(raws.count), ordering: .relaxed)
        send(.blocks(raws), to: peer)
    }

    /// Blocks a peer served: the next range is asked for at once; these are decoded chunk by
    /// chunk, each chunk's senders recovered on one queue as soon as it is decoded and the chunk
    /// imported in order on another, so that a chunk's import (execution, and a commit that waits
    /// on the disk) overlaps the next chunk's decoding and recovery instead of following the
    /// whole answer's.
    private func importServed(_ raws: [[UInt8]], from peer: NodeID) {
        carryOut(planner.withLock { $0.arrived(from: peer, count: raws.count, localHeight: localHeight(), now: clock.monotonic()) })
        recovering.async { [self] in
            func recoverAndImport(_ chunk: [Block], malformed: String?) {
                // Blocks that consensus appended meanwhile would be skipped at import: their
                // signatures are not worth recovering (a validator a block behind its peers
                // asks for what its own vote is about to decide).
                let height = localHeight()
                let chunk = chunk.filter { $0.number > height }
                let senders = recoverSenders(chunk)
                importing.async { [self, chunk, senders] in
                    let outcome = importBlocks(chunk, senders)
                    metrics.blocksImported.wrappingAdd(UInt64(outcome.imported), ordering: .relaxed)
                    // A malformed block ends the answer: it is the peer's fault once the blocks before it are in.
                    let reason = outcome.refused ?? malformed
                    if let reason { logger.warning("block from peer \(peer.description.prefix(16))… refused: \(reason)") }
                    carryOut(planner.withLock {
                        $0.imported(from: peer, imported: outcome.imported, refused: reason, localHeight: outcome.height, now: clock.monotonic())
                    })
                }
            }
            var chunker = ImportChunker()
            var malformed: String?
            for raw in raws {
                do {
                    if let chunk = chunker.add(try Block(networkEncoding: raw)) { recoverAndImport(chunk, malformed: nil) }
                } catch {
                    malformed = "malformed block: \(error)"
                    break
                }
            }
            recoverAndImport(chunker.finish(), malformed: malformed)
        }
    }

    private func carryOut(_ actions: [SyncPlanner.Action]) {
        for action in actions {
            switch action {
            case .request(let peer, let from, let count):
                send(.getBlocks(from: from, count: count), to: peer)
            case .drop(let peer, let reason):
                metrics.badBlocks.wrappingAdd(1, ordering: .relaxed)
                messenger.disconnect(peer, because: .unexpectedMessage("served a bad block: \(reason)"))
            }
        }
    }

    private func send(_ message: SyncMessage, to peer: NodeID) {
        messenger.send(message.networkMessage, to: peer)
    }
}

public final class SyncMetrics: Sendable {
    public let gossipSent = Atomic<UInt64>(0)
    public let gossipReceived = Atomic<UInt64>(0)
    public let blocksServed = Atomic<UInt64>(0)
    public let blocksImported = Atomic<UInt64>(0)
    public let badBlocks = Atomic<UInt64>(0)
}

/// Cuts an answer's blocks, as they are decoded, into runs of about `transactions`
/// transactions for import (a block is never split): enough for a recovery batch to keep
/// every core busy, few enough that import starts early.
struct ImportChunker {
    static let transactions = 2_048

    private var chunk: [Block] = []
    private var count = 0

    /// Adds the next block; returns the chunk it closed, if it starts a new one.
    mutating func add(_ block: Block) -> [Block]? {
        var closed: [Block]?
        if count >= Self.transactions {
            closed = chunk
            chunk = []
            count = 0
        }
        chunk.append(block)
        count += block.transactions.count
        return closed
    }

    /// The last chunk (empty when no block was added).
    mutating func finish() -> [Block] {
        defer { chunk = []; count = 0 }
        return chunk
    }
}
