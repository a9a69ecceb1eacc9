import Dispatch
import Foundation
import NIOCore
import StrandPrimitives
import StrandRPC
import Synchronization

/// The I/O around one `ChannelSession`: frames in from the TLS layer, RPC served off the event
/// loop, replies and pushes out, one frame per write (so one TLS record each).
final class ChannelConnectionHandler: ChannelInboundHandler, AMOPEndpoint, @unchecked Sendable {
    typealias InboundIn = ChannelFrame
    typealias OutboundOut = ByteBuffer

    private unowned let server: ChannelServer
    private var session = ChannelSession()
    /// Set while active; pushes from other threads hop onto its event loop.
    private let activeChannel = Mutex<(any Channel)?>(nil)
    /// The session's topics, for pushes decided on other threads.
    private let topics = Mutex<Set<String>>([])
    let awaitedCount = Atomic<Int>(0)

    init(server: ChannelServer) {
        self.server = server
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        activeChannel.withLock { $0 = channel }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is OpenSSLServerHandler.HandshakeCompleted { server.register(self) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.unregister(self)
        activeChannel.withLock { $0 = nil }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is ChannelFrameError || error is ByteToMessageDecoderError {
            server.counters.badFrames.wrappingAdd(1, ordering: .relaxed)
        } else if error is ChannelTLS.Failure {
            server.counters.handshakeFailures.wrappingAdd(1, ordering: .relaxed)
        }
        server.logger.info("channel session \(context.remoteAddress?.description ?? "?") closed: \(error)")
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        server.counters.framesIn.wrappingAdd(1, ordering: .relaxed)
        for action in session.received(unwrapInboundIn(data)) {
            switch action {
            case .reply(let frame):
                send(frame, context: context)
            case .ignore(let reason):
                server.counters.ignoredFrames.wrappingAdd(1, ordering: .relaxed)
                server.logger.debug("channel frame ignored: \(reason)")
            case .rpc(let sequence, let body):
                serve(sequence: sequence, body: body, context: context)
            case .publish(let frame, let topic):
                server.amop.publish(frame, topic: topic, from: self)
            case .answer(let frame):
                server.amop.answered(frame, by: self)
            case .registerEvents(let sequence, let json):
                let server = server
                DispatchQueue.global(qos: .userInitiated).async { [self] in server.registerEvents(json, connection: self, sequence: sequence) }
            }
        }
        let current = session.topics
        if topics.withLock({ previous in defer { previous = current }; return previous != current }) { server.amop.localTopicsChanged() }
    }

    func subscribes(_ topic: String) -> Bool { topics.withLock { $0.contains(topic) } }

    /// The AMOP topics this session subscribed (not the node's own notifications).
    var amopTopics: [String] { topics.withLock { $0.filter(ChannelSession.isAMOPTopic) } }

    /// Runs a JSON-RPC request off the event loop, as the HTTP port does, and answers on 0x12;
    /// a transaction sent this way also gets its receipt pushed on 0x1000 when it commits.
    private func serve(sequence: [UInt8], body: [UInt8], context: ChannelHandlerContext) {
        let server = server, loop = context.eventLoop
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            var answer: Data
            var awaitedHash: Hash?
            do throws(RPCError) {
                let envelope = try JSONRPC.parse(Data(body))
                let outcomes = server.service.handle(envelope.calls)
                answer = JSONRPC.respond(envelope, outcomes) ?? Data()
                if envelope.calls.count == 1, envelope.calls[0].method == "sendRawTransaction",
                   case .success(let value) = outcomes[0].result, let text = value.stringValue, let hash = try? Hash(hex: text) {
                    if server.await(hash, connection: self, sequence: sequence) { awaitedHash = hash }
                }
            } catch {
                answer = JSONRPC.errorBody(error)
            }
            let frame = ChannelFrame(.rpc, sequence: sequence, body: Array(answer))
            let committedHash = awaitedHash
            loop.execute { [self] in
                guard let channel = activeChannel.withLock({ $0 }) else { return }
                write(frame, to: channel)
                // Committed already (a fast block)? Then its receipt follows the answer now.
                if let committedHash { DispatchQueue.global().async { server.deliverReceipts(of: [committedHash]) } }
            }
        }
    }

    /// Sends `frame` from any thread.
    func push(_ frame: ChannelFrame) {
        guard let channel = activeChannel.withLock({ $0 }) else { return }
        channel.eventLoop.execute { [self] in write(frame, to: channel) }
    }

    func deliver(_ frame: ChannelFrame) { push(frame) }

    /// FISCO's SDKs prove no account here: a private topic never reaches them.
    func provenAccount(for topic: String) -> Address? { nil }

    func pushIfSubscribed(_ frame: ChannelFrame, topic: String) {
        guard topics.withLock({ $0.contains(topic) }) else { return }
        push(frame)
    }

    private func send(_ frame: ChannelFrame, context: ChannelHandlerContext) {
        write(frame, to: context.channel)
    }

    /// One frame, one write; a reader that lets its queue fill is disconnected, not buffered for.
    private func write(_ frame: ChannelFrame, to channel: any Channel) {
        guard channel.isWritable else {
            server.counters.slowReaders.wrappingAdd(1, ordering: .relaxed)
            server.logger.notice("channel session \(channel.remoteAddress?.description ?? "?") disconnected: it does not read what it is sent")
            channel.close(promise: nil)
            return
        }
        var buffer = channel.allocator.buffer(capacity: ChannelFrame.headerBytes + frame.body.count)
        frame.write(to: &buffer)
        channel.writeAndFlush(buffer, promise: nil)
    }
}
