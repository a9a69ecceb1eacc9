import ArgumentParser
import Foundation
import StrandCrypto
import StrandNode
import StrandOperations

extension ChainCommand {
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke nodes (FISCO's certificate blacklist), or lift a revocation, on every node of a chain directory.",
            discussion: """
                Adds each NODE_ID to p2p.revoked in every node's node.toml (--lift removes it), then \
                sends SIGHUP to each node that runs: it rereads the list, ends any link to a newly \
                revoked node at once and refuses its handshakes from then on, whatever its certificate \
                says. A stopped node reads the list when it starts. Revoking a validator does not \
                remove it from the validator set: it stops talking to this chain's nodes, so it counts \
                as failed toward f until a governor removes it (`strand gov remove`).
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Flag(help: "Lift the revocation of these node IDs instead.")
        var lift = false

        @Argument(help: "Node IDs (128 hex digits).")
        var nodeIDs: [String]

        func run() throws {
            try reportingErrors {
                guard !nodeIDs.isEmpty else { throw CLIError("name at least one node ID") }
                var named: Set<NodeID> = []
                for text in nodeIDs {
                    do { named.insert(try NodeID(hex: text)) } catch { throw CLIError("\(text.prefix(16))…: \(error)") }
                }
                let members = try ChainDirectory(dir).members
                for member in members {
                    guard let network = member.config.network else { continue }
                    let revoked = lift ? network.revoked.subtracting(named) : network.revoked.union(named)
                    let text = try String(contentsOfFile: member.configPath, encoding: .utf8)
                    let value = revoked.isEmpty ? nil : ConfigFile.Value.string(revoked.map(\.description).sorted().joined(separator: ","))
                    try ConfigFile.setting("p2p.revoked", to: value, in: text).write(toFile: member.configPath, atomically: true, encoding: .utf8)
                    if let pid = member.liveness.runningPID {
                        kill(pid, SIGHUP)
                        printToStandardError("\(member.name): \(revoked.count) node(s) revoked; told (SIGHUP, pid \(pid))")
                    } else {
                        printToStandardError("\(member.name): \(revoked.count) node(s) revoked; not running, reads it when started")
                    }
                }
            }
        }
    }
}
