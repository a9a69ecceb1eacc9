import ArgumentParser
import Foundation
import StrandNode
import StrandRPCClient

#if canImport(Glibc)
import Glibc
#endif

/// The nodes of a chain directory written by `strand chain init`: DIR itself for a one-node
/// chain, else DIR/node0, DIR/node1, … in order.
struct ChainDirectory {
    struct Member {
        let name: String
        let directory: String
        let config: NodeConfig
        var configPath: String { directory + "/node.toml" }
        var pidPath: String { directory + "/node.pid" }
        var logPath: String { directory + "/node.log" }
        var rpcURL: String { "http://\(config.rpcHost):\(config.rpcPort)" }

        /// The pid in the pid file, if that process is alive.
        var runningPID: Int32? {
            guard let text = try? String(contentsOfFile: pidPath, encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0 else { return nil }
            return pid
        }
    }

    let members: [Member]

    init(_ path: String) throws {
        let fileManager = FileManager.default
        var directories: [(String, String)] = []
        if fileManager.fileExists(atPath: path + "/node.toml") {
            directories = [("node", path)]
        } else {
            let names = (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
            directories = names.compactMap { name -> (Int, String)? in
                guard name.hasPrefix("node"), let index = Int(name.dropFirst(4)),
                      fileManager.fileExists(atPath: "\(path)/\(name)/node.toml") else { return nil }
                return (index, name)
            }.sorted { $0.0 < $1.0 }.map { ($0.1, "\(path)/\($0.1)") }
        }
        guard !directories.isEmpty else { throw CLIError("\(path) holds no chain (no node.toml in it or in its node* folders); run `strand chain init` first") }
        members = try directories.map { name, directory in
            Member(name: name, directory: directory, config: try NodeConfig(file: directory + "/node.toml"))
        }
    }
}

extension ChainCommand {
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start every node of a chain directory in the background.",
            discussion: """
                Starts `strand node` for each node of DIR (written by `strand chain init`), each in a \\
                session of its own with its log in nodeK/node.log and its pid in nodeK/node.pid; waits \\
                until each answers RPC and sees its peers, then prints the RPC URLs. A node already \\
                running is left as it is.
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Option(help: "Seconds to wait for the nodes to answer and see their peers.")
        var timeout: Double = 30

        func run() throws {
            try reportingErrors {
                let chain = try ChainDirectory(dir)
                let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
                for member in chain.members {
                    if let pid = member.runningPID {
                        printToStandardError("\(member.name): already running (pid \(pid))")
                        continue
                    }
                    let pid = try spawn(executable, ["node", "--config", member.configPath], log: member.logPath)
                    try "\(pid)\n".write(toFile: member.pidPath, atomically: true, encoding: .utf8)
                    printToStandardError("\(member.name): started (pid \(pid)), log \(member.logPath)")
                }
                let deadline = Date().addingTimeInterval(timeout)
                var waiting = chain.members
                while !waiting.isEmpty && Date() < deadline {
                    waiting = waiting.filter { member in
                        guard member.runningPID != nil else { return true }
                        guard let client = try? RPCClient(url: member.rpcURL, timeoutSeconds: 2),
                              let peers = try? client.call("net_peerCount", []) as? String,
                              let count = Int(peers.dropFirst(2), radix: 16) else { return true }
                        return count < member.config.network.map(\.peers.count) ?? 0
                    }
                    if !waiting.isEmpty { usleep(200_000) }
                }
                for member in chain.members { print(member.rpcURL) }
                if !waiting.isEmpty {
                    throw CLIError("not ready after \(Int(timeout)) s (not answering or not seeing all peers): \(waiting.map(\.name).joined(separator: ", ")); see their node.log")
                }
            }
        }

        /// Starts `executable` in a new session (so that it outlives this command and the
        /// terminal), output appended to `log`.
        private func spawn(_ executable: String, _ arguments: [String], log: String) throws -> Int32 {
            let fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard fd >= 0 else { throw CLIError("cannot open \(log): \(String(cString: strerror(errno)))") }
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
            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid: pid_t = 0
            let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            guard result == 0 else { throw CLIError("cannot start \(executable): \(String(cString: strerror(result)))") }
            return pid
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop every node of a chain directory.",
            discussion: "Sends SIGTERM to each running node (its pid file), waits until it has exited (its block in progress committed), and removes the pid file."
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Option(help: "Seconds to wait for each node to exit.")
        var timeout: Double = 30

        func run() throws {
            try reportingErrors {
                var stuck: [String] = []
                for member in try ChainDirectory(dir).members {
                    guard let pid = member.runningPID else {
                        try? FileManager.default.removeItem(atPath: member.pidPath)
                        printToStandardError("\(member.name): not running")
                        continue
                    }
                    kill(pid, SIGTERM)
                    let deadline = Date().addingTimeInterval(timeout)
                    while kill(pid, 0) == 0 && Date() < deadline { usleep(50_000) }
                    if kill(pid, 0) == 0 {
                        stuck.append(member.name)
                    } else {
                        try? FileManager.default.removeItem(atPath: member.pidPath)
                        printToStandardError("\(member.name): stopped (pid \(pid))")
                    }
                }
                if !stuck.isEmpty { throw CLIError("still running after \(Int(timeout)) s: \(stuck.joined(separator: ", "))") }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each node of a chain directory: height, lag, view, peers, role, and what is wrong.",
            discussion: """
                Asks each node over RPC; a node that does not answer is shown as stopped (no pid) or \
                not answering. Lag is how far a node is behind the highest height any node reports. \
                Flags: BEHIND (lag of --behind blocks or more), ISOLATED (no peers), MISSING PEERS (sees \
                fewer peers than the chain has other nodes), VIEW CHANGE (a validator out of view 0, \
                where it sits while blocks commit normally).
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Option(help: "Lag, in blocks, at which a node is flagged BEHIND.")
        var behind: Int = 3

        struct Answer {
            let member: ChainDirectory.Member
            let role: String
            let height: Int
            let peers: Int
            let view: Int?
            let head: String
        }

        func run() throws {
            try reportingErrors {
                let members = try ChainDirectory(dir).members
                var answers: [String: Answer] = [:]
                for member in members {
                    if let answer = ask(member) { answers[member.name] = answer }
                }
                let best = answers.values.map(\.height).max() ?? 0
                print("node    state          role       height    lag   view  peers  head                                                                flags")
                for member in members {
                    let name = member.name.padding(toLength: 7, withPad: " ", startingAt: 0)
                    guard let answer = answers[member.name] else {
                        print("\(name) \(member.runningPID == nil ? "stopped" : "not answering")")
                        continue
                    }
                    let lag = best - answer.height
                    var flags: [String] = []
                    if lag >= behind { flags.append("BEHIND") }
                    if members.count > 1 && answer.peers == 0 {
                        flags.append("ISOLATED")
                    } else if answer.peers < members.count - 1 {
                        flags.append("MISSING PEERS (\(answer.peers) of \(members.count - 1))")
                    }
                    if let view = answer.view, view > 0 { flags.append("VIEW CHANGE (view \(view))") }
                    let columns = [name, "running       ", pad(answer.role, 10), pad(String(answer.height), 9), pad(String(lag), 5),
                                   pad(answer.view.map(String.init) ?? "-", 5), pad(String(answer.peers), 6), pad(answer.head, 67),
                                   flags.isEmpty ? "ok" : flags.joined(separator: ", ")]
                    print(columns.joined(separator: " "))
                }
            }
        }

        private func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }

        /// What one node says of itself, or nil if it does not answer.
        private func ask(_ member: ChainDirectory.Member) -> Answer? {
            guard member.runningPID != nil, let client = try? RPCClient(url: member.rpcURL, timeoutSeconds: 3),
                  let groups = try? client.call("getGroupList", []) as? [NSNumber], let group = groups.first?.intValue,
                  let sync = try? client.call("getSyncStatus", [group]) as? [String: Any],
                  let sealers = try? client.call("getSealerList", [group]) as? [String],
                  let peers = try? client.call("net_peerCount", []) as? String else { return nil }
            let isValidator = sealers.contains(sync["nodeId"] as? String ?? "")
            let consensus = isValidator && sealers.count > 1 ? (try? client.call("getConsensusStatus", [group])) as? [String: Any] : nil
            return Answer(member: member, role: isValidator ? "validator" : "observer",
                          height: (sync["blockNumber"] as? NSNumber)?.intValue ?? -1, peers: Int(peers.dropFirst(2), radix: 16) ?? 0,
                          view: (consensus?["view"] as? NSNumber)?.intValue, head: sync["latestHash"] as? String ?? "?")
        }
    }
}
