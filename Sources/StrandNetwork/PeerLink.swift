import NIOCore
import StrandCrypto
import Synchronization

/// An established link to one peer: sends from any thread, with a bounded queue of writes in
/// flight; beyond it, messages are dropped and counted rather than buffered without end.
final class PeerLink: Sendable {
    let nodeID: NodeID
    /// The serial number of the certificate the peer presented, for revocation while linked.
    let certificateSerial: [UInt8]
    let channel: any Channel
    let outbound: Bool
    private let queued = Atomic<Int>(0)
    private let limit: Int
    private let onDrop: @Sendable () -> Void

    init(nodeID: NodeID, certificateSerial: [UInt8] = [], channel: any Channel, outbound: Bool, limit: Int,
         onDrop: @escaping @Sendable () -> Void) {
        self.nodeID = nodeID
        self.certificateSerial = certificateSerial
        self.channel = channel
        self.outbound = outbound
        self.limit = limit
        self.onDrop = onDrop
    }

    /// Queues `message`; false when the peer's queue is full and it was dropped.
    @discardableResult
    func send(_ message: NetworkMessage) -> Bool {
        send(encoded: message.encoded)
    }

    @discardableResult
    func send(encoded bytes: [UInt8]) -> Bool {
        guard queued.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            queued.wrappingSubtract(1, ordering: .relaxed)
            onDrop()
            return false
        }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [self] _ in queued.wrappingSubtract(1, ordering: .relaxed) }
        channel.writeAndFlush(bytes, promise: promise)
        return true
    }

    func close() {
        channel.close(promise: nil)
    }
}
