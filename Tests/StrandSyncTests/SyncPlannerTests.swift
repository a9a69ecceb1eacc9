import StrandCrypto
import StrandSync
import Testing

/// Which peer is asked for what, and what happens to one that serves a bad block or none.
@Suite struct SyncPlannerTests {
    static let peers = (0..<3).map { _ in NodeID(PrivateKey.random().publicKey) }.sorted()

    @Test func asksTheHighestPeerInBatches() {
        var planner = SyncPlanner(batch: 64)
        #expect(planner.status(of: Self.peers[0], height: 10, localHeight: 10, now: .zero).isEmpty, "not ahead")
        #expect(planner.status(of: Self.peers[1], height: 500, localHeight: 10, now: .zero)
                == [.request(peer: Self.peers[1], from: 11, count: 64)])
        // One request at a time.
        #expect(planner.status(of: Self.peers[2], height: 900, localHeight: 10, now: .zero).isEmpty)
        // The next range is asked for as the answer arrives, before it imports.
        #expect(planner.arrived(from: Self.peers[1], count: 64, localHeight: 10, now: .seconds(1))
                == [.request(peer: Self.peers[2], from: 75, count: 64)])
        #expect(planner.imported(from: Self.peers[1], imported: 64, refused: nil, localHeight: 74, now: .seconds(1)).isEmpty)
        #expect(planner.bestKnownHeight == 900)
    }

    @Test func aBadBlockDropsThePeerAndTheRangeGoesElsewhere() {
        var planner = SyncPlanner(batch: 64)
        _ = planner.status(of: Self.peers[0], height: 100, localHeight: 0, now: .zero)
        _ = planner.status(of: Self.peers[1], height: 90, localHeight: 0, now: .zero)
        #expect(planner.inFlight?.peer == Self.peers[0])
        // 64 arrive; the next 64 are asked of the same peer; then block 4 turns out bad.
        #expect(planner.arrived(from: Self.peers[0], count: 64, localHeight: 0, now: .seconds(1))
                == [.request(peer: Self.peers[0], from: 65, count: 36)])
        #expect(planner.imported(from: Self.peers[0], imported: 3, refused: "state root", localHeight: 3, now: .seconds(1))
                == [.drop(Self.peers[0], reason: "state root"), .request(peer: Self.peers[1], from: 4, count: 64)])
        // Blocks nobody asked for that do not import count against their sender too.
        #expect(planner.imported(from: Self.peers[2], imported: 0, refused: "seal", localHeight: 3, now: .seconds(1))
                == [.drop(Self.peers[2], reason: "seal")])
        // An empty answer makes its sender the last to be asked.
        #expect(planner.arrived(from: Self.peers[1], count: 0, localHeight: 3, now: .seconds(2))
                == [.request(peer: Self.peers[1], from: 4, count: 64)], "the only peer left, slow or not")
    }

    @Test func aSilentPeerIsSkippedAfterTheTimeout() {
        var planner = SyncPlanner(batch: 10, timeout: .seconds(5))
        _ = planner.status(of: Self.peers[0], height: 50, localHeight: 0, now: .zero)
        _ = planner.status(of: Self.peers[1], height: 40, localHeight: 0, now: .zero)
        #expect(planner.tick(localHeight: 0, now: .seconds(3)).isEmpty)
        #expect(planner.tick(localHeight: 0, now: .seconds(6)) == [.request(peer: Self.peers[1], from: 1, count: 10)])
        // A peer that leaves takes its request with it.
        #expect(planner.peerGone(Self.peers[1], localHeight: 0, now: .seconds(7)) == [.request(peer: Self.peers[0], from: 1, count: 10)])
        #expect(planner.peerGone(Self.peers[0], localHeight: 0, now: .seconds(8)).isEmpty)
        #expect(planner.inFlight == nil)
    }

    @Test func fetchingRunsAheadOfImportByTwoRangesAtMost() {
        var planner = SyncPlanner(batch: 10)
        #expect(planner.status(of: Self.peers[0], height: 100, localHeight: 0, now: .zero) == [.request(peer: Self.peers[0], from: 1, count: 10)])
        // Answers arrive faster than they import: the next range is asked on top of what was fetched.
        #expect(planner.arrived(from: Self.peers[0], count: 10, localHeight: 0, now: .seconds(1)) == [.request(peer: Self.peers[0], from: 11, count: 10)])
        #expect(planner.arrived(from: Self.peers[0], count: 10, localHeight: 0, now: .seconds(1)).isEmpty, "two ranges ahead of the import")
        #expect(planner.imported(from: Self.peers[0], imported: 10, refused: nil, localHeight: 10, now: .seconds(2))
                == [.request(peer: Self.peers[0], from: 21, count: 10)])
        // A gap that never imports is fetched again after the timeout.
        _ = planner.arrived(from: Self.peers[0], count: 10, localHeight: 10, now: .seconds(2))
        #expect(planner.tick(localHeight: 10, now: .seconds(3)).isEmpty)
        #expect(planner.tick(localHeight: 10, now: .seconds(9)) == [.request(peer: Self.peers[0], from: 11, count: 10)])
    }
}
