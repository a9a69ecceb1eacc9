import Foundation
@testable import StrandOperations
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Liveness from a pid file and /proc: a zombie is dead, a reused pid is a stale pid file, and
/// only `strand node --config THIS` counts as the node.
@Suite struct NodeLivenessTests {
    /// A fake /proc with one process.
    private func fakeProc(pid: Int32, stat: String, arguments: [String], cwd: String = "/") throws -> String {
        let root = NSTemporaryDirectory() + "proc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(root)/\(pid)", withIntermediateDirectories: true)
        try stat.write(toFile: "\(root)/\(pid)/stat", atomically: true, encoding: .utf8)
        try Data(arguments.map { Array($0.utf8) + [0] }.joined()).write(to: URL(fileURLWithPath: "\(root)/\(pid)/cmdline"))
        try FileManager.default.createSymbolicLink(atPath: "\(root)/\(pid)/cwd", withDestinationPath: cwd)
        return root
    }

    private func chainDirectory() throws -> (config: String, pidFile: String) {
        let directory = NSTemporaryDirectory() + "liveness-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "".write(toFile: directory + "/node.toml", atomically: true, encoding: .utf8)
        return (directory + "/node.toml", directory + "/node.pid")
    }

    @Test func readsTheStateAfterTheLastParenthesis() {
        #expect(ProcessEntry.parseState(stat: "42 (strand) S 1 42 42 0") == .alive)
        #expect(ProcessEntry.parseState(stat: "42 (a) Z (b)) Z 1 42") == .zombie)
        #expect(ProcessEntry.parseState(stat: "42 (strand) Z 1 42 42 0") == .zombie)
        #expect(ProcessEntry.parseState(stat: "42 (strand) X 1") == .zombie)
        #expect(ProcessEntry.parseState(stat: "garbage") == nil)
    }

    @Test func judgesThePidFileAgainstTheProcess() throws {
        let (config, pidFile) = try chainDirectory()
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config) == .notStarted)
        try "not a pid\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config) == .unreadablePidFile)
        try "4242\n".write(toFile: pidFile, atomically: true, encoding: .utf8)

        let node = ["/opt/strand", "node", "--config", config, "--log-file", "x.log"]
        var proc = try fakeProc(pid: 4242, stat: "4242 (strand) S 1 4242", arguments: node)
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config, proc: proc) == .running(pid: 4242))
        proc = try fakeProc(pid: 4242, stat: "4242 (strand) Z 1 4242", arguments: [])
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config, proc: proc) == .zombie(pid: 4242), "a zombie has no arguments left")
        proc = try fakeProc(pid: 4242, stat: "4242 (sleep) S 1 4242", arguments: ["sleep", "300"])
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config, proc: proc) == .stalePidFile(pid: 4242, command: "sleep 300"))
        proc = try fakeProc(pid: 4242, stat: "4242 (strand) S 1 4242", arguments: ["/opt/strand", "node", "--config", "/elsewhere/node.toml"])
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config, proc: proc).runningPID == nil)
        // A relative --config resolves against the process's working directory.
        let directory = (config as NSString).deletingLastPathComponent
        proc = try fakeProc(pid: 4242, stat: "4242 (strand) S 1 4242", arguments: ["strand", "node", "--config=node.toml"], cwd: directory)
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config, proc: proc) == .running(pid: 4242))
        proc = try fakeProc(pid: 1, stat: "1 (init) S 0 1", arguments: ["init"])
        #expect(NodeLiveness.check(pidFile: pidFile, configPath: config, proc: proc) == .exited(pid: 4242))
    }

    /// A real child killed and not reaped: `kill(pid, 0)` still succeeds, /proc says zombie.
    @Test func seesARealZombie() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
        defer { for pointer in argv { free(pointer) } }
        #expect(posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ) == 0)
        #expect(ProcessEntry.read(pid: pid)?.state == .alive)
        kill(pid, SIGKILL)
        var entry = ProcessEntry.read(pid: pid)
        for _ in 0..<100 where entry?.state != .zombie {
            usleep(10_000)
            entry = ProcessEntry.read(pid: pid)
        }
        #expect(kill(pid, 0) == 0, "kill(pid, 0) cannot tell a zombie")
        #expect(entry?.state == .zombie)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(ProcessEntry.read(pid: pid) == nil)
    }
}
