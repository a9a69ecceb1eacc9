import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import StrandRPC
import Testing

/// The HTTP handler alone on an `EmbeddedChannel`: request parts in, response parts out, no
/// sockets. Routing of GET /health and /metrics, wrong methods, and the body limit.
@Suite struct RPCHTTPHandlerTests {
    struct StubService: RPCService {
        let serving: Bool
        func handle(_ calls: [RPCCall]) -> [RPCOutcome] { calls.map { _ in .value(.null) } }
        func metricsText() -> String { "strand_stub 1\n" }
        func health() -> (serving: Bool, body: Data) { (serving, Data(#"{"status":"x"}"#.utf8)) }
    }

    /// Sends one request through a fresh handler; returns the status, the headers and the body.
    private func exchange(_ method: HTTPMethod, _ uri: String, body: String = "", serving: Bool = true,
                          maxBodyBytes: Int = 1_000, pages: StaticPages? = nil) throws -> (HTTPResponseStatus, HTTPHeaders, String) {
        let channel = EmbeddedChannel(handler: RPCHTTPHandler(service: StubService(serving: serving), maxBodyBytes: maxBodyBytes,
                                                               pages: pages, logger: Logger(label: "test")))
        defer { _ = try? channel.finish() }
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: uri)))
        if !body.isEmpty { try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: body))) }
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .head(let head)? = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            throw ChannelError.inappropriateOperationForState
        }
        var text = ""
        while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
            if case .body(.byteBuffer(let buffer)) = part { text += String(buffer: buffer) }
        }
        return (head.status, head.headers, text)
    }

    @Test func healthAnswers200Or503WithTheSameJSON() throws {
        let (ok, headers, body) = try exchange(.GET, "/health")
        #expect(ok == .ok && headers["Content-Type"] == ["application/json"] && body == #"{"status":"x"}"#)
        let (unavailable, _, same) = try exchange(.GET, "/health", serving: false)
        #expect(unavailable == .serviceUnavailable && same == body)
        #expect(try exchange(.GET, "/health?verbose=1").0 == .ok)
    }

    @Test func metricsWrongMethodsAndTheBodyLimit() throws {
        let (status, _, text) = try exchange(.GET, "/metrics")
        #expect(status == .ok && text == "strand_stub 1\n")
        #expect(try exchange(.GET, "/").0 == .methodNotAllowed)
        #expect(try exchange(.GET, "/healthz").0 == .methodNotAllowed)
        #expect(try exchange(.PUT, "/").0 == .methodNotAllowed)
        let (tooLarge, _, refusal) = try exchange(.POST, "/", body: String(repeating: " ", count: 2_000))
        #expect(tooLarge == .payloadTooLarge && refusal.contains("exceeds 1000 bytes"))
    }

    @Test func pagesAreServedOnGETWithTheirPolicy() throws {
        let pages: StaticPages = { path in path == "/" ? StaticPage(contentType: "text/html", body: Data("<p>hi</p>".utf8)) : nil }
        let (status, headers, body) = try exchange(.GET, "/?tab=1", pages: pages)
        #expect(status == .ok && headers["Content-Type"] == ["text/html"] && body == "<p>hi</p>")
        #expect(headers["Content-Security-Policy"].first?.contains("default-src 'self'") == true)
        #expect(try exchange(.GET, "/elsewhere", pages: pages).0 == .notFound)
        // Health and metrics keep their routes beside the pages; other methods are still refused.
        #expect(try exchange(.GET, "/health", pages: pages).0 == .ok)
        #expect(try exchange(.GET, "/metrics", pages: pages).1["Content-Type"].first?.hasPrefix("text/plain") == true)
        #expect(try exchange(.PUT, "/", pages: pages).0 == .methodNotAllowed)
    }
}
