import Crypto
import Foundation
import StrandCrypto
import SwiftASN1
import X509

/// The chain's certificates, made in-process: a chain CA, agency CAs under it, and node
/// certificates under an agency, as FISCO's scripts lay them out (chain CA → agency → node).
/// TLS keys are P-256 (BoringSSL speaks neither secp256k1 nor SM2 in TLS); a node certificate
/// names its node ID, the consensus public key, in a subject alternative name URI
/// `strand:node:<128 hex digits>`.
public enum ChainCertificates {
    /// A certificate with its private key.
    public struct Issued {
        public let certificate: Certificate
        public let key: P256.Signing.PrivateKey

        public init(certificate: Certificate, key: P256.Signing.PrivateKey) {
            self.certificate = certificate
            self.key = key
        }

        /// A CA's certificate and key from PEM files.
        public init(certificateFile: String, keyFile: String) throws {
            guard let first = try ChainCertificates.readCertificates(pemFile: certificateFile).first else {
                throw Failure("\(certificateFile) holds no certificate")
            }
            self.init(certificate: first, key: try ChainCertificates.readKey(pemFile: keyFile))
        }

        /// PEM text ending in a newline, so that chains concatenate.
        public var certificatePEM: String { ((try? certificate.serializeAsPEM().pemString) ?? "") + "\n" }
        public var keyPEM: String { key.pemRepresentation }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    static let nodeURIPrefix = "strand:node:"
    public static let defaultValidity: TimeInterval = 10 * 365 * 24 * 3600

    /// A self-signed chain CA.
    public static func chainCA(name: String, validFor validity: TimeInterval = defaultValidity, now: Date = Date()) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("Strand chain")
            CommonName(name)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(validity),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        return Issued(certificate: certificate, key: key)
    }

    /// An agency (institution) CA under the chain CA: it may issue node certificates only.
    public static func agency(name: String, issuer: Issued, validFor validity: TimeInterval = defaultValidity,
                              now: Date = Date()) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName(name)
            CommonName("\(name) agency")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(validity),
            issuer: issuer.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(issuer.key))
        return Issued(certificate: certificate, key: key)
    }

    /// A node's TLS certificate under an agency, naming `nodeID`.
    public static func node(_ nodeID: NodeID, name: String, agency: Issued, validFor validity: TimeInterval = defaultValidity,
                            now: Date = Date()) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName(agencyName(agency.certificate))
            CommonName(name)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(validity),
            issuer: agency.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.uniformResourceIdentifier(nodeURIPrefix + nodeID.description)])
            },
            issuerPrivateKey: .init(agency.key))
        return Issued(certificate: certificate, key: key)
    }

    /// The node ID a node certificate names.
    public static func nodeID(of certificate: Certificate) throws -> NodeID {
        guard let names = try certificate.extensions.subjectAlternativeNames else {
            throw Failure("certificate \(certificate.subject) names no node (no subject alternative name)")
        }
        for name in names {
            if case .uniformResourceIdentifier(let uri) = name, uri.hasPrefix(nodeURIPrefix) {
                do { return try NodeID(hex: uri.dropFirst(nodeURIPrefix.count)) } catch {
                    throw Failure("certificate \(certificate.subject): \(error)")
                }
            }
        }
        throw Failure("certificate \(certificate.subject) names no node (no \(nodeURIPrefix) URI)")
    }

    private static func agencyName(_ certificate: Certificate) -> String {
        certificate.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.organizationName }
            .map { String(describing: $0.value) } ?? "agency"
    }

    /// What each certificate of a PEM file says, a line per field, for people.
    public static func describe(pemFile path: String) throws -> [String] {
        try readCertificates(pemFile: path).flatMap { certificate in
            [
                "subject:   \(certificate.subject)",
                "issuer:    \(certificate.issuer)",
                "valid:     \(certificate.notValidBefore) to \(certificate.notValidAfter)",
                "node ID:   \((try? nodeID(of: certificate).description) ?? "none (a CA certificate)")",
            ]
        }
    }

    // MARK: Files

    public static func readCertificates(pemFile path: String) throws -> [Certificate] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure("cannot read \(path)") }
        do {
            return try PEMDocument.parseMultiple(pemString: text).map { try Certificate(pemDocument: $0) }
        } catch {
            throw Failure("\(path) does not hold PEM certificates: \(error)")
        }
    }

    public static func readKey(pemFile path: String) throws -> P256.Signing.PrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure("cannot read \(path)") }
        do { return try P256.Signing.PrivateKey(pemRepresentation: text) } catch {
            throw Failure("\(path) does not hold a P-256 private key in PEM: \(error)")
        }
    }

    /// Replaces the file at `path` (a revocation list) with `text` at once: written beside it, then renamed over it.
    public static func replace(_ path: String, with text: String, mode: mode_t) throws {
        let temporary = path + ".new"
        try? FileManager.default.removeItem(atPath: temporary)
        try write(text, to: temporary, mode: mode)
        guard rename(temporary, path) == 0 else { throw Failure("cannot replace \(path): errno \(errno)") }
    }

    /// Writes `text` to a new file with `mode`; refuses to replace one.
    public static func write(_ text: String, to path: String, mode: mode_t) throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure("\(path) already exists; not overwriting it") }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: Int(mode)]) else {
            throw Failure("cannot create \(path)")
        }
    }
}
