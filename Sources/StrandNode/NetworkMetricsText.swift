/// The network's part of `GET /metrics`: peers, dropped links by reason, gossip and sync.
enum NetworkMetricsText {
    static func text(_ networking: NodeNetworking, head: UInt64) -> String {
        var out = PrometheusText()
        let network = networking.network, sync = networking.sync.metrics
        out.metric("strand_peers", "gauge", "Connected peers.", [("", UInt64(network.connectedPeers.count))])
        out.metric("strand_peers_dropped_total", "counter", "Links ended, by reason.",
               network.metrics.droppedLinks.map { ("{reason=\"\($0.reason)\"}", $0.count) })
        out.metric("strand_network_messages_dropped_total", "counter", "Messages dropped at a full peer queue.",
               [("", network.metrics.queueDrops.load(ordering: .relaxed))])
        out.metric("strand_gossip_transactions_sent_total", "counter", "Transactions gossiped to peers.",
               [("", sync.gossipSent.load(ordering: .relaxed))])
        out.metric("strand_gossip_transactions_received_total", "counter", "Transactions received from peers.",
               [("", sync.gossipReceived.load(ordering: .relaxed))])
        out.metric("strand_sync_blocks_imported_total", "counter", "Blocks imported from peers.",
               [("", sync.blocksImported.load(ordering: .relaxed))])
        out.metric("strand_sync_blocks_served_total", "counter", "Blocks served to peers.", [("", sync.blocksServed.load(ordering: .relaxed))])
        out.metric("strand_sync_bad_blocks_total", "counter", "Blocks from peers that did not import.",
               [("", sync.badBlocks.load(ordering: .relaxed))])
        let best = networking.sync.bestKnownHeight
        out.metric("strand_sync_lag_blocks", "gauge", "Blocks between this node's head and the highest a peer reported.",
               [("", best > head ? best - head : 0)])
        return out.text
    }
}
