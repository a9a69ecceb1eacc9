import Logging
import StrandConsensus
import StrandPrimitives
import StrandTypes

/// What a validator's node keeps of its PBFT host's work: the journal on disk (each write timed)
/// and the host's reports as logs and metrics.
final class ConsensusRecorder: ConsensusJournalStore, PBFTObserver {
    let file: ConsensusJournalFile
    let metrics: ConsensusMetrics
    let logger: Logger
    private var lastJournalWriteMicros: UInt64 = 0

    init(file: ConsensusJournalFile, metrics: ConsensusMetrics, logger: Logger) {
        self.file = file
        self.metrics = metrics
        self.logger = logger
    }

    func write(_ journal: PBFTJournal) throws {
        let started = ContinuousClock.now
        try file.write(journal)
        lastJournalWriteMicros = (ContinuousClock.now - started).microseconds
        metrics.journalWrite.recordMicroseconds(lastJournalWriteMicros)
    }

    func observe(_ event: PBFTHostEvent) {
        switch event {
        case .messageReceived:
            metrics.messagesReceived.increment()
        case .messageSent:
            metrics.messagesSent.increment()
        case .misbehaved(let validator, let reason):
            metrics.misbehaved(validator)
            logger.warning("consensus: validator \(validator.description.prefix(16)): \(reason)")
        case .viewChanged(let height, let view, let leader):
            metrics.viewChanged()
            logger.notice("consensus: height \(height) now in view \(view) (leader \(leader))")
        case .leading(let height, let view):
            logger.debug("consensus: leading height \(height) view \(view); building when a block is due")
        case .nothingToPropose(let height, let pending):
            logger.debug("consensus: nothing to propose at height \(height) from \(pending) pending")
        case .proposalRefused(let block, let reason):
            logger.warning("consensus: proposal \(block.number) \(block.hash) refused: \(reason)")
        case .journalFailing(let error):
            logger.critical("consensus journal: \(error); this validator stays silent until it can write")
        case .decided(let block, let view, let round, let executionMicros, let appended):
            metrics.blockDecided()
            let roundMicros = round?.microseconds ?? 0
            if round != nil { metrics.round.recordMicroseconds(roundMicros) }
            // scripts/bench-cluster.sh reads this line.
            logger.info("decided block \(block.number) in view \(view): round \(roundMicros) µs, execution here \(executionMicros) µs, journal write \(lastJournalWriteMicros) µs")
            if !appended { logger.info("consensus: block \(block.number) decided; the chain already has it") }
        case .decidedUnexecuted(let block):
            logger.error("consensus: block \(block.number) \(block.hash) decided but not executed here; sync will bring it")
        }
    }
}
