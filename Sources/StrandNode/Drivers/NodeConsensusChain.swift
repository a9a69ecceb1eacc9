import Logging
import StrandChain
import StrandConsensus
import StrandPrimitives
import StrandTypes

extension ExecutedBlock: ExecutedProposal {}

/// The chain as the PBFT host sees it: proposals built by the `BlockBuilder`, checked and executed
/// by the `BlockImporter` (the one validation path sync uses too), decided blocks appended through
/// the `ChainAppender`.
final class NodeConsensusChain: ConsensusChain {
    let builder: BlockBuilder
    let importer: BlockImporter
    let appender: ChainAppender
    /// Updated as soon as a block is appended, so that a node a block added hears this height's messages.
    let members: ChainMembers
    let clock: any NodeClock
    let metrics: ConsensusMetrics
    let logger: Logger

    init(builder: BlockBuilder, importer: BlockImporter, appender: ChainAppender, members: ChainMembers, clock: any NodeClock,
         metrics: ConsensusMetrics, logger: Logger) {
        self.builder = builder
        self.importer = importer
        self.appender = appender
        self.members = members
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    var tip: ConsensusTip? { try? readTip() }

    func readTip() throws -> ConsensusTip {
        let tip = try appender.tip()
        let roster = ConsensusRoster(chain: builder.chain, state: tip.state)
        members.update(roster, height: tip.number)
        return ConsensusTip(height: tip.number, nextValidators: roster.validators)
    }
    var pendingTransactions: (count: Int, fillsBlock: Bool) {
        let pending = builder.pool.pending
        return (pending.count, pending.fillsBlockGas)
    }
    var consensusTimeout: Duration? {
        guard let tip = try? appender.tip() else { return nil }
        return SystemConfig.Limits(chain: builder.chain, state: tip.state).consensusTimeout
    }

    func build(height: UInt64) -> ExecutedBlock? {
        guard let tip = try? appender.tip(), tip.number + 1 == height else { return nil }
        return builder.build(on: tip, wallMilliseconds: clock.wallMilliseconds())
    }

    func execute(_ block: Block) -> ExecutionVerdict<ExecutedBlock> {
        guard let tip = try? appender.tip() else { return .unavailable }
        if block.number <= tip.number { return .chainAdvanced }
        guard block.number == tip.number + 1 else { return .unavailable }
        do {
            let senders = importer.recoverSenders(of: [block])[0]
            let executed = try importer.importBlock(block, on: tip, senders: senders)
            metrics.execution.recordMicroseconds(executed.executionMicros)
            return .valid(executed)
        } catch where error.isPeerFault {
            return .invalid(reason: "\(error)")
        } catch {
            logger.error("consensus: executing proposal \(block.number): \(error)")
            return .unavailable
        }
    }

    func append(_ executed: ExecutedBlock, seal: BlockSeal) -> Bool {
        var sealed = executed
        sealed.seal(with: seal)
        return appender.append(sealed)
    }
}
