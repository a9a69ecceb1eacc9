import Foundation
import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandTypes
import Testing
@testable import StrandNode

/// The validator's vote journal on disk: what is written is read back, locked block included,
/// and a damaged journal stops the node instead of being ignored.
@Suite struct ConsensusJournalFileTests {
    static func directory() -> String {
        let path = NSTemporaryDirectory() + "strand-journal-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let block = Block(header: BlockHeader(parentHash: .zero, number: 3, timestamp: 1, sealer: .zero, transactionsRoot: .zero,
                                                 receiptsRoot: .zero, stateRoot: .zero, gasUsed: 0, gasLimit: 1), transactions: [])

    @Test func aJournalWithItsLockedBlockReadsBack() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = ConsensusJournalFile(directory: path)
        #expect(try file.read() == nil, "no journal yet")
        let lock = PreparedCertificate(height: 3, view: 1, blockHash: Self.block.hash, prepares: [])
        let journal = PBFTJournal(height: 3, view: 2, prepared: .init(view: 1, blockHash: Self.block.hash),
                                  committed: .init(view: 1, blockHash: Self.block.hash), lock: lock, lockedBlock: Self.block)
        try file.write(journal)
        #expect(try ConsensusJournalFile(directory: path).read() == journal)
        try file.write(PBFTJournal(height: 4))
        #expect(try file.read() == PBFTJournal(height: 4), "a later write replaces the journal whole")
    }

    @Test func aDamagedJournalStopsTheNode() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = ConsensusJournalFile(directory: path)
        try file.write(PBFTJournal(height: 1, view: 4))
        let bytes = try #require(FileManager.default.contents(atPath: file.path))
        try Data(bytes.dropLast(2)).write(to: URL(fileURLWithPath: file.path))
        #expect(throws: ConsensusJournalFile.Failure.self) { try file.read() }
    }
}
