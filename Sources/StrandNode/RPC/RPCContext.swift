import StrandBrowser
import StrandChain
import StrandChannel
import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTxPool
import StrandTypes

/// What every RPC namespace reads: the ledger, the pool, recent blocks, metrics, the clock.
struct RPCContext: Sendable {
    let ledger: Ledger
    let pool: TransactionPool
    let metrics: NodeMetrics
    let recent: RecentBlocks
    let clock: any NodeClock
    let feesEnabled: Bool
    let nodeID: NodeID
    /// ChainGovernance's committee until it first changes (for calls that read it).
    let genesisGovernors: [Address]
    /// The network, when the node has one.
    let networking: NodeNetworking?
    /// PBFT, on a validator of a chain of several.
    var consensus: PBFTDriver? = nil
    /// The channel port's counts, when the node has one (for `/metrics`).
    var channelCounters: ChannelServer.Counters? = nil
    /// The interfaces the browser decodes calls and events with.
    var catalog: ContractCatalog? = nil
    static let clientVersion = "Strand/0.1.0/linux/swift6"

    var connectedPeers: [NodeID] { networking?.network.connectedPeers ?? [] }

    /// Who seals and who observes from the next block on, as the head's state says.
    func roster() throws(RPCError) -> ConsensusRoster {
        ConsensusRoster(chain: ledger.config, state: try snapshot())
    }

    func snapshot() throws(RPCError) -> LedgerSnapshot {
        do { return try ledger.snapshot() } catch { throw .internalError("\(error)") }
    }

    /// Runs `body` on the latest state; the flat state keeps no history, so other blocks are refused.
    func atLatest(_ p: RPCParameters, _ tagIndex: Int, _ body: (LedgerSnapshot) throws(RPCError) -> JSONValue) throws(RPCError) -> JSONValue {
        let snapshot = try snapshot()
        let tag = try BlockTag(p.optional(tagIndex), name: "block")
        if case .number(let n) = tag, n != snapshot.head.number {
            throw RPCError(code: -32000, message: "state of block \(n) is not kept; this node answers for the latest block (\(snapshot.head.number)) only")
        }
        if tag == .earliest && snapshot.head.number != 0 {
            throw RPCError(code: -32000, message: "state of block 0 is not kept; this node answers for the latest block only")
        }
        return try body(snapshot)
    }

    /// The cached block holding `hash`, and the transaction's index in it.
    func locate(_ hash: Hash, in snapshot: LedgerSnapshot) throws(RPCError) -> (RecentBlocks.Entry, Int)? {
        do {
            guard let location = try snapshot.location(ofTransaction: hash),
                  let entry = try recent.entry(number: location.blockNumber, in: snapshot),
                  let index = entry.positions[hash] else { return nil }
            return (entry, index)
        } catch { throw .internalError("\(error)") }
    }

    /// The next block's context, for simulating calls: number head + 1, and a TIMESTAMP in a
    /// later second than the head's (ARCHITECTURE.md, "Seams for the network").
    func nextBlockContext(after snapshot: LedgerSnapshot) -> BlockContext {
        let chain = ledger.config
        let headSeconds = ((try? snapshot.header(number: snapshot.head.number)) ?? nil)?.evmTimestamp ?? 0
        var context = BlockContext(
            number: snapshot.head.number + 1, timestamp: max(clock.wallMilliseconds() / 1000, headSeconds + 1),
            sealer: chain.suite.address(of: chain.validators[0]), gasLimit: chain.blockGasLimit, feesEnabled: false,
            chainID: chain.chainID,
            blockHash: ChainTip.blockHashes(ledger: ledger, parent: (snapshot.head.number, snapshot.head.hash)))
        context.genesisValidators = chain.validators
        context.genesisGovernors = genesisGovernors
        context.suite = chain.suite
        return context
    }
}
