import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts and stops the node processes of a chain directory the way `strand chain start/stop`
/// do it, where no service manager runs them.
public enum NodeLauncher {
    /// Starts `executable node --config CONFIG --log-file LOG` in a session of its own (so that it
    /// outlives the command and the terminal), stderr appended to the same log for what the
    /// logger never sees (a crash's trace), and writes the pid file.
    public static func spawn(_ member: ChainDirectory.Member, executable: String) throws -> Int32 {
        let fd = open(member.logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw OperationsError("cannot open \(member.logPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fd, 1)
        posix_spawn_file_actions_adddup2(&actions, fd, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // glibc's POSIX_SPAWN_SETSID (0x80), which the Glibc module does not export.
        posix_spawnattr_setflags(&attributes, 0x80)
        let arguments = [executable, "node", "--config", member.configPath, "--log-file", member.logPath]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw OperationsError("cannot start \(executable): \(String(cString: strerror(result)))") }
        try "\(pid)\n".write(toFile: member.pidPath, atomically: true, encoding: .utf8)
        return pid
    }

    /// Waits, at most `timeout` seconds, until the node named by the pid file no longer runs (a
    /// zombie has exited: its block in progress was committed); removes the pid file then.
    public static func waitUntilStopped(_ member: ChainDirectory.Member, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while member.liveness.runningPID != nil {
            guard Date() < deadline else { return false }
            usleep(50_000)
        }
        try? FileManager.default.removeItem(atPath: member.pidPath)
        return true
    }

    /// The last `lines` lines of a node's log, for an error that says why it did not start.
    public static func tail(_ path: String, lines: Int = 5) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 8_192 ? size - 8_192 : 0)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
