import COpenSSL
import Foundation

/// Certificates for the channel port: secp256k1 keys (FISCO's SDKs offer no other ECDHE group,
/// and OpenSSL then accepts only secp256k1 certificates) signed by an agency of the chain CA,
/// whatever the agency's own key. Made with the system's OpenSSL: swift-certificates has no
/// secp256k1.
public enum ChannelCertificates {
    public struct Issued: Sendable {
        /// The new certificate, then the issuer's: the chain a TLS peer presents.
        public let certificateChainPEM: String
        public let keyPEM: String
    }

    /// A certificate for `commonName` with a new secp256k1 key, signed by the issuer (an agency)
    /// whose certificate and key are given in PEM, valid for `days`.
    public static func issue(commonName: String, organization: String, issuerCertificatePEM: String, issuerKeyPEM: String,
                             days: Int) throws(ChannelTLS.Failure) -> Issued {
        guard let issuer = read(issuerCertificatePEM, { PEM_read_bio_X509($0, nil, nil, nil) }) else { throw ChannelTLS.Failure("not a PEM issuer certificate") }
        defer { X509_free(issuer) }
        guard let issuerKey = read(issuerKeyPEM, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else { throw ChannelTLS.Failure("not a PEM issuer key") }
        defer { EVP_PKEY_free(issuerKey) }
        guard X509_check_private_key(issuer, issuerKey) == 1 else { throw ChannelTLS.Failure("the issuer key is not its certificate's") }
        let key = try secp256k1Key()
        defer { EVP_PKEY_free(key) }
        guard let certificate = X509_new() else { throw ChannelTLS.Failure("out of memory") }
        defer { X509_free(certificate) }

        var serial = [UInt8](repeating: 0, count: 20)
        guard RAND_bytes(&serial, Int32(serial.count)) == 1 else { throw ChannelTLS.Failure("no randomness for a serial number") }
        serial[0] &= 0x7f
        let number = BN_bin2bn(serial, Int32(serial.count), nil)
        defer { BN_free(number) }
        guard let name = X509_NAME_new() else { throw ChannelTLS.Failure("out of memory") }
        defer { X509_NAME_free(name) }
        let filled = X509_set_version(certificate, 2) == 1
            && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil
            && X509_gmtime_adj(X509_getm_notBefore(certificate), -3_600) != nil
            && X509_gmtime_adj(X509_getm_notAfter(certificate), days * 86_400) != nil
            && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, organization, -1, -1, 0) == 1
            && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1
            && X509_set_subject_name(certificate, name) == 1
            && X509_set_issuer_name(certificate, X509_get_subject_name(issuer)) == 1
            && X509_set_pubkey(certificate, key) == 1
            && addExtension(certificate, issuer: issuer, NID_basic_constraints, "critical,CA:FALSE")
            && addExtension(certificate, issuer: issuer, NID_key_usage, "critical,digitalSignature,keyAgreement")
            && addExtension(certificate, issuer: issuer, NID_ext_key_usage, "serverAuth,clientAuth")
        guard filled, X509_sign(certificate, issuerKey, EVP_sha256()) > 0 else { throw ChannelTLS.Failure("cannot make the certificate") }
        return Issued(certificateChainPEM: try pem { PEM_write_bio_X509($0, certificate) } + issuerCertificatePEM,
                      keyPEM: try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) })
    }

    /// An SDK's directory as FISCO's build_chain.sh writes it: ca.crt (the chain CA), sdk.crt (a
    /// new secp256k1 certificate, then the agency's) and sdk.key (0600); refuses to overwrite.
    public static func writeSDKDirectory(_ path: String, name: String, agency: (certificatePEM: String, keyPEM: String),
                                         chainCAPEM: String, days: Int = 3_650) throws {
        let sdk = try issue(commonName: name, organization: "sdk", issuerCertificatePEM: agency.certificatePEM,
                            issuerKeyPEM: agency.keyPEM, days: days)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let files = [("ca.crt", chainCAPEM, 0o644), ("sdk.crt", sdk.certificateChainPEM, 0o644), ("sdk.key", sdk.keyPEM, 0o600)]
        if let existing = files.map({ path + "/" + $0.0 }).first(where: FileManager.default.fileExists(atPath:)) {
            throw ChannelTLS.Failure("\(existing) exists; not overwriting it")
        }
        for (file, text, mode) in files {
            let target = path + "/" + file
            guard FileManager.default.createFile(atPath: target, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
                throw ChannelTLS.Failure("cannot create \(target)")
            }
        }
    }

    private static func secp256k1Key() throws(ChannelTLS.Failure) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { throw ChannelTLS.Failure("out of memory") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_secp256k1) == 1,
              EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw ChannelTLS.Failure("cannot make a secp256k1 key")
        }
        return key
    }

    private static func addExtension(_ certificate: OpaquePointer, issuer: OpaquePointer, _ nid: Int32, _ value: String) -> Bool {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer, certificate, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else { return false }
        defer { X509_EXTENSION_free(ext) }
        return X509_add_ext(certificate, ext, -1) == 1
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws(ChannelTLS.Failure) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw ChannelTLS.Failure("out of memory") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw ChannelTLS.Failure("cannot write PEM") }
        var data: UnsafeMutablePointer<CChar>?
        let length = strand_bio_mem_data(bio, &data)
        guard let data, length > 0 else { throw ChannelTLS.Failure("cannot write PEM") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    private static func read<T>(_ pem: String, _ reader: (OpaquePointer) -> T?) -> T? {
        Array(pem.utf8).withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return reader(bio)
        }
    }
}
