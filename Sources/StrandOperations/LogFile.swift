import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where a node's log lines go: standard error (for the journal, by default) or a file that a
/// node running for months can keep, reopened on SIGHUP (logrotate's `postrotate`) or rotated
/// by the node itself once it passes a size (FILE → FILE.1 → … → FILE.keep, the oldest dropped).
public final class LogFile: Sendable {
    public let path: String?
    public let maxBytes: Int?
    public let keep: Int
    private struct State {
        var fd: Int32
        var written: Int
    }
    private let state: Mutex<State>

    /// Standard error.
    public init() {
        path = nil
        maxBytes = nil
        keep = 0
        state = Mutex(State(fd: STDERR_FILENO, written: 0))
    }

    /// `path`, appended to; rotated past `maxBytes` if given, keeping `keep` old files.
    public init(path: String, maxBytes: Int? = nil, keep: Int = 5) throws {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = max(1, keep)
        let fd = try Self.open(path)
        state = Mutex(State(fd: fd, written: Self.size(fd)))
    }

    deinit {
        state.withLock { if $0.fd != STDERR_FILENO { close($0.fd) } }
    }

    /// Appends one line (its newline added), rotating first if the file would pass its limit.
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0a)
        state.withLock { state in
            if let maxBytes, state.written > 0, state.written + bytes.count > maxBytes { rotate(&state) }
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(state.fd, $0.baseAddress, $0.count) }
                if n <= 0 { if errno == EINTR { continue } else { break } }
                offset += n
            }
            state.written += offset
        }
    }

    /// Closes and opens the file again by its name: after logrotate moved it, lines go to a new one.
    public func reopen() {
        guard let path else { return }
        state.withLock { state in
            guard let fd = try? Self.open(path) else { return }
            close(state.fd)
            state = State(fd: fd, written: Self.size(fd))
        }
    }

    private func rotate(_ state: inout State) {
        guard let path else { return }
        let manager = FileManager.default
        try? manager.removeItem(atPath: "\(path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) where manager.fileExists(atPath: "\(path).\(index)") {
            try? manager.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
        }
        try? manager.moveItem(atPath: path, toPath: "\(path).1")
        guard let fd = try? Self.open(path) else { return }
        close(state.fd)
        state = State(fd: fd, written: 0)
    }

    private static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OperationsError("cannot open log file \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    private static func size(_ fd: Int32) -> Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }
}
