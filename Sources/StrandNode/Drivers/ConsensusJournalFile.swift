import Foundation
import StrandConsensus

#if canImport(Glibc)
import Glibc
#endif

/// The validator's PBFT journal on disk, beside the ledger: each write goes to a temporary
/// file that is synced and renamed over the old one (and the directory synced), so that a
/// crash leaves the old journal or the new one, whole. Its own file rather than an LMDB
/// table: a vote must not wait behind a block's commit (ARCHITECTURE.md).
struct ConsensusJournalFile: Sendable {
    let path: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(directory: String) {
        path = (directory as NSString).appendingPathComponent("consensus.journal")
    }

    /// The journal, or nil when there is none (a validator that never voted).
    func read() throws(Failure) -> PBFTJournal? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read \(path)") }
        do { return try PBFTJournal.decode(Array(data)) } catch {
            // Starting without it could make this validator vote against itself: the operator decides.
            throw Failure(description: "\(path) is damaged (\(error)); it records this validator's votes, so the node will not start without it. Move it away only if this validator's key has not voted at the ledger's next height.")
        }
    }

    func write(_ journal: PBFTJournal) throws(Failure) {
        let temporary = path + ".tmp"
        let bytes = journal.encoded
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot open \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let result = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if result <= 0 { return false }
                written += result
            }
            return fdatasync(fd) == 0
        }
        let error = errno
        close(fd)
        guard ok else { throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(error)))") }
        guard rename(temporary, path) == 0 else { throw Failure(description: "cannot rename \(temporary): \(String(cString: strerror(errno)))") }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
