import ArgumentParser
import Foundation
import StrandChannel

extension CertCommand {
    struct SDK: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sdk",
            abstract: "Issue a FISCO SDK's certificate for the channel port: OUT/ca.crt, sdk.crt and sdk.key.",
            discussion: """
                As FISCO's build_chain.sh writes DIR/nodeK/sdk/: the chain CA's certificate, a new \\
                secp256k1 certificate signed by the agency (then the agency's), and its key (0600). Point \\
                the SDK's channel_ca, channel_node_cert and channel_node_key at them; any node of the \\
                chain with a channel port accepts it. Refuses to overwrite.
                """
        )
        @Option(name: .customLong("agency-dir"), help: "The agency's directory (agency.crt, agency.key).")
        var agencyDirectory: String
        @Option(name: .customLong("ca"), help: "The chain CA's certificate, e.g. DIR/ca/ca.crt.")
        var chainCA: String
        @Option(help: "A name for the SDK's certificate.")
        var name = "sdk"
        @Option(help: "Days it is valid.")
        var days = 3_650
        @Option(help: "Directory to write ca.crt, sdk.crt and sdk.key into.")
        var out: String

        func run() throws {
            try reportingErrors {
                guard days > 0 else { throw CLIError("--days must be positive") }
                let agency = (try String(contentsOfFile: agencyDirectory + "/agency.crt", encoding: .utf8),
                              try String(contentsOfFile: agencyDirectory + "/agency.key", encoding: .utf8))
                try ChannelCertificates.writeSDKDirectory(out, name: name, agency: agency,
                                                          chainCAPEM: try String(contentsOfFile: chainCA, encoding: .utf8), days: days)
                print(out + "/sdk.crt")
            }
        }
    }
}
