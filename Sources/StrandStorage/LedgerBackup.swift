import Foundation
import CLMDB

#if canImport(Glibc)
import Glibc
#endif

/// Backups of a ledger: a snapshot is one file, LMDB's compacted copy of the data directory's
/// environment as one read transaction sees it, so that a running node's ledger is copied whole
/// and consistent without stopping it (readers never block its writer). Restoring writes that
/// file back as a data directory's environment; the node syncs the blocks after it from peers.
public enum LedgerBackup {
    /// Copies the ledger in `directory` (a node may be running on it) to `file`, written whole
    /// under a temporary name, synced, then renamed. Returns the head the snapshot holds.
    @discardableResult
    public static func snapshot(directory: String, to file: String) throws(LedgerError) -> ChainHead {
        guard FileManager.default.fileExists(atPath: directory + "/data.mdb") else { throw .noChain(directory: directory) }
        guard !FileManager.default.fileExists(atPath: file) else {
            throw .storage(LMDBError(operation: "write \(file): it exists; not overwriting a snapshot", code: EEXIST))
        }
        let partial = file + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storage(LMDBError(operation: "create \(partial)", code: errno)) }
        do {
            let env = try LMDBEnvironment.reading(path: directory, singleFile: false)
            try env.copy(to: fd)
            guard fsync(fd) == 0 else { throw LMDBError(operation: "sync \(partial)", code: errno) }
            close(fd)
        } catch {
            close(fd)
            unlink(partial)
            throw LedgerError(wrapping: error, mapSize: 0)
        }
        guard rename(partial, file) == 0 else { throw .storage(LMDBError(operation: "rename \(partial) to \(file)", code: errno)) }
        return try head(ofSnapshot: file)
    }

    /// The head recorded in a snapshot file.
    public static func head(ofSnapshot file: String) throws(LedgerError) -> ChainHead {
        do {
            let env = try LMDBEnvironment.reading(path: file, singleFile: true)
            let meta = try env.database(named: "meta")
            let txn = try env.beginRead()
            guard let bytes = try txn.get(meta, key: LedgerTables.headKey), let head = ChainHead.decode(bytes) else {
                throw LedgerError.corrupt("\(file) holds no chain head: not a ledger snapshot")
            }
            return head.head
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(wrapping: error, mapSize: 0)
        }
    }

    /// Makes `directory` the ledger of snapshot `file`. Refuses a directory that holds a ledger
    /// already (move it away first) and a file that is not a snapshot; the copy is synced
    /// before it takes the environment's name, so a crash leaves no half ledger.
    @discardableResult
    public static func restore(from file: String, into directory: String) throws(LedgerError) -> ChainHead {
        let head = try head(ofSnapshot: file)
        let target = directory + "/data.mdb"
        guard !FileManager.default.fileExists(atPath: target) else {
            throw .storage(LMDBError(operation: "restore into \(directory): it holds a ledger already; move it away first", code: EEXIST))
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage(LMDBError(operation: "create \(directory): \(error.localizedDescription)", code: EIO))
        }
        let partial = target + ".partial"
        guard let input = FileHandle(forReadingAtPath: file) else { throw .storage(LMDBError(operation: "read \(file)", code: errno)) }
        defer { try? input.close() }
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .storage(LMDBError(operation: "create \(partial)", code: errno)) }
        defer { close(fd) }
        while true {
            let chunk = input.readData(ofLength: 4 << 20)
            if chunk.isEmpty { break }
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == chunk.count else {
                unlink(partial)
                throw .storage(LMDBError(operation: "write \(partial)", code: errno))
            }
        }
        guard fsync(fd) == 0, rename(partial, target) == 0 else { throw .storage(LMDBError(operation: "install \(target)", code: errno)) }
        try? FileManager.default.removeItem(atPath: directory + "/lock.mdb")
        return head
    }
}
