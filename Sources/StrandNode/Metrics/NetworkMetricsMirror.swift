import StrandNetwork
import StrandSync

extension NodeMetrics {
    /// Brings the network's and sync's counts into the registry before a scrape: they keep
    /// their own counts (the modules know no metrics backend), which become counters here.
    func observe(_ networking: NodeNetworking, head: UInt64) {
        let network = networking.network, sync = networking.sync.metrics
        peers.record(network.connectedPeers.count)
        for (reason, count) in network.metrics.droppedLinks {
            mirrors.update("strand_peers_dropped_total", [("reason", reason)], to: count)
        }
        mirrors.update("strand_network_messages_dropped_total", to: network.metrics.queueDrops.load(ordering: .relaxed))
        mirrors.update("strand_gossip_transactions_sent_total", to: sync.gossipSent.load(ordering: .relaxed))
        mirrors.update("strand_gossip_transactions_received_total", to: sync.gossipReceived.load(ordering: .relaxed))
        mirrors.update("strand_sync_blocks_imported_total", to: sync.blocksImported.load(ordering: .relaxed))
        mirrors.update("strand_sync_blocks_served_total", to: sync.blocksServed.load(ordering: .relaxed))
        mirrors.update("strand_sync_bad_blocks_total", to: sync.badBlocks.load(ordering: .relaxed))
        let best = networking.sync.bestKnownHeight
        syncLag.record(Int64(best > head ? best - head : 0))
    }
}
