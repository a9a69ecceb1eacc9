import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process as Linux's /proc shows it. `kill(pid, 0)` cannot tell a live process from a
/// zombie that its parent has not reaped yet (an init that reaps late, or a container without
/// one), nor from another program that was given the same pid later: /proc can.
public struct ProcessEntry: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        /// Running, sleeping, stopped or in I/O: alive.
        case alive
        /// Exited, waiting for its parent to reap it: dead.
        case zombie
    }

    public let pid: Int32
    public let state: State
    /// Its arguments, the program first.
    public let arguments: [String]
    /// Its working directory, against which relative paths in its arguments resolve.
    public let workingDirectory: String?

    /// The process with this pid, or nil if there is none.
    public static func read(pid: Int32, proc: String = "/proc") -> ProcessEntry? {
        guard pid > 0, let stat = try? String(contentsOfFile: "\(proc)/\(pid)/stat", encoding: .utf8),
              let state = parseState(stat: stat) else { return nil }
        let cmdline = FileManager.default.contents(atPath: "\(proc)/\(pid)/cmdline") ?? Data()
        let arguments = cmdline.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(proc)/\(pid)/cwd")
        return ProcessEntry(pid: pid, state: state, arguments: arguments.last == "" ? Array(arguments.dropLast()) : arguments,
                            workingDirectory: cwd)
    }

    /// The state letter of a /proc/PID/stat line. It follows the command name in parentheses,
    /// which may itself hold spaces and parentheses, so it is read after the last ')'.
    static func parseState(stat: String) -> State? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].drop { $0 == " " }
        switch rest.first {
        case "Z"?, "X"?, "x"?: return .zombie
        case nil: return nil
        default: return .alive
        }
    }

    public init(pid: Int32, state: State, arguments: [String], workingDirectory: String?) {
        self.pid = pid
        self.state = state
        self.arguments = arguments
        self.workingDirectory = workingDirectory
    }

    /// The value of `--name VALUE` or `--name=VALUE` in its arguments, resolved against its
    /// working directory when it is a relative path.
    public func pathArgument(_ name: String) -> String? {
        var value: String?
        for (index, argument) in arguments.enumerated() {
            if argument == name, index + 1 < arguments.count { value = arguments[index + 1] }
            if argument.hasPrefix(name + "=") { value = String(argument.dropFirst(name.count + 1)) }
        }
        guard let value else { return nil }
        if value.hasPrefix("/") { return value }
        return workingDirectory.map { $0 + "/" + value }
    }

    /// The arguments as one line, for messages.
    public var commandLine: String { arguments.joined(separator: " ") }
}

/// The same file, however it is named (symbolic links, `.`, `..`): what paths are compared by.
func canonicalPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return URL(fileURLWithPath: path).standardizedFileURL.path }
    defer { free(resolved) }
    return String(cString: resolved)
}
