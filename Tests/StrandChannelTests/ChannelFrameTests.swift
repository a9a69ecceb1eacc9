import NIOCore
@testable import StrandChannel
import Testing

/// FISCO 2.x's channel framing and the session's answers.
@Suite struct ChannelFrameTests {
    static let sequence = Array(repeating: UInt8(ascii: "7"), count: 32)

    @Test func framesRoundTripThroughTheHeader() throws {
        let frame = ChannelFrame(.rpc, sequence: Self.sequence, result: 5, body: Array("{}".utf8))
        let bytes = frame.encoded
        #expect(bytes.count == 44 && bytes.prefix(4) == [0, 0, 0, 44] && bytes[4...5] == [0, 0x12])
        var buffer = ByteBuffer(bytes: bytes + bytes.prefix(10))
        #expect(try ChannelFrameDecoder.frame(from: &buffer, maxFrameBytes: 1 << 20) == frame)
        #expect(try ChannelFrameDecoder.frame(from: &buffer, maxFrameBytes: 1 << 20) == nil, "a partial frame waits")
        #expect(buffer.readableBytes == 10)
    }

    @Test func badLengthsAreRefused() {
        var short = ByteBuffer(bytes: [0, 0, 0, 41] + [UInt8](repeating: 0, count: 41))
        #expect(throws: ChannelFrameError.self) { try ChannelFrameDecoder.frame(from: &short, maxFrameBytes: 1 << 20) }
        var huge = ByteBuffer(bytes: [0x7f, 0, 0, 0])
        #expect(throws: ChannelFrameError.self) { try ChannelFrameDecoder.frame(from: &huge, maxFrameBytes: 1 << 20) }
    }

    @Test func theSessionAnswersHeartbeatsAndKeepsTopics() {
        var session = ChannelSession()
        #expect(session.received(ChannelFrame(.heartbeat, sequence: Self.sequence, body: [])) == [.reply(ChannelFrame(.heartbeat, sequence: Self.sequence, body: []))])
        #expect(session.received(ChannelFrame(.topicReport, sequence: Self.sequence, body: Array(#"["_block_notify_1","t"]"#.utf8))) == [])
        #expect(session.topics == ["_block_notify_1", "t"])
        if case .ignore = session.received(ChannelFrame(.topicReport, sequence: Self.sequence, body: Array("nope".utf8))).first {} else {
            Issue.record("a bad topic report is ignored")
        }
        #expect(session.topics == ["_block_notify_1", "t"], "and leaves the topics as they were")
        if case .ignore = session.received(ChannelFrame(type: 0x7777, sequence: Self.sequence, body: [])).first {} else {
            Issue.record("an unknown type is ignored")
        }
        #expect(session.received(ChannelFrame(.rpc, sequence: Self.sequence, body: [1])) == [.rpc(sequence: Self.sequence, body: [1])])
    }

    @Test func blockNumbersAreTopicFramedAsTheSDKReadsThem() {
        let frame = ChannelSession.blockNumberFrame(group: 1, number: 123)
        #expect(frame.sequence == ChannelFrame.unsolicited && frame.type == 0x1001)
        let topic = "_block_notify_1"
        #expect(frame.body == [UInt8(topic.utf8.count + 1)] + Array(topic.utf8) + Array("1,123".utf8))
        // The python-sdk: int(data.split(',')[1]).
        #expect(String(decoding: frame.body, as: UTF8.self).split(separator: ",")[1] == "123")
    }
}
