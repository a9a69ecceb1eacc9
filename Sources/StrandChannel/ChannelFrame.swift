import NIOCore

/// One message of FISCO BCOS 2.x's channel protocol: a 42-byte header — the total length
/// (header included, u32), the type (u16), a 32-byte ASCII sequence that pairs a reply with its
/// request, a result (u32) — then the body.
public struct ChannelFrame: Equatable, Sendable {
    /// The types Strand speaks, as FISCO's SDKs use them.
    public enum Kind: UInt16, Sendable {
        case rpc = 0x12
        case heartbeat = 0x13
        case handshake = 0x14
        case registerEventLog = 0x15
        case amopRequest = 0x30
        case amopResponse = 0x31
        case topicReport = 0x32
        case amopMulticast = 0x35
        case transactionCommitted = 0x1000
        case blockNumber = 0x1001
        case eventLogPush = 0x1002
    }

    public static let headerBytes = 42
    public static let sequenceBytes = 32
    /// The sequence of pushes that answer no request: 32 ASCII zeros.
    public static let unsolicited = [UInt8](repeating: UInt8(ascii: "0"), count: sequenceBytes)

    public var type: UInt16
    public var sequence: [UInt8]
    public var result: UInt32
    public var body: [UInt8]

    public init(type: UInt16, sequence: [UInt8], result: UInt32 = 0, body: [UInt8]) {
        precondition(sequence.count == Self.sequenceBytes, "a channel sequence is 32 bytes")
        self.type = type
        self.sequence = sequence
        self.result = result
        self.body = body
    }

    public init(_ kind: Kind, sequence: [UInt8], result: UInt32 = 0, body: [UInt8]) {
        self.init(type: kind.rawValue, sequence: sequence, result: result, body: body)
    }

    public var kind: Kind? { Kind(rawValue: type) }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(Self.headerBytes + body.count))
        buffer.writeInteger(type)
        buffer.writeBytes(sequence)
        buffer.writeInteger(result)
        buffer.writeBytes(body)
    }

    public var encoded: [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: Self.headerBytes + body.count)
        write(to: &buffer)
        return Array(buffer.readableBytesView)
    }
}

/// Why a peer's bytes are not a channel frame.
public struct ChannelFrameError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// Cuts channel frames out of the decrypted stream; a length below the header's or above
/// `maxFrameBytes` is an error (the connection is closed and counted).
public struct ChannelFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ChannelFrame
    public let maxFrameBytes: Int

    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.frame(from: &buffer, maxFrameBytes: maxFrameBytes) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// The next whole frame in `buffer` (consumed), or nil while it is incomplete.
    public static func frame(from buffer: inout ByteBuffer, maxFrameBytes: Int) throws(ChannelFrameError) -> ChannelFrame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length >= UInt32(ChannelFrame.headerBytes) else { throw ChannelFrameError(description: "frame length \(length) is below the header's 42") }
        guard length <= UInt32(maxFrameBytes) else { throw ChannelFrameError(description: "frame of \(length) bytes exceeds \(maxFrameBytes)") }
        guard buffer.readableBytes >= Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let type = buffer.readInteger(as: UInt16.self)!
        let sequence = buffer.readBytes(length: ChannelFrame.sequenceBytes)!
        let result = buffer.readInteger(as: UInt32.self)!
        let body = buffer.readBytes(length: Int(length) - ChannelFrame.headerBytes)!
        return ChannelFrame(type: type, sequence: sequence, result: result, body: body)
    }
}
