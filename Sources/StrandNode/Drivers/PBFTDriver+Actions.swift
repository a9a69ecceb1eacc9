import StrandConsensus
import StrandPrimitives
import StrandTypes

extension PBFTDriver {
    /// Does what the state machine asked, in order. A journal write that fails silences the
    /// validator until one succeeds: a vote that is not on disk must not leave the node.
    func carryOut(_ actions: [PBFTAction]) {
        for action in actions {
            switch action {
            case .persist(let journal):
                let started = ContinuousClock.now
                do {
                    try journalFile.write(journal)
                    journalFailing = false
                    lastJournalWriteMicros = (ContinuousClock.now - started).microseconds
                    metrics.journalWrite.recordMicroseconds(lastJournalWriteMicros)
                } catch {
                    if !journalFailing { logger.critical("consensus journal: \(error); this validator stays silent until it can write") }
                    journalFailing = true
                }
            case .broadcast(let message):
                guard !journalFailing else { continue }
                if case .proposal = message { roundStartedAt = clock.monotonic() }
                if let byzantine {
                    broadcast(message, lying: byzantine, over: messenger)
                } else {
                    messenger.broadcast(.consensus(message.encoded))
                }
                metrics.messagesSent.increment()
            case .execute(let block):
                execute(block)
            case .build(let height, let view):
                logger.debug("consensus: leading height \(height) view \(view); building when a block is due")
                buildRequest = (height, view)
            case .commit(let block, let seal):
                commit(block, seal: seal)
            case .setTimer(let deadline):
                timerDeadline = deadline
            case .cancelTimer:
                timerDeadline = nil
            case .misbehaved(let validator, let reason):
                metrics.misbehaved(validator)
                logger.warning("consensus: validator \(validator): \(reason)")
            }
        }
    }

    /// Builds this leader's proposal from the pool; keeps the request when nothing is ready.
    func build(_ request: (height: UInt64, view: UInt64)) {
        lastBuildAt = clock.monotonic()
        guard let tip = try? appender.tip() else { return }
        guard tip.number + 1 == request.height else {
            // The chain moved (sync); the machine hears of it and asks again.
            buildRequest = nil
            return
        }
        guard let executed = builder.build(on: tip, wallMilliseconds: clock.wallMilliseconds()) else {
            logger.debug("consensus: nothing to propose at height \(request.height) from \(builder.pool.count) pending")
            return
        }
        buildRequest = nil
        executedBlocks[executed.block.hash] = executed
        feed(.built(executed.block))
    }

    /// Executes a proposal on the tip through the one import path, and says whether it holds.
    func execute(_ block: Block) {
        let hash = block.hash
        if executedBlocks[hash] != nil {
            feed(.executed(blockHash: hash, valid: true))
            return
        }
        guard let tip = try? appender.tip() else { return }
        if block.number <= tip.number {
            // Sync added this height meanwhile: not the proposer's fault.
            feed(.chainAdvanced(to: tip.number))
            return
        }
        guard block.number == tip.number + 1 else { return }
        do {
            let senders = importer.recoverSenders(of: [block])[0]
            let executed = try importer.importBlock(block, on: tip, senders: senders)
            executedBlocks[hash] = executed
            metrics.execution.recordMicroseconds(executed.executionMicros)
            feed(.executed(blockHash: hash, valid: true))
        } catch where error.isPeerFault {
            logger.warning("consensus: proposal \(block.number) \(hash) refused: \(error)")
            feed(.executed(blockHash: hash, valid: false))
        } catch {
            logger.error("consensus: executing proposal \(block.number): \(error)")
        }
    }

    /// A quorum committed `block`: seal it and hand it to the committer (unless sync was first).
    func commit(_ block: Block, seal: BlockSeal) {
        let hash = block.hash
        guard var executed = executedBlocks[hash] else {
            logger.error("consensus: block \(block.number) \(hash) decided but not executed here; sync will bring it")
            return
        }
        executed.block.header.seal = seal
        let added = appender.append(executed)
        metrics.blockDecided()
        var round: UInt64 = 0
        if let started = roundStartedAt {
            round = (clock.monotonic() - started).microseconds
            metrics.round.recordMicroseconds(round)
            roundStartedAt = nil
        }
        logger.info("decided block \(block.number) in view \(seal.view): round \(round) µs, execution here \(executed.executionMicros) µs, journal write \(lastJournalWriteMicros) µs")
        lastBuildAt = clock.monotonic()
        if !added { logger.info("consensus: block \(block.number) decided; the chain already has it") }
    }
}
