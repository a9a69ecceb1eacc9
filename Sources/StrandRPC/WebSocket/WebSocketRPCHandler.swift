import Dispatch
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// JSON-RPC over a WebSocket on the RPC port: the same methods as HTTP, plus `eth_subscribe` and
/// `eth_unsubscribe` (`SubscriptionHub`). Requests are text or binary frames (web3.py sends
/// binary; fragments joined up to the frame limit); answers and notifications go out as text frames. A client that leaves more than
/// `maxQueuedBytes` unread is disconnected with a reason, never buffered for.
final class WebSocketRPCHandler: ChannelInboundHandler, SubscriptionSink, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    static let maxMessageBytes = 1 << 20
    static let maxQueuedBytes = 8 << 20

    private let service: any RPCService
    private let hub: SubscriptionHub
    private let logger: Logger
    private var fragments: [UInt8] = []
    private var collecting = false
    private let channel = Mutex<(any Channel)?>(nil)
    private let queuedBytes = Atomic<Int>(0)

    init(service: any RPCService, hub: SubscriptionHub, logger: Logger) {
        self.service = service
        self.hub = hub
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        self.channel.withLock { $0 = channel }
    }

    func channelInactive(context: ChannelHandlerContext) {
        hub.sinkClosed(self)
        channel.withLock { $0 = nil }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard frame.opcode != .continuation || collecting else { return close(context, code: .protocolError, "continuation without a start") }
            collecting = !frame.fin
            guard fragments.count + frame.data.readableBytes <= Self.maxMessageBytes else {
                return close(context, code: .messageTooLarge, "message above \(Self.maxMessageBytes) bytes")
            }
            fragments += frame.unmaskedData.readableBytesView
            if frame.fin {
                let message = fragments
                fragments = []
                serve(message)
            }
        case .ping:
            var pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            pong.maskKey = nil
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            close(context, code: .normalClosure, "")
        default:
            break
        }
    }

    /// Serves one message off the event loop, as the HTTP port does.
    private func serve(_ message: [UInt8]) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let answer: Data?
            do throws(RPCError) {
                let envelope = try JSONRPC.parse(Data(message))
                let outcomes = envelope.calls.map { call -> RPCOutcome in
                    switch call.method {
                    case "eth_subscribe":
                        do throws(RPCError) { return .value(.string(try hub.subscribe(call.params, sink: self))) } catch { return .error(error) }
                    case "eth_unsubscribe":
                        guard let id = call.params.first?.stringValue else { return .error(.invalidParams("name the subscription")) }
                        return .value(.bool(hub.unsubscribe(id, sink: self)))
                    default:
                        if let methods = hub.methods(for: call.method) { return methods.call(call, from: self) }
                        return service.handle([call])[0]
                    }
                }
                answer = JSONRPC.respond(envelope, outcomes)
            } catch {
                answer = JSONRPC.errorBody(error)
            }
            if let answer { notify(Array(answer)) }
        }
    }

    /// Queues a text frame from any thread; past the bound, the client is disconnected.
    func notify(_ text: [UInt8]) {
        guard let channel = channel.withLock({ $0 }) else { return }
        let size = text.count
        guard queuedBytes.wrappingAdd(size, ordering: .relaxed).newValue <= Self.maxQueuedBytes else {
            queuedBytes.wrappingSubtract(size, ordering: .relaxed)
            logger.notice("WebSocket client \(channel.remoteAddress?.description ?? "?") disconnected: it left \(Self.maxQueuedBytes) bytes unread")
            channel.eventLoop.execute { [self] in sendClose(channel, code: .policyViolation, "too slow: more than \(Self.maxQueuedBytes) bytes unread") }
            return
        }
        channel.eventLoop.execute { [self] in
            let frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(bytes: text))
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { [self] _ in queuedBytes.wrappingSubtract(size, ordering: .relaxed) }
            channel.writeAndFlush(frame, promise: promise)
        }
    }

    private func close(_ context: ChannelHandlerContext, code: WebSocketErrorCode, _ reason: String) {
        sendClose(context.channel, code: code, reason)
    }

    private func sendClose(_ channel: any Channel, code: WebSocketErrorCode, _ reason: String) {
        var data = channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        data.writeString(String(reason.prefix(120)))
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
