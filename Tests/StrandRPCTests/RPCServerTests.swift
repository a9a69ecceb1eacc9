import Foundation
import Logging
import StrandRPC
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP server on a loopback port with a stub service: JSON-RPC answers, `/metrics`, `/health`,
/// the body limit, wrong methods, and keep-alive.
@Suite struct RPCServerTests {
    struct EchoService: RPCService {
        func handle(_ calls: [RPCCall]) -> [RPCOutcome] {
            calls.map { $0.method == "fail" ? .error(.invalidParams("no")) : .value(.array($0.params)) }
        }
        func metricsText() -> String { "strand_test 1\n" }
        func health() -> (serving: Bool, body: Data) { (false, Data("{\"reason\":\"test\"}".utf8)) }
    }

    /// Sends raw HTTP requests on one connection; returns each response as text.
    private func exchange(port: Int, _ requests: [String]) throws -> [String] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var responses: [String] = []
        for request in requests {
            let bytes = Array(request.utf8)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            // Read until the headers and the announced body are in.
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received += buffer[..<count]
                let text = String(decoding: received, as: UTF8.self)
                if let split = text.range(of: "\r\n\r\n") {
                    let length = text[..<split.lowerBound].split(separator: "\r\n")
                        .first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                    if text.utf8.count - text.utf8.distance(from: text.startIndex, to: split.upperBound) >= length { break }
                }
            }
            responses.append(String(decoding: received, as: UTF8.self))
        }
        return responses
    }

    private func post(_ body: String) -> String {
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func servesJSONRPCMetricsAndLimits() throws {
        let server = RPCServer(host: "127.0.0.1", port: 0, service: EchoService(), maxBodyBytes: 200, logger: Logger(label: "test"))
        let port = try #require(try server.start().port)
        defer { server.stop() }
        let answers = try exchange(port: port, [
            post(#"{"jsonrpc":"2.0","id":7,"method":"echo","params":["0x1",true]}"#),
            post(#"[{"jsonrpc":"2.0","id":1,"method":"fail","params":[]},{"jsonrpc":"2.0","method":"note","params":[]}]"#),
            "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
            post(String(repeating: " ", count: 300)),
            "PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        ])
        #expect(answers.count == 6)
        #expect(answers[0].hasPrefix("HTTP/1.1 200") && answers[0].hasSuffix(#"{"jsonrpc":"2.0","id":7,"result":["0x1",true]}"#))
        #expect(answers[1].contains(#"[{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"invalid params: no"}}]"#))
        #expect(answers[2].hasPrefix("HTTP/1.1 200") && answers[2].hasSuffix("strand_test 1\n"))
        #expect(answers[3].hasPrefix("HTTP/1.1 413"))
        #expect(answers[4].hasPrefix("HTTP/1.1 405"))
        #expect(answers[5].hasPrefix("HTTP/1.1 503") && answers[5].hasSuffix(#"{"reason":"test"}"#))
    }
}
