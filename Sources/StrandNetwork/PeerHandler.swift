import NIOCore
import NIOSSL
import NIOTLS
import StrandCrypto
import StrandPrimitives
import X509

/// The I/O around one `PeerSession`: feeds it the TLS handshake's outcome, frames and
/// heartbeats, and carries out its actions on the channel and the network.
final class PeerHandler: ChannelInboundHandler {
    typealias InboundIn = [UInt8]
    typealias OutboundOut = [UInt8]

    private var session: PeerSession
    private let network: Network
    private let outbound: Bool
    private var heartbeat: Scheduled<Void>?
    private var link: PeerLink?
    /// The serial number of the certificate the peer presented (no leading zeros).
    private var certificateSerial: [UInt8] = []

    init(network: Network, outbound: Bool) {
        self.network = network
        self.outbound = outbound
        session = PeerSession(local: network.local, now: network.clock.monotonic())
    }

    func channelActive(context: ChannelHandlerContext) {
        scheduleHeartbeat(context)
        context.fireChannelActive()
    }

    private func scheduleHeartbeat(_ context: ChannelHandlerContext) {
        let config = network.config
        heartbeat = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(config.heartbeatInterval.milliseconds))) { [self] in
            act(session.heartbeat(now: network.clock.monotonic(), deadAfter: config.deadAfter, helloWithin: config.helloWithin), context)
            if session.state != .closed { scheduleHeartbeat(context) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            act(session.tlsCompleted(certified: certifiedNodeID(context), now: network.clock.monotonic()), context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The node ID the peer's certificate names, unless the chain CA revoked the certificate;
    /// BoringSSL has already verified its chain against the chain CA (and its validity period).
    private func certifiedNodeID(_ context: ChannelHandlerContext) -> Result<NodeID, PeerError> {
        do {
            guard let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self),
                  let presented = handler.peerCertificate else {
                return .failure(.badCertificate("the peer presented no certificate"))
            }
            let certificate = try Certificate(derEncoded: try presented.toDERBytes())
            certificateSerial = Array(certificate.serialNumber.bytes.drop { $0 == 0 })
            guard !network.local.revoked.revokes(serial: certificateSerial) else {
                return .failure(.revoked("certificate \(Hex.encode(certificateSerial).prefix(16))…, on the chain CA's revocation list"))
            }
            return .success(try ChainCertificates.nodeID(of: certificate))
        } catch {
            return .failure(.badCertificate("\(error)"))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let now = network.clock.monotonic()
        do {
            act(session.received(try NetworkMessage.decode(bytes), now: now), context)
        } catch {
            act(session.receivedGarbage(error), context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let peerError = error as? PeerError {
            act(session.close(peerError), context)
        } else {
            network.linkFailed(error, outbound: outbound, address: context.remoteAddress)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        heartbeat?.cancel()
        heartbeat = nil
        if let link { network.unregister(link) }
        link = nil
        context.fireChannelInactive()
    }

    private func act(_ actions: [PeerSession.Action], _ context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let message):
                context.writeAndFlush(wrapOutboundOut(message.encoded), promise: nil)
            case .established(let nodeID):
                let link = network.makeLink(nodeID: nodeID, certificateSerial: certificateSerial, channel: context.channel, outbound: outbound)
                self.link = link
                network.register(link)
            case .deliver(let message, let peer):
                network.deliver(message, from: peer)
            case .close(let error):
                network.dropped(error, peer: link?.nodeID, address: context.remoteAddress)
                context.close(promise: nil)
            }
        }
    }
}
