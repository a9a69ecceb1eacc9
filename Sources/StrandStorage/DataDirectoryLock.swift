import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, advisory lock on a data directory, held for as long as a ledger is open:
/// two processes writing one ledger would each seal on their own head. The lock file
/// records the holder's pid so that the refusal can name it; the kernel drops the lock when
/// the holder exits, however it exits.
final class DataDirectoryLock: Sendable {
    static let fileName = "strand.lock"
    private let descriptor: Int32

    init(directory: String) throws(LedgerError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .storage(LMDBError(operation: "open \(path)", code: errno))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw .locked(directory: directory, holderPID: holder)
        }
        let line = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, line, line.count, 0)
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
