import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking JSON-RPC client on one keep-alive HTTP/1.1 connection: the load generator
/// runs one per sending thread, so there is no event loop between it and the socket; the
/// `strand chain` commands ask nodes with it.
public final class RPCClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public let host: String
    public let port: UInt16
    /// How long a send or a read may wait.
    public let timeoutSeconds: Int
    private var socket: Int32 = -1
    private var buffer = [UInt8]()

    /// `url` is http://HOST:PORT[/].
    public init(url: String, timeoutSeconds: Int = 60) throws {
        self.timeoutSeconds = timeoutSeconds
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
            throw Failure(description: "--rpc must be http://HOST:PORT, not \(url)")
        }
        self.host = host == "localhost" ? "127.0.0.1" : host
        self.port = UInt16(components.port ?? 8545)
    }

    deinit { if socket >= 0 { close(socket) } }

    private func connect() throws {
        if socket >= 0 { return }
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw Failure(description: "\(host) is not an IPv4 address")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        socket = fd
    }

    /// Posts `body` and returns the parsed JSON answer; reconnects once if the connection dropped.
    public func post(_ body: Data) throws -> Any {
        let answer = try postRaw(body)
        return answer.isEmpty ? NSNull() : try JSONSerialization.jsonObject(with: answer)
    }

    /// Posts `body` and returns the answer's bytes, unparsed.
    public func postRaw(_ body: Data) throws -> Data {
        try retryingOnce { try exchange("POST", "/", body).body }
    }

    /// GETs `path` (e.g. `/health`) and returns the HTTP status and the body.
    public func get(_ path: String) throws -> (status: Int, body: Data) {
        try retryingOnce { try exchange("GET", path, nil) }
    }

    private func retryingOnce<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            if socket >= 0 { close(socket); socket = -1 }
            return try body()
        }
    }

    public func call(_ method: String, _ params: [Any]) throws -> Any {
        let request: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": method, "params": params]
        let answer = try post(try JSONSerialization.data(withJSONObject: request))
        guard let object = answer as? [String: Any] else { throw Failure(description: "\(method): unexpected answer") }
        if let error = object["error"] as? [String: Any] { throw Failure(description: "\(method): \(error["message"] ?? error)") }
        return object["result"] ?? NSNull()
    }

    private func exchange(_ method: String, _ path: String, _ body: Data?) throws -> (status: Int, body: Data) {
        try connect()
        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n".utf8)
        if let body {
            request.append(Data("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
            request.append(body)
        } else {
            request.append(Data("\r\n".utf8))
        }
        try request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(socket, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
                sent += n
            }
        }
        // Read the head, then exactly Content-Length bytes.
        var headEnd: Int?
        while headEnd == nil {
            try fill()
            headEnd = buffer.firstRange(of: [13, 10, 13, 10])?.upperBound
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        guard let lengthLine = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
              let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) else {
            throw Failure(description: "answer without Content-Length")
        }
        while buffer.count < headEnd! + length { try fill() }
        let payload = Data(buffer[headEnd!..<(headEnd! + length)])
        buffer.removeFirst(headEnd! + length)
        return (status, payload)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = recv(socket, &chunk, chunk.count, 0)
        guard n > 0 else { throw Failure(description: "connection closed") }
        buffer.append(contentsOf: chunk[0..<n])
    }
}
