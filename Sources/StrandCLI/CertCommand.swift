import ArgumentParser
import Foundation
import StrandPrimitives
import StrandCrypto
import StrandNetwork
import StrandNode

/// `strand cert`: what an operator issues after `strand chain init`, as FISCO's
/// gen_agency_cert.sh and gen_node_cert.sh do, made in-process.
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Issue agency and node certificates under a chain CA, revoke them; show what a certificate names.",
        subcommands: [Agency.self, Node.self, SDK.self, Revoke.self, Show.self]
    )

    struct Agency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new agency CA under the chain CA.",
            discussion: "Writes OUT/agency.crt and OUT/agency.key (0600), signed by CA_DIR/ca.crt and ca.key; refuses to overwrite."
        )
        @Option(name: .customLong("ca-dir"), help: "The chain CA's directory (ca.crt, ca.key), e.g. DIR/ca.")
        var caDirectory: String
        @Option(help: "The agency's (institution's) name.")
        var name: String
        @Option(help: "Directory to write the agency's certificate and key into.")
        var out: String

        func run() throws {
            try reportingErrors {
                let ca = try ChainCertificates.Issued(certificateFile: caDirectory + "/ca.crt", keyFile: caDirectory + "/ca.key")
                let agency = try ChainCertificates.agency(name: name, issuer: ca)
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try ChainCertificates.write(agency.certificatePEM, to: out + "/agency.crt", mode: 0o644)
                try ChainCertificates.write(agency.keyPEM, to: out + "/agency.key", mode: 0o600)
                print(out + "/agency.crt")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke node certificates: the chain CA signs a new revocation list, CA_DIR/crl.pem.",
            discussion: """
                Adds the serial number of each certificate file's first certificate (a node's tls.crt) to \
                CA_DIR/crl.pem (--lift takes it off), signed by CA_DIR/ca.crt and ca.key and valid for \
                --days. Install it on the nodes with `strand chain revoke --dir DIR --crl CA_DIR/crl.pem` \
                (or copy it and set p2p.crl): they refuse those certificates at the handshake and cut \
                their links at once. `openssl crl -in CA_DIR/crl.pem -text` shows it.
                """
        )
        @Option(name: .customLong("ca-dir"), help: "The chain CA's directory (ca.crt, ca.key), e.g. DIR/ca.")
        var caDirectory: String
        @Flag(help: "Take these certificates off the list instead.")
        var lift = false
        @Option(help: "Days until the list's next update is due.")
        var days = 365
        @Argument(help: "Certificate files (PEM); the first certificate of each is revoked.")
        var certificates: [String]

        func run() throws {
            try reportingErrors {
                guard !certificates.isEmpty else { throw CLIError("name at least one certificate file") }
                guard days > 0 else { throw CLIError("--days must be positive") }
                let caPEM = try String(contentsOfFile: caDirectory + "/ca.crt", encoding: .utf8)
                let keyPEM = try String(contentsOfFile: caDirectory + "/ca.key", encoding: .utf8)
                let path = caDirectory + "/crl.pem"
                var serials: Set<[UInt8]> = []
                if FileManager.default.fileExists(atPath: path) {
                    do { serials = try CertificateRevocationList(pem: String(contentsOfFile: path, encoding: .utf8), caPEM: caPEM).serials }
                    catch { throw CLIError("\(path): \(error)") }
                }
                for file in certificates {
                    guard let certificate = try ChainCertificates.readCertificates(pemFile: file).first else { throw CLIError("\(file): no certificate") }
                    let serial = Array(certificate.serialNumber.bytes.drop { $0 == 0 })
                    if lift { serials.remove(serial) } else { serials.insert(serial) }
                    let node = (try? ChainCertificates.nodeID(of: certificate)).map { ", node \($0.description.prefix(16))…" } ?? ""
                    print("\(lift ? "lifted" : "revoked"): serial \(Hex.encode(serial, prefixed: false))\(node)")
                }
                let list = try CertificateRevocationList.issue(revoking: serials, caCertificatePEM: caPEM, caKeyPEM: keyPEM, days: days)
                try ChainCertificates.replace(path, with: list, mode: 0o644)
                print("\(path): \(serials.count) certificate(s) revoked")
            }
        }
    }

    struct Node: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a node's TLS certificate under an agency, naming the node ID of its consensus key.",
            discussion: """
                Reads the node's consensus key (--node-key, as `strand keygen` writes it), issues OUT/tls.crt \\
                (the node's certificate, then the agency's) and OUT/tls.key (0600). Add the node ID it prints \\
                to the other nodes' p2p.peers so that they admit it.
                """
        )
        @Option(name: .customLong("agency-dir"), help: "The agency's directory (agency.crt, agency.key).")
        var agencyDirectory: String
        @Option(name: .customLong("node-key"), help: "The node's consensus key file.")
        var nodeKey: String
        @Option(name: .customLong("crypto"), help: "The chain's crypto suite, whose public key of the node key is its node ID: secp256k1 or sm.")
        var crypto: CryptoSuite = .secp256k1
        @Option(help: "A name for the node.")
        var name: String = "node"
        @Option(help: "Directory to write tls.crt and tls.key into.")
        var out: String

        func run() throws {
            try reportingErrors {
                let agency = try ChainCertificates.Issued(certificateFile: agencyDirectory + "/agency.crt", keyFile: agencyDirectory + "/agency.key")
                let key = try KeyFile.read(nodeKey)
                do { try crypto.validate(key) } catch { throw CLIError("\(nodeKey) is not an SM2 key") }
                let nodeID = crypto.nodeID(of: key)
                let issued = try ChainCertificates.node(nodeID, name: name, agency: agency)
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try ChainCertificates.write(issued.certificatePEM + agency.certificatePEM, to: out + "/tls.crt", mode: 0o644)
                try ChainCertificates.write(issued.keyPEM, to: out + "/tls.key", mode: 0o600)
                print(nodeID)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each certificate of a PEM file: subject, issuer, validity and the node ID it names.")
        @Argument(help: "A PEM file of one or more certificates.")
        var file: String

        func run() throws {
            try reportingErrors {
                for line in try ChainCertificates.describe(pemFile: file) { print(line) }
            }
        }
    }
}

