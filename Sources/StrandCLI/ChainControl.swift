import ArgumentParser
import Foundation
import StrandNode
import StrandOperations

#if canImport(Glibc)
import Glibc
#endif

extension ChainCommand {
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the nodes of a chain directory that are not running, in the background.",
            discussion: """
                Starts `strand node` for each node of DIR (written by `strand chain init`) that is not \
                running, each in a session of its own, logging to nodeK/node.log, its pid in \
                nodeK/node.pid; then waits until every node answers GET /health with 200 and sees every \
                other node, and prints the RPC URLs. A node counts as running only if its pid \
                names a live process (not a zombie) that runs this node's config, or if this node answers \
                on its RPC port (started by systemd, say); a stale pid file is replaced, never signalled.
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Option(help: "Seconds to wait for the nodes to be healthy and see their peers.")
        var timeout: Double = 30

        @Option(name: .customLong("node"), help: "Start only this node (node0, node1, …; repeatable), as in a rolling upgrade.")
        var only: [String] = []

        @Flag(name: .customLong("no-wait"), help: "Return once the nodes are started, without waiting for them to be healthy.")
        var noWait = false

        func run() throws {
            try reportingErrors {
                let chain = try ChainDirectory(dir)
                let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
                var started: [String: Int32] = [:]
                for member in try chain.selecting(only) {
                    let liveness = member.liveness
                    if let pid = liveness.runningPID {
                        printToStandardError("\(member.name): already running (pid \(pid))")
                        continue
                    }
                    if liveness != .notStarted {
                        printToStandardError("\(member.name): \(liveness.description); starting it anew")
                    }
                    if let health = member.health(), let id = health.nodeID, id == member.nodeID {
                        printToStandardError("\(member.name): already running (answers on \(member.rpcURL); not started by `strand chain start`)")
                        continue
                    }
                    let pid = try NodeLauncher.spawn(member, executable: executable)
                    started[member.name] = pid
                    printToStandardError("\(member.name): started (pid \(pid)), log \(member.logPath)")
                }
                if !noWait { try waitUntilReady(chain, try chain.selecting(only), started: started) }
                for member in chain.members { print(member.rpcURL) }
            }
        }

        /// Waits until every node is healthy and sees every other node; fails at once,
        /// with its log's last lines, if a node just started has died.
        private func waitUntilReady(_ chain: ChainDirectory, _ members: [ChainDirectory.Member], started: [String: Int32]) throws {
            let deadline = Date().addingTimeInterval(timeout)
            var waiting = members
            var lastReason: [String: String] = [:]
            while !waiting.isEmpty {
                let others = chain.members.count - 1
                waiting = try waiting.filter { member in
                    if started[member.name] != nil, member.liveness.runningPID == nil {
                        throw CLIError("\(member.name) exited at start (\(member.liveness.description)); its log ends:\n\(NodeLauncher.tail(member.logPath))")
                    }
                    guard let health = member.health() else { lastReason[member.name] = "not answering"; return true }
                    guard health.serving else { lastReason[member.name] = health.reason ?? "unhealthy"; return true }
                    guard health.peers >= others else { lastReason[member.name] = "sees \(health.peers) of \(others) peers"; return true }
                    return false
                }
                guard !waiting.isEmpty else { return }
                guard Date() < deadline else {
                    let detail = waiting.map { "\($0.name) (\(lastReason[$0.name] ?? "?"))" }.joined(separator: ", ")
                    throw CLIError("not ready after \(Int(timeout)) s: \(detail); see their node.log")
                }
                usleep(200_000)
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the running nodes of a chain directory.",
            discussion: """
                Sends SIGTERM to each node that runs (its pid file names a live process running its \
                config), waits until each has exited (its block in progress committed) and removes the \
                pid files. Pid files of dead nodes are removed; a stale one (its pid now another \
                program's) is removed and that program left alone. Fails, naming them, if nodes still \
                run after --timeout seconds.
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Option(help: "Seconds to wait for the nodes to exit.")
        var timeout: Double = 30

        @Option(name: .customLong("node"), help: "Stop only this node (node0, node1, …; repeatable), as in a rolling upgrade.")
        var only: [String] = []

        func run() throws {
            try reportingErrors {
                let members = try ChainDirectory(dir).selecting(only)
                var signalled: [(ChainDirectory.Member, Int32)] = []
                for member in members {
                    let liveness = member.liveness
                    if let pid = liveness.runningPID {
                        kill(pid, SIGTERM)
                        signalled.append((member, pid))
                        continue
                    }
                    try? FileManager.default.removeItem(atPath: member.pidPath)
                    switch liveness {
                    case .notStarted, .exited: printToStandardError("\(member.name): not running")
                    default: printToStandardError("\(member.name): not running: \(liveness.description); pid file removed")
                    }
                }
                var stuck: [String] = []
                for (member, pid) in signalled {
                    if NodeLauncher.waitUntilStopped(member, timeout: timeout) {
                        printToStandardError("\(member.name): stopped (pid \(pid))")
                    } else {
                        stuck.append("\(member.name) (pid \(pid))")
                    }
                }
                if !stuck.isEmpty {
                    throw CLIError("still running \(Int(timeout)) s after SIGTERM: \(stuck.joined(separator: ", ")); see their node.log, or kill -9 them (committed blocks are durable)")
                }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each node of a chain directory: health, height, lag, view, peers, role, and what is wrong.",
            discussion: """
                Asks each node's GET /health. A node that does not answer is shown as the pid file and \
                /proc tell: not started, dead (zombie), dead (pid gone), stale pid file, or running but \
                not answering. Lag is how far a node is behind the highest height any node reports. \
                Flags: UNHEALTHY (its /health answers 503, with the reason), BEHIND (lag of --behind \
                blocks or more), ISOLATED (no peers), MISSING PEERS (sees fewer peers than the chain \
                has other nodes), VIEW CHANGE (a validator out of view 0, where it sits while blocks \
                commit normally). Exits 0 whatever the nodes' state.
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Option(help: "Lag, in blocks, at which a node is flagged BEHIND.")
        var behind: Int = 3

        func run() throws {
            try reportingErrors {
                let members = try ChainDirectory(dir).members
                var answers: [String: NodeHealthAnswer] = [:]
                for member in members {
                    if let health = member.health(timeoutSeconds: 3), health.nodeID == member.nodeID { answers[member.name] = health }
                }
                let best = answers.values.map(\.height).max() ?? 0
                print("node    state      role       height    lag   view  peers  head                                                                flags")
                for member in members {
                    let name = pad(member.name, 7)
                    guard let health = answers[member.name] else {
                        let liveness = member.liveness
                        print("\(name) \(liveness.runningPID == nil ? liveness.description : "running, not answering on \(member.rpcURL)")")
                        continue
                    }
                    let lag = best - health.height
                    var flags: [String] = []
                    if !health.serving { flags.append("UNHEALTHY (\(health.reason ?? "?"))") }
                    if lag >= behind { flags.append("BEHIND") }
                    if members.count > 1 && health.peers == 0 {
                        flags.append("ISOLATED")
                    } else if health.peers < members.count - 1 {
                        flags.append("MISSING PEERS (\(health.peers) of \(members.count - 1))")
                    }
                    let view = (health.fields["view"] as? NSNumber)?.intValue
                    if let view, view > 0 { flags.append("VIEW CHANGE (view \(view))") }
                    let columns = [name, pad(health.serving ? "running" : "unhealthy", 10), pad(health.fields["role"] as? String ?? "?", 10),
                                   pad(String(health.height), 9), pad(String(lag), 5), pad(view.map(String.init) ?? "-", 5),
                                   pad(String(health.peers), 6), pad(health.fields["headHash"] as? String ?? "?", 67),
                                   flags.isEmpty ? "ok" : flags.joined(separator: ", ")]
                    print(columns.joined(separator: " "))
                }
            }
        }

        private func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
    }
}
