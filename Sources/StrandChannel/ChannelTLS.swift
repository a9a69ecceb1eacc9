import COpenSSL
import Foundation

/// The channel port's TLS, as FISCO 2.x's SDKs speak it: TLS 1.2 only, ECDHE over secp256k1 (the
/// only group the python-sdk offers) or P-256, ECDSA certificates, and a client certificate the
/// chain CA issued (mutual authentication). On the system's OpenSSL: BoringSSL has no secp256k1.
public final class ChannelTLS: @unchecked Sendable {
    /// The `SSL_CTX`; read-only once made, which OpenSSL allows from any thread.
    let context: OpaquePointer

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description + Self.openSSLErrors() }

        /// OpenSSL's queued errors, drained, as text after a colon (empty when none).
        static func openSSLErrors() -> String {
            var reasons: [String] = []
            while case let code = ERR_get_error(), code != 0 {
                var text = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &text, text.count)
                reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
        }
    }

    /// - Parameters:
    ///   - chainCA: the chain CA's certificate file, the only root an SDK certificate may chain to.
    ///   - certificateChain: this node's channel certificate (secp256k1), then the agency's.
    ///   - privateKey: its key.
    public init(chainCA: String, certificateChain: String, privateKey: String) throws(Failure) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw Failure("cannot make a TLS context") }
        self.context = context
        guard strand_ssl_ctx_tls12_only(context) == 1 else { throw Failure("cannot restrict the channel port to TLS 1.2") }
        guard strand_ssl_ctx_set_groups(context, "secp256k1:P-256") == 1 else { throw Failure("OpenSSL lacks the secp256k1 group") }
        guard SSL_CTX_use_certificate_chain_file(context, certificateChain) == 1 else {
            throw Failure("cannot read the channel certificate chain \(certificateChain)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKey, SSL_FILETYPE_PEM) == 1, SSL_CTX_check_private_key(context) == 1 else {
            throw Failure("cannot read the channel key \(privateKey), or it is not the certificate's")
        }
        guard SSL_CTX_load_verify_locations(context, chainCA, nil) == 1 else { throw Failure("cannot read the chain CA \(chainCA)") }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
    }

    deinit { SSL_CTX_free(context) }
}
