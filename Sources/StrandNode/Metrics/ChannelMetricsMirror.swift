import StrandChannel

extension NodeMetrics {
    /// Brings the channel port's counts into the registry before a scrape, as `observe(_:head:)`
    /// does for the network's.
    func observe(_ counters: ChannelServer.Counters) {
        channelSessions.record(counters.sessions.load(ordering: .relaxed))
        mirrors.update("strand_channel_frames_total", [("result", "received")], to: UInt64(counters.framesIn.load(ordering: .relaxed)))
        mirrors.update("strand_channel_frames_total", [("result", "bad")], to: UInt64(counters.badFrames.load(ordering: .relaxed)))
        mirrors.update("strand_channel_frames_total", [("result", "ignored")], to: UInt64(counters.ignoredFrames.load(ordering: .relaxed)))
        mirrors.update("strand_channel_slow_readers_total", to: UInt64(counters.slowReaders.load(ordering: .relaxed)))
        mirrors.update("strand_channel_handshake_failures_total", to: UInt64(counters.handshakeFailures.load(ordering: .relaxed)))
        mirrors.update("strand_channel_receipts_pushed_total", to: UInt64(counters.receiptsPushed.load(ordering: .relaxed)))
        mirrors.update("strand_channel_events_pushed_total", to: UInt64(counters.eventsPushed.load(ordering: .relaxed)))
    }
}
