import Foundation
import Logging
import StrandCrypto
import StrandNetworkAPI
import StrandPrimitives
import StrandStorage
@testable import StrandSync
import StrandTestSupport
import StrandTypes
import Synchronization
import Testing

/// `SyncService` against a fake messenger, no sockets: it serves ranges, asks a peer ahead, drops
/// a peer that serves a bad block, and gossips what the pool admitted.
@Suite struct SyncServiceTests {
    /// Block numbers the service imported.
    final class Imported: Sendable {
        let numbers = Mutex<[UInt64]>([])
    }

    static let peer = NodeID(PrivateKey.random().publicKey)

    /// A ledger of `blocks` synthetic blocks and a service on it; `imported` records what it imports.
    private func service(blocks: Int, follows: Bool, imported: Imported? = nil) throws
        -> (SyncService, RecordingMessenger, Ledger, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-sync-\(UUID().uuidString)").path
        var synthetic = SyntheticBlocks(seed: 5)
        let ledger = try Ledger(directory: directory, options: LMDBOptions(mapSize: 1 << 28), genesis: synthetic.genesis)
        for _ in 0..<blocks {
            let head = ledger.head
            let next = synthetic.block(number: head.number + 1, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                       transactionCount: 2, stateKeys: 4, churn: false)
            try ledger.commit(next.block, receipts: next.receipts, changes: next.changes)
        }
        let messenger = RecordingMessenger()
        var logger = Logger(label: "sync-test")
        logger.logLevel = .critical
        let sync = SyncService(
            ledger: ledger, messenger: messenger, clock: SystemClock(), follows: follows, logger: logger,
            recoverSenders: { blocks in blocks.map { _ in [] } },
            importBlocks: { blocks, _ in
                imported?.numbers.withLock { $0 += blocks.map(\.number) }
                return (blocks.count, nil, ledger.head.number + UInt64(blocks.count))
            },
            localHeight: { ledger.head.number }, admit: { _ in })
        return (sync, messenger, ledger, directory)
    }

    @Test func servesARangeOfSealedBlocks() throws {
        let (sync, messenger, ledger, directory) = try service(blocks: 5, follows: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        sync.handle(.getBlocks(from: 2, count: 3), from: Self.peer)
        #expect(eventually(5) { !messenger.sent.withLock { $0.isEmpty } })
        let (message, to) = try #require(messenger.sent.withLock { $0.first })
        let expected = try (2...4).map { try #require(try ledger.block(number: $0)).networkEncoding }
        #expect(message == SyncMessage.blocks(expected).networkMessage && to == Self.peer)
        sync.stop()
    }

    @Test func asksAPeerAheadAndImportsWhatItServes() throws {
        let imported = Imported()
        let (sync, messenger, _, directory) = try service(blocks: 0, follows: true, imported: imported)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // What the peer will serve: blocks 1 and 2 of a chain like ours.
        let (_, _, source, sourceDirectory) = try service(blocks: 2, follows: false)
        defer { try? FileManager.default.removeItem(atPath: sourceDirectory) }
        sync.handle(.status(.init(height: 2, headHash: source.head.hash)), from: Self.peer)
        #expect(eventually(5) { messenger.sent.withLock { $0.contains { $0.0 == SyncMessage.getBlocks(from: 1, count: 2).networkMessage && $0.1 == Self.peer } } })
        let served = try (1...2).map { try #require(try source.block(number: $0)).networkEncoding }
        sync.handle(.blocks(served), from: Self.peer)
        #expect(eventually(5) { imported.numbers.withLock { $0 } == [1, 2] })
        #expect(messenger.dropped.withLock { $0.isEmpty })
        sync.stop()
    }

    @Test func aPeerThatServesAMalformedBlockIsDropped() throws {
        let (sync, messenger, _, directory) = try service(blocks: 0, follows: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        sync.handle(.status(.init(height: 2, headHash: .zero)), from: Self.peer)
        sync.handle(.blocks([[0xc0, 0x01]]), from: Self.peer)
        #expect(eventually(5) { messenger.dropped.withLock { $0.first?.0 == Self.peer } })
        #expect(messenger.dropped.withLock { $0.first.map { $0.1.isPeerFault } } == true)
        #expect(sync.metrics.badBlocks.load(ordering: .relaxed) == 1)
        sync.stop()
    }

    @Test func aSyncMessageThatDoesNotReadEndsThePeersLink() throws {
        let (sync, messenger, _, directory) = try service(blocks: 0, follows: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // getBlocks asking for more than a request may, then a body that is not a list.
        sync.receive(ProtocolMessage(code: 6, body: [0xc2, 0x01, 0x41]), from: Self.peer)
        sync.receive(ProtocolMessage(code: 5, body: [0x80]), from: Self.peer)
        let dropped = messenger.dropped.withLock { $0 }
        #expect(dropped.count == 2 && dropped.allSatisfy { $0.0 == Self.peer && $0.1.isPeerFault })
        sync.stop()
    }

    /// The bytes on the wire are the ones of the layout before the protocols took their messages
    /// over: a node of the last version and one of this version understand each other.
    @Test func syncMessagesKeepTheirBytesOnTheWire() throws {
        let status = SyncMessage.status(.init(height: 9, headHash: .zero)).networkMessage.encoded
        #expect(status == [0xe4, 0x05, 0xe2, 0x09, 0xa0] + [UInt8](repeating: 0, count: 32))
        #expect(SyncMessage.getBlocks(from: 5, count: 64).networkMessage.encoded == [0xc4, 0x06, 0xc2, 0x05, 0x40])
        #expect(NetworkMessage.consensus([1, 2]).encoded == [0xc4, 0x08, 0x82, 0x01, 0x02])
        for message in [SyncMessage.transactions([[1], [2, 3]]), .status(.init(height: 1, headHash: .zero)),
                        .getBlocks(from: 1, count: 1), .blocks([])] {
            guard case .subprotocol(let carried) = try NetworkMessage.decode(message.networkMessage.encoded) else {
                Issue.record("not a protocol message")
                continue
            }
            #expect(carried.subprotocol == .sync)
            #expect(try SyncMessage(carried) == message)
        }
    }

    @Test func gossipsWhatThePoolAdmittedInBatches() throws {
        let (sync, messenger, _, directory) = try service(blocks: 0, follows: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        sync.start()
        let raws = (0..<3).map { [UInt8($0), 1, 2] }
        sync.gossip(raws)
        #expect(eventually(5) { messenger.sent.withLock { $0.contains { $0.0 == SyncMessage.transactions(raws).networkMessage && $0.1 == nil } } })
        #expect(sync.metrics.gossipSent.load(ordering: .relaxed) == 3)
        sync.stop()
    }
}

/// How an answer is cut for import as it is decoded: whole blocks, about
/// `ImportChunker.transactions` transactions a chunk, in order.
@Suite struct SyncImportChunkTests {
    @Test func chunksAreWholeBlocksInOrder() {
        var synthetic = SyntheticBlocks(seed: 9)
        // Only the transaction counts matter here, not whether the blocks chain.
        let blocks = [1_500, 600, 10, 3_000, 2_048, 1].enumerated().map { number, count in
            synthetic.block(number: UInt64(number + 1), parentHash: .zero, parentStateRoot: .zero,
                            transactionCount: count, stateKeys: 1, churn: false).block
        }
        var chunker = ImportChunker()
        var chunks = blocks.compactMap { chunker.add($0) }
        chunks.append(chunker.finish())
        #expect(chunks.map { $0.map(\.transactions.count) } == [[1_500, 600], [10, 3_000], [2_048], [1]])
        #expect(chunks.flatMap { $0 }.map(\.number) == blocks.map(\.number))
        var empty = ImportChunker()
        #expect(empty.finish().isEmpty)
    }
}
