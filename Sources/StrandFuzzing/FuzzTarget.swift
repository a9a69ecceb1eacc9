import Foundation
import NIOCore
import NIOEmbedded
import StrandChannel
import StrandConsensus
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import StrandRPC
import StrandSync
import StrandTypes

/// What a node reads from outside, one entry point each, for libFuzzer (`Fuzz/`, run by
/// `scripts/fuzz.sh`) and for the short pass the tests make over seeds and mutations.
///
/// Each entry point must never crash on any input, and checks a property where the format
/// gives one: strict decoders accept only canonical bytes, so what decodes must encode back to
/// exactly the input; JSON-RPC's fast parser must agree with Foundation's wherever it answers.
/// A broken property stops the process (`FuzzFinding`), which is what libFuzzer reports.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `Transaction.decode`: every accepted envelope (legacy, EIP-2930, EIP-1559, FISCO), then its checks and recovery.
    case transaction
    /// `RLPValue.decode`, strict RLP.
    case rlp
    /// P2P frames through the node's `FrameDecoder`, each frame decoded as a `NetworkMessage`.
    case frames
    /// `ConsensusMessage.decode` (votes, proposals, view changes) and the journal's codec.
    case consensus
    /// JSON-RPC request bodies: the fast path and Foundation's parser, and the response writer.
    case jsonRPC = "json-rpc"
    /// SM2 verification against OpenSSL's on any key, signature and message; signatures made
    /// with keys and nonces drawn from the input, accepted by both.
    case sm2

    /// Runs one input; stops the process if a property breaks.
    public func run(_ input: [UInt8]) {
        switch self {
        case .transaction: Self.transaction(input)
        case .rlp: Self.rlp(input)
        case .frames: Self.frames(input)
        case .consensus: Self.consensus(input)
        case .jsonRPC: Self.jsonRPC(input)
        case .sm2: Self.sm2(input)
        }
    }

    /// A 国密 chain's verifier, whose cache of prepared keys must answer as one-by-one verification.
    private static let smVerifier = SignatureVerifier(threads: 1, suite: .sm)

    private static func transaction(_ input: [UInt8]) {
        guard let tx = try? Transaction.decode(input) else { return }
        let again = Transaction(tx.content, signature: tx.signature)
        check(again.encoded == input, "a transaction decoded from bytes that are not its encoding")
        check(again.hash == tx.hash, "re-encoding changed a transaction's hash")
        _ = try? tx.validate(TransactionRules(chainID: 20200, suite: tx.suite))
        let sender = try? tx.recoverSender()
        if tx.suite == .sm {
            check((try? smVerifier.recoverSenders([tx])[0].get().sender) == sender,
                  "the 国密 verifier's prepared keys answered otherwise than verification one by one")
        }
    }

    private static func rlp(_ input: [UInt8]) {
        guard let value = try? RLPValue.decode(input) else { return }
        check(value.encoded == input, "RLP decoded from a non-canonical encoding")
    }

    /// The largest frame the fuzzer's link accepts: small, so that length headers above it are exercised.
    static let maxFrameBytes = 1 << 16

    private static func frames(_ input: [UInt8]) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
        defer { _ = try? channel.finish() }
        var buffer = channel.allocator.buffer(capacity: input.count)
        buffer.writeBytes(input)
        _ = try? channel.writeInbound(buffer)
        while let frame = try? channel.readInbound(as: [UInt8].self) {
            check(frame.count <= maxFrameBytes, "a frame above the limit reached the reader")
            guard let message = try? NetworkMessage.decode(frame) else { continue }
            check(message.encoded == frame, "a network message decoded from bytes that are not its encoding")
            guard case .subprotocol(let carried) = message else { continue }
            switch carried.subprotocol {
            case .sync:
                if let sync = try? SyncMessage(carried) {
                    check(sync.protocolMessage == carried, "a sync message decoded from bytes that are not its encoding")
                }
            case .consensus:
                if let bytes = try? carried.opaqueBytes() { consensus(bytes) }
            case .amop:
                if let amop = try? AMOPMessage.decode(carried) {
                    check(amop.protocolMessage == carried, "an AMOP message decoded from bytes that are not its encoding")
                }
            case .status:
                if let report = try? NodeStatusReport.decode(carried) {
                    check(report.protocolMessage == carried, "a status report decoded from bytes that are not its encoding")
                }
            }
        }
    }

    private static func consensus(_ input: [UInt8]) {
        if let message = try? ConsensusMessage.decode(input) {
            check(message.encoded == input, "a consensus message decoded from bytes that are not its encoding")
        }
        if let journal = try? PBFTJournal.decode(input) {
            check(journal.encoded == input, "a journal decoded from bytes that are not its encoding")
        }
    }

    private static func jsonRPC(_ input: [UInt8]) {
        let body = Data(input)
        let full = Result { () throws(RPCError) in try JSONRPC.parseWithFoundation(body) }
        if let fast = JSONRPC.parseSimple(body) {
            check(full == .success(fast), "the fast JSON-RPC parser disagrees with Foundation's")
        }
        guard case .success(let envelope) = full else { return }
        let outcomes = envelope.calls.map { RPCOutcome.error(.methodNotFound($0.method)) }
        if let response = JSONRPC.respond(envelope, outcomes) {
            check((try? JSONSerialization.jsonObject(with: response, options: [.fragmentsAllowed])) != nil,
                  "the response writer wrote invalid JSON")
        }
    }

    static func check(_ property: Bool, _ finding: @autoclosure () -> String) {
        if !property { FuzzFinding.report(finding()) }
    }
}

/// A broken property: said on standard error, then the process stops, so that libFuzzer keeps the input.
public enum FuzzFinding {
    public static func report(_ what: String) -> Never {
        FileHandle.standardError.write(Data("fuzz finding: \(what)\n".utf8))
        abort()
    }
}
