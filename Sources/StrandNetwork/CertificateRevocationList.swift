import COpenSSL
import Foundation

/// An X.509 CRL from the chain CA: the serial numbers of node certificates the consortium
/// withdrew, refused at the handshake and cut at once when the list is reloaded.
///
/// The chain CA signs it for certificates its agencies issued (what X.509 calls an indirect
/// CRL): the CA is the one key every node trusts. Serial numbers are random 160-bit numbers
/// (`ChainCertificates`), so one names one certificate. Read, checked and issued with the
/// system's OpenSSL, so that `openssl crl` reads what Strand writes and Strand reads what
/// `openssl ca -gencrl` writes.
public struct CertificateRevocationList: Sendable, Equatable {
    /// Serial numbers as big-endian bytes without leading zeros.
    public let serials: Set<[UInt8]>

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public init(serials: Set<[UInt8]> = []) {
        self.serials = serials
    }

    /// The CRL in `pem`, refused unless the CA certificate in `caPEM` issued and signed it.
    public init(pem: String, caPEM: String) throws(Failure) {
        guard let crl = Self.read(pem, { PEM_read_bio_X509_CRL($0, nil, nil, nil) }) else { throw Failure("not a PEM certificate revocation list") }
        defer { X509_CRL_free(crl) }
        guard let ca = Self.read(caPEM, { PEM_read_bio_X509($0, nil, nil, nil) }) else { throw Failure("not a PEM CA certificate") }
        defer { X509_free(ca) }
        guard X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) == 0 else {
            throw Failure("the list was not issued by the chain CA")
        }
        guard let key = X509_get_pubkey(ca) else { throw Failure("the CA certificate's key is unreadable") }
        defer { EVP_PKEY_free(key) }
        guard X509_CRL_verify(crl, key) == 1 else { throw Failure("the list's signature does not verify against the chain CA") }
        var serials: Set<[UInt8]> = []
        if let revoked = X509_CRL_get_REVOKED(crl) {
            let stack = revoked
            for index in 0..<OPENSSL_sk_num(stack) {
                let entry = OpaquePointer(OPENSSL_sk_value(stack, index))
                guard let serial = X509_REVOKED_get0_serialNumber(entry), let number = ASN1_INTEGER_to_BN(serial, nil) else { continue }
                defer { BN_free(number) }
                var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
                _ = BN_bn2bin(number, &bytes)
                serials.insert(bytes)
            }
        }
        self.serials = serials
    }

    /// Whether it names the certificate with serial number `serial` (big-endian, any leading zeros).
    public func revokes(serial: some Collection<UInt8>) -> Bool {
        serials.contains(Array(serial.drop { $0 == 0 }))
    }

    /// A CRL naming `serials`, issued now by the CA whose certificate and key are given in PEM
    /// and valid for `days`, in PEM.
    public static func issue(revoking serials: Set<[UInt8]>, caCertificatePEM: String, caKeyPEM: String, days: Int) throws(Failure) -> String {
        guard let ca = read(caCertificatePEM, { PEM_read_bio_X509($0, nil, nil, nil) }) else { throw Failure("not a PEM CA certificate") }
        defer { X509_free(ca) }
        guard let key = read(caKeyPEM, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else { throw Failure("not a PEM private key") }
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(ca, key) == 1 else { throw Failure("the key is not the CA certificate's") }
        guard let crl = X509_CRL_new() else { throw Failure("out of memory") }
        defer { X509_CRL_free(crl) }
        let now = time(nil)
        guard let thisUpdate = ASN1_TIME_set(nil, now), let nextUpdate = ASN1_TIME_adj(nil, now, Int32(days), 0) else {
            throw Failure("out of memory")
        }
        defer { ASN1_TIME_free(thisUpdate); ASN1_TIME_free(nextUpdate) }
        guard X509_CRL_set_version(crl, 1) == 1, X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) == 1,
              X509_CRL_set1_lastUpdate(crl, thisUpdate) == 1, X509_CRL_set1_nextUpdate(crl, nextUpdate) == 1 else {
            throw Failure("cannot fill in the list")
        }
        for serial in serials.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let entry = X509_REVOKED_new() else { throw Failure("out of memory") }
            let number = BN_bin2bn(serial, Int32(serial.count), nil)
            let integer = BN_to_ASN1_INTEGER(number, nil)
            BN_free(number)
            let filled = integer != nil && X509_REVOKED_set_serialNumber(entry, integer) == 1
                && X509_REVOKED_set_revocationDate(entry, thisUpdate) == 1
            ASN1_INTEGER_free(integer)
            guard filled, X509_CRL_add0_revoked(crl, entry) == 1 else {
                X509_REVOKED_free(entry)
                throw Failure("cannot add serial \(serial)")
            }
        }
        guard X509_CRL_sort(crl) == 1, X509_CRL_sign(crl, key, EVP_sha256()) > 0 else { throw Failure("cannot sign the list") }
        guard let out = BIO_new(BIO_s_mem()) else { throw Failure("out of memory") }
        defer { BIO_free(out) }
        guard PEM_write_bio_X509_CRL(out, crl) == 1 else { throw Failure("cannot write the list") }
        var data: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(out, BIO_CTRL_INFO, 0, &data)
        guard let data, length > 0 else { throw Failure("cannot write the list") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// What an OpenSSL PEM reader makes of `pem`.
    private static func read<T>(_ pem: String, _ reader: (OpaquePointer) -> T?) -> T? {
        let bytes = Array(pem.utf8)
        return bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return reader(bio)
        }
    }
}
