/// Why a link to a peer ended. `isPeerFault` says whether the peer is to blame (and counted
/// as misbehaving) or the link just failed.
public enum PeerError: Error, Equatable, Sendable, CustomStringConvertible {
    case frameTooLarge(Int, limit: Int)
    case badMessage(MessageError)
    case notAMember(String)
    /// The chain revoked the peer's node ID (`p2p.revoked`, FISCO's certificate blacklist).
    case revoked(String)
    case badCertificate(String)
    case wrongChain(String)
    case unexpectedMessage(String)
    case noHello
    case silent
    case duplicate

    public var isPeerFault: Bool {
        switch self {
        case .silent, .duplicate: false
        default: true
        }
    }

    /// The label `/metrics` counts drops under.
    public var reason: String {
        switch self {
        case .frameTooLarge: "frame_too_large"
        case .badMessage: "bad_message"
        case .notAMember: "not_a_member"
        case .revoked: "revoked"
        case .badCertificate: "bad_certificate"
        case .wrongChain: "wrong_chain"
        case .unexpectedMessage: "unexpected_message"
        case .noHello: "no_hello"
        case .silent: "silent"
        case .duplicate: "duplicate_link"
        }
    }

    public static let allReasons = ["frame_too_large", "bad_message", "not_a_member", "revoked", "bad_certificate", "wrong_chain",
                                    "unexpected_message", "no_hello", "silent", "duplicate_link", "tls"]

    public var description: String {
        switch self {
        case .frameTooLarge(let size, let limit): "frame of \(size) bytes exceeds \(limit)"
        case .badMessage(let error): "\(error)"
        case .notAMember(let detail): "not a member of this chain: \(detail)"
        case .revoked(let detail): "revoked: \(detail)"
        case .badCertificate(let detail): "certificate: \(detail)"
        case .wrongChain(let detail): "another chain: \(detail)"
        case .unexpectedMessage(let detail): "unexpected message: \(detail)"
        case .noHello: "no hello in time"
        case .silent: "silent past the dead-peer timeout"
        case .duplicate: "a newer link to the same node replaced this one"
        }
    }
}
