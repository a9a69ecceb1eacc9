import Dispatch
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// JSON-RPC over HTTP/1.1 on SwiftNIO: keep-alive, batches, a body size limit,
/// `GET /metrics` for Prometheus and `GET /health` for load balancers and `strand chain`; and over
/// a WebSocket on the same port, with `eth_subscribe` (`SubscriptionHub`); other `GET`s go to
/// `pages` (the block browser). Calls run off the event loop, on a Dispatch queue.
public final class RPCServer: Sendable {
    public let host: String
    public let port: Int
    public let maxBodyBytes: Int
    private let service: any RPCService
    /// Subscriptions over WebSocket; none: the port speaks HTTP only.
    public let subscriptions: SubscriptionHub?
    private let pages: StaticPages?
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger

    public init(host: String, port: Int, service: any RPCService, maxBodyBytes: Int = 16 << 20, subscriptions: SubscriptionHub? = nil,
                pages: StaticPages? = nil, logger: Logger) {
        self.pages = pages
        self.host = host
        self.port = port
        self.service = service
        self.subscriptions = subscriptions
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds and starts serving; returns the bound address (port 0 picks a free one).
    public func start() throws -> SocketAddress {
        let service = service, maxBody = maxBodyBytes, logger = logger, hub = subscriptions, pages = pages
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let http = RPCHTTPHandler(service: service, maxBodyBytes: maxBody, pages: pages, logger: logger)
                guard let hub else {
                    return channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap { channel.pipeline.addHandler(http) }
                }
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: WebSocketRPCHandler.maxMessageBytes,
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(WebSocketRPCHandler(service: service, hub: hub, logger: logger))
                        }
                    })
                let upgrade: NIOHTTPServerUpgradeSendableConfiguration = (upgraders: [upgrader], completionHandler: { context in
                    context.pipeline.removeHandler(http, promise: nil)
                })
                return channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: upgrade, withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(http)
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port)
            .wait()
        serverChannel.withLock { $0 = channel }
        return channel.localAddress!
    }

    private let serverChannel = Mutex<(any Channel)?>(nil)

    /// Stops accepting and closes the event loop.
    public func stop() {
        if let channel = serverChannel.withLock({ $0 }) { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }
}

/// One HTTP connection: collects a request's body, answers it.
final class RPCHTTPHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: any RPCService
    private let maxBodyBytes: Int
    private let pages: StaticPages?
    private let logger: Logger
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false

    init(service: any RPCService, maxBodyBytes: Int, pages: StaticPages? = nil, logger: Logger) {
        self.service = service
        self.pages = pages
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
            tooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > maxBodyBytes {
                tooLarge = true
            } else {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            handle(head, context: context)
        }
    }

    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        if head.method == .GET && head.uri.hasPrefix("/metrics") {
            let text = service.metricsText()
            respond(context, head, status: .ok, contentType: "text/plain; version=0.0.4", body: Data(text.utf8))
            return
        }
        if head.method == .GET && (head.uri == "/health" || head.uri.hasPrefix("/health?")) {
            let health = service.health()
            respond(context, head, status: health.serving ? .ok : .serviceUnavailable, contentType: "application/json", body: health.body)
            return
        }
        if head.method == .GET, let pages {
            let path = String(head.uri.prefix { $0 != "?" && $0 != "#" })
            if let page = pages(path) {
                respond(context, head, status: .ok, contentType: page.contentType, body: page.body, extraHeaders: Self.pageHeaders)
            } else {
                respond(context, head, status: .notFound, contentType: "text/plain", body: Data("no page at \(path)\n".utf8))
            }
            return
        }
        guard head.method == .POST else {
            respond(context, head, status: .methodNotAllowed, contentType: "text/plain",
                    body: Data("POST JSON-RPC requests to this address; GET /metrics for metrics, GET /health for health\n".utf8))
            return
        }
        if tooLarge {
            let error = RPCError.invalidRequest("body exceeds \(maxBodyBytes) bytes")
            respond(context, head, status: .payloadTooLarge, contentType: "application/json", body: JSONRPC.errorBody(error))
            return
        }
        let bytes = Data(body.readableBytesView)
        let envelope: JSONRPC.Envelope
        do { envelope = try JSONRPC.parse(bytes) } catch {
            respond(context, head, status: .ok, contentType: "application/json", body: JSONRPC.errorBody(error))
            return
        }
        let service = service
        let loop = context.eventLoop
        let boxed = UncheckedBox((envelope, context))
        DispatchQueue.global(qos: .userInitiated).async {
            let outcomes = service.handle(boxed.value.0.calls)
            let response = JSONRPC.respond(boxed.value.0, outcomes)
            loop.execute {
                let context = boxed.value.1
                if let response {
                    self.respond(context, head, status: .ok, contentType: "application/json", body: response)
                } else {
                    self.respond(context, head, status: .noContent, contentType: "application/json", body: Data())
                }
            }
        }
    }

    /// Pages load nothing from elsewhere and talk only to this port: an intranet needs no outside asset.
    static let pageHeaders = [
        ("Cache-Control", "no-cache"),
        ("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
    ]

    private func respond(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, status: HTTPResponseStatus,
                         contentType: String, body: Data, extraHeaders: [(String, String)] = []) {
        var headers = HTTPHeaders()
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// Carries a non-Sendable value to the thread that will use it next; the caller vouches
/// that only one thread touches it at a time.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
