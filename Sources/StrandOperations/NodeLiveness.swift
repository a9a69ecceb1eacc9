/// Whether the node of one directory of a chain is running, from its pid file and /proc.
/// Only a live process whose arguments run `strand node` with this node's config counts:
/// a zombie is dead, and a pid that another program was given later is a stale pid file,
/// to be replaced and never signalled.
public enum NodeLiveness: Equatable, Sendable {
    /// No pid file: never started here, or stopped cleanly.
    case notStarted
    case running(pid: Int32)
    /// Killed or crashed, not yet reaped by its parent: dead.
    case zombie(pid: Int32)
    /// The pid file names a process that is gone.
    case exited(pid: Int32)
    /// The pid file names a process that is not this node (its pid was reused).
    case stalePidFile(pid: Int32, command: String)
    /// The pid file cannot be read as a pid.
    case unreadablePidFile

    /// Reads `pidFile` and judges the process it names against `configPath`.
    public static func check(pidFile: String, configPath: String, proc: String = "/proc") -> NodeLiveness {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return .notStarted }
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return .unreadablePidFile }
        guard let process = ProcessEntry.read(pid: pid, proc: proc) else { return .exited(pid: pid) }
        // A zombie's arguments are gone; whoever it was, it is dead, and nothing is signalled.
        if process.state == .zombie { return .zombie(pid: pid) }
        guard process.runs(configPath: configPath) else { return .stalePidFile(pid: pid, command: process.commandLine) }
        return .running(pid: pid)
    }

    public var runningPID: Int32? {
        if case .running(let pid) = self { return pid }
        return nil
    }

    /// What `strand chain status` shows when the node does not answer.
    public var description: String {
        switch self {
        case .notStarted: "not started"
        case .running(let pid): "running (pid \(pid))"
        case .zombie(let pid): "dead (zombie, pid \(pid))"
        case .exited(let pid): "dead (pid \(pid) gone)"
        case .stalePidFile(let pid, let command): "stale pid file (pid \(pid) is now: \(command.prefix(60)))"
        case .unreadablePidFile: "stale pid file (not a pid)"
        }
    }
}

extension ProcessEntry {
    /// Whether this process is `strand node --config CONFIG` (any program name: the binary may
    /// have been rebuilt or moved since).
    func runs(configPath: String) -> Bool {
        guard arguments.count >= 2, arguments.contains("node"), let config = pathArgument("--config") else { return false }
        return canonicalPath(config) == canonicalPath(configPath)
    }
}
