import Foundation
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTxPool
import StrandTypes

/// The node's JSON-RPC service: Ethereum's and FISCO's namespaces in one dispatch table, and
/// the raw transactions of a whole batch admitted together (one batch recovery on all cores).
final class NodeRPCService: RPCService {
    let node: RPCContext
    private let table: RPCMethodTable
    /// Methods that run contract code, which recurses on the native stack.
    private static let deepStackMethods: Set = ["eth_call", "eth_estimateGas"]

    init(_ node: RPCContext) {
        self.node = node
        var table = RPCMethodTable()
        EthereumNamespace.register(in: &table, node)
        FiscoNamespace.register(in: &table, node)
        if let catalog = node.catalog { BrowserNamespace.register(in: &table, node, catalog: catalog) }
        self.table = table
    }

    func metricsText() -> String {
        node.metrics.poolSize.record(node.pool.count)
        node.metrics.mirrors.update("strand_signatures_recovered_total", to: node.pool.verifier.signaturesRecovered)
        if let networking = node.networking { node.metrics.observe(networking, head: node.ledger.head.number) }
        if let counters = node.channelCounters { node.metrics.observe(counters) }
        return node.metrics.text
    }

    func health() -> (serving: Bool, body: Data) { NodeHealth(node: node).report() }

    func handle(_ calls: [RPCCall]) -> [RPCOutcome] {
        // A batch that calls contract code runs on one deep-stack thread, not one thread per call.
        guard calls.contains(where: { Self.deepStackMethods.contains($0.method) }) else { return handleHere(calls) }
        return DeepStackThread.ensuring { handleHere(calls) }
    }

    private func handleHere(_ calls: [RPCCall]) -> [RPCOutcome] {
        var outcomes = [RPCOutcome](repeating: .error(.internalError("unanswered")), count: calls.count)
        var raws: [(index: Int, bytes: [UInt8], method: RPCMethodTable.RawTransactionMethod)] = []
        for (index, call) in calls.enumerated() {
            if let method = table.rawTransactionMethods[call.method] {
                let params = RPCParameters(call.params)
                do { raws.append((index, try params.data(method.position(params), "raw transaction"), method)) } catch {
                    outcomes[index] = .error(error)
                }
            } else {
                outcomes[index] = table.answer(call)
            }
        }
        if !raws.isEmpty { admit(raws, into: &outcomes) }
        return outcomes
    }

    private func admit(_ raws: [(index: Int, bytes: [UInt8], method: RPCMethodTable.RawTransactionMethod)], into outcomes: inout [RPCOutcome]) {
        node.metrics.received.increment(by: Int64(raws.count))
        let snapshot: LedgerSnapshot
        do { snapshot = try node.ledger.snapshot() } catch {
            for raw in raws { outcomes[raw.index] = .error(.internalError("\(error)")) }
            return
        }
        let gossip = node.networking?.sync
        var admitted: [[UInt8]] = []
        defer { gossip?.gossip(admitted) }
        for (raw, result) in zip(raws, node.pool.admit(raws.map(\.bytes), accounts: snapshot, asOf: snapshot.head.number)) {
            switch result {
            case .success(let hash):
                outcomes[raw.index] = .value(.string(hash.description))
                if gossip != nil { admitted.append(raw.bytes) }
            case .failure(let error):
                node.metrics.reject(error.code)
                outcomes[raw.index] = .error(raw.method.refusal(error))
            }
        }
    }
}
