import COpenSSL
import NIOCore

/// The server side of a TLS connection on OpenSSL, under NIO: ciphertext from the socket goes into
/// a memory BIO, plaintext comes out of `SSL_read`; each outbound write is one `SSL_write`, so one
/// frame is one TLS record (FISCO's python-sdk takes each record it reads as whole frames).
/// Fires `TLSHandshakeCompleted` once the client's certificate chain verified.
final class OpenSSLServerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The handshake finished and the peer's certificate verified against the chain CA.
    struct HandshakeCompleted {}

    private let tls: ChannelTLS
    private var ssl: OpaquePointer?
    private var incoming: OpaquePointer?
    private var outgoing: OpaquePointer?
    private var handshaken = false
    private var plaintext = [UInt8](repeating: 0, count: 16_384)

    init(tls: ChannelTLS) {
        self.tls = tls
    }

    func handlerAdded(context: ChannelHandlerContext) {
        ssl = SSL_new(tls.context)
        incoming = BIO_new(BIO_s_mem())
        outgoing = BIO_new(BIO_s_mem())
        guard let ssl, let incoming, let outgoing else { return context.close(promise: nil) }
        SSL_set_bio(ssl, incoming, outgoing)  // the SSL owns both BIOs from here
        SSL_set_accept_state(ssl)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let ssl { SSL_free(ssl) }
        ssl = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let ssl, let incoming else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            _ = BIO_write(incoming, bytes.baseAddress, Int32(bytes.count))
        }
        if !handshaken {
            let result = SSL_do_handshake(ssl)
            flushCiphertext(context)
            guard result == 1 else {
                let error = SSL_get_error(ssl, result)
                if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                    context.fireErrorCaught(ChannelTLS.Failure("TLS handshake failed"))
                    context.close(promise: nil)
                }
                return
            }
            handshaken = true
            context.fireUserInboundEventTriggered(HandshakeCompleted())
        }
        readPlaintext(context)
    }

    private func readPlaintext(_ context: ChannelHandlerContext) {
        guard let ssl else { return }
        while true {
            let count = plaintext.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                var out = context.channel.allocator.buffer(capacity: Int(count))
                out.writeBytes(plaintext[0..<Int(count)])
                context.fireChannelRead(wrapInboundOut(out))
                continue
            }
            let error = SSL_get_error(ssl, count)
            flushCiphertext(context)
            if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return }
            if error != SSL_ERROR_ZERO_RETURN { context.fireErrorCaught(ChannelTLS.Failure("TLS read failed")) }
            context.close(promise: nil)
            return
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let ssl, handshaken else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let buffer = unwrapOutboundIn(data)
        let written = buffer.withUnsafeReadableBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        guard written == buffer.readableBytes else {
            promise?.fail(ChannelTLS.Failure("TLS write failed"))
            context.close(promise: nil)
            return
        }
        flushCiphertext(context, promise: promise)
    }

    /// Sends whatever OpenSSL put in the outgoing BIO.
    private func flushCiphertext(_ context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        guard let outgoing else { return }
        let pending = BIO_ctrl_pending(outgoing)
        guard pending > 0 else {
            promise?.succeed(())
            return
        }
        var out = context.channel.allocator.buffer(capacity: pending)
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
            Int(BIO_read(outgoing, bytes.baseAddress, Int32(pending)))
        }
        context.writeAndFlush(wrapOutboundOut(out), promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if let ssl, handshaken {
            SSL_shutdown(ssl)
            flushCiphertext(context)
        }
        context.close(mode: mode, promise: promise)
    }
}
