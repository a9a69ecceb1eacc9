import StrandCrypto
import StrandNetworkAPI

/// A replica's links on the simulated wire, as the host's `PeerMessenger`: every other instance is
/// connected (a partition or loss drops messages, not links). Single-threaded, like the simulation.
final class SimulatedLinks: PeerMessenger, @unchecked Sendable {
    unowned let simulator: ConsensusSimulator
    let endpoint: Int

    init(simulator: ConsensusSimulator, endpoint: Int) {
        self.simulator = simulator
        self.endpoint = endpoint
    }

    var connectedPeers: [NodeID] {
        let me = simulator.replicas[endpoint].nodeID
        return Set(simulator.replicas.map(\.nodeID)).subtracting([me]).sorted()
    }

    @discardableResult
    func send(_ message: NetworkMessage, to peer: NodeID) -> Bool {
        for other in simulator.replicas where other.endpoint != endpoint && other.nodeID == peer {
            simulator.send(.network(message), from: endpoint, to: other.endpoint)
        }
        return true
    }

    func broadcast(_ message: NetworkMessage) {
        simulator.broadcast(.network(message), from: endpoint)
    }

    /// Only a liar's bytes may be refused.
    func disconnect(_ peer: NodeID, because error: PeerError) {
        let accused = simulator.replicas.filter { $0.nodeID == peer }
        if accused.allSatisfy(\.isHonest) { simulator.fail("endpoint \(endpoint) disconnected an honest validator: \(error)") }
    }
}
