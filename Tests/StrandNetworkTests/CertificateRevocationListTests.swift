import StrandCrypto
import StrandNetwork
import StrandPrimitives
import Testing
import X509

/// The chain CA's revocation list: what Strand issues it reads back, and only from that CA.
@Suite struct CertificateRevocationListTests {
    let chainCA = try! ChainCertificates.chainCA(name: "test chain")
    let otherCA = try! ChainCertificates.chainCA(name: "another chain")

    func nodeSerial() throws -> [UInt8] {
        let agency = try ChainCertificates.agency(name: "Bank A", issuer: chainCA)
        let node = try ChainCertificates.node(NodeID(PrivateKey.random().publicKey), name: "node", agency: agency)
        return Array(node.certificate.serialNumber.bytes.drop { $0 == 0 })
    }

    @Test func whatTheCAIssuesReadsBack() throws {
        let serial = try nodeSerial()
        let pem = try CertificateRevocationList.issue(revoking: [serial, [1, 2, 3]], caCertificatePEM: chainCA.certificatePEM,
                                                      caKeyPEM: chainCA.keyPEM, days: 30)
        #expect(pem.hasPrefix("-----BEGIN X509 CRL-----"))
        let list = try CertificateRevocationList(pem: pem, caPEM: chainCA.certificatePEM)
        #expect(list.serials == [serial, [1, 2, 3]])
        #expect(list.revokes(serial: [0] + serial) && !list.revokes(serial: [9]))
        let empty = try CertificateRevocationList.issue(revoking: [], caCertificatePEM: chainCA.certificatePEM, caKeyPEM: chainCA.keyPEM, days: 1)
        #expect(try CertificateRevocationList(pem: empty, caPEM: chainCA.certificatePEM).serials.isEmpty)
    }

    @Test func aListFromAnotherCAOrAlteredIsRefused() throws {
        let pem = try CertificateRevocationList.issue(revoking: [[1, 2, 3]], caCertificatePEM: chainCA.certificatePEM,
                                                      caKeyPEM: chainCA.keyPEM, days: 30)
        #expect(throws: CertificateRevocationList.Failure.self) { try CertificateRevocationList(pem: pem, caPEM: otherCA.certificatePEM) }
        #expect(throws: CertificateRevocationList.Failure.self) {
            try CertificateRevocationList.issue(revoking: [], caCertificatePEM: chainCA.certificatePEM, caKeyPEM: otherCA.keyPEM, days: 1)
        }
        // One base64 character of the body changed: the signature no longer verifies (or it no longer parses).
        var lines = pem.split(separator: "\n").map(String.init)
        var middle = Array(lines[2])
        middle[10] = middle[10] == "A" ? "B" : "A"
        lines[2] = String(middle)
        #expect(throws: CertificateRevocationList.Failure.self) {
            try CertificateRevocationList(pem: lines.joined(separator: "\n") + "\n", caPEM: chainCA.certificatePEM)
        }
        #expect(throws: CertificateRevocationList.Failure.self) { try CertificateRevocationList(pem: "garbage", caPEM: chainCA.certificatePEM) }
    }
}
