import ArgumentParser
import Foundation
import StrandCrypto
import StrandNetwork
import StrandNode
import StrandOperations

extension ChainCommand {
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke nodes or certificates, or lift a revocation, on every node of a chain directory.",
            discussion: """
                Adds each NODE_ID to p2p.revoked in every node's node.toml (--lift removes it); with \
                --crl, copies the chain CA's revocation list (`strand cert revoke`) beside each node.toml \
                and points p2p.crl at it. Then sends SIGHUP to each node that runs: it rereads both, ends \
                any link to a newly revoked node or over a newly revoked certificate at once and refuses \
                such handshakes from then on. A stopped node reads them when it starts. Revoking a \
                validator does not remove it from the validator set: it stops talking to this chain's \
                nodes, so it counts as failed toward f until a governor removes it (`strand gov remove`).
                """
        )

        @Option(help: "The chain's directory.")
        var dir: String

        @Flag(help: "Lift the revocation of these node IDs instead.")
        var lift = false

        @Option(help: "The chain CA's revocation list to install on every node (e.g. DIR/ca/crl.pem).")
        var crl: String?

        @Argument(help: "Node IDs (128 hex digits).")
        var nodeIDs: [String] = []

        func run() throws {
            try reportingErrors {
                guard !nodeIDs.isEmpty || crl != nil else { throw CLIError("name at least one node ID, or a revocation list (--crl)") }
                var named: Set<NodeID> = []
                for text in nodeIDs {
                    do { named.insert(try NodeID(hex: text)) } catch { throw CLIError("\(text.prefix(16))…: \(error)") }
                }
                let list = try crl.map { try String(contentsOfFile: $0, encoding: .utf8) }
                let members = try ChainDirectory(dir).members
                for member in members {
                    guard let network = member.config.network else { continue }
                    let revoked = lift ? network.revoked.subtracting(named) : network.revoked.union(named)
                    var text = try String(contentsOfFile: member.configPath, encoding: .utf8)
                    let value = revoked.isEmpty ? nil : ConfigFile.Value.string(revoked.map(\.description).sorted().joined(separator: ","))
                    text = ConfigFile.setting("p2p.revoked", to: value, in: text)
                    var certificates = ""
                    if let list {
                        let installed = (member.configPath as NSString).deletingLastPathComponent + "/crl.pem"
                        let checked: CertificateRevocationList
                        do { checked = try CertificateRevocationList(pem: list, caPEM: String(contentsOfFile: network.tls.chainCA, encoding: .utf8)) }
                        catch { throw CLIError("\(crl!): \(error)") }
                        try ChainCertificates.replace(installed, with: list, mode: 0o644)
                        text = ConfigFile.setting("p2p.crl", to: .string("crl.pem"), in: text)
                        certificates = ", \(checked.serials.count) certificate(s)"
                    }
                    try text.write(toFile: member.configPath, atomically: true, encoding: .utf8)
                    if let pid = member.liveness.runningPID {
                        kill(pid, SIGHUP)
                        printToStandardError("\(member.name): \(revoked.count) node(s)\(certificates) revoked; told (SIGHUP, pid \(pid))")
                    } else {
                        printToStandardError("\(member.name): \(revoked.count) node(s)\(certificates) revoked; not running, reads it when started")
                    }
                }
            }
        }
    }
}
