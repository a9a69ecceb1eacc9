import StrandPrimitives
import StrandTypes

/// What `Ledger.verify` checked.
public struct LedgerVerification: Sendable, Equatable {
    public var blocks: UInt64 = 0
    public var transactions: UInt64 = 0
    public var stateEntries = 0
    public var codeEntries = 0
    public var head: ChainHead?
}

/// The first inconsistency `Ledger.verify` found.
public struct LedgerVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The block at fault, when the problem belongs to one.
    public let block: UInt64?
    public let problem: String

    public var description: String {
        block.map { "block \($0): \(problem)" } ?? problem
    }
}

extension Ledger {
    /// Walks the whole chain in one snapshot and checks that it is internally consistent:
    ///
    /// - every block's header decodes, has its number, is indexed by its hash and links to
    ///   its parent, and its seal holds a quorum of the validators that the replayed state of
    ///   its parent names (genesis's, until the Consensus contract changed them);
    /// - its transactions and receipts match the header's roots, receipts name their
    ///   transactions, and the transaction index points at each;
    /// - its change log gives the header's state root from the parent's
    ///   (`keccak(parent root ‖ keccak(change log))`);
    /// - replaying every change log from genesis gives exactly the stored state, and all
    ///   code the logs created is stored under its hash;
    /// - the head record names the last block, and no table holds anything of a later one.
    ///
    /// - Parameter progress: called with (block, head) every 1,000 blocks.
    /// - Complexity: O(chain size); holds the replayed state in memory.
    public func verify(progress: (UInt64, UInt64) -> Void = { _, _ in }) throws -> LedgerVerification {
        let snapshot = try snapshot()
        let head = snapshot.head
        var result = LedgerVerification()
        var state: [StateKey: UInt256] = [:]
        var code: [Hash: [UInt8]] = [:]
        var previous: (hash: Hash, stateRoot: Hash)?

        for number in 0...head.number {
            func fail(_ problem: String) -> LedgerVerificationError { LedgerVerificationError(block: number, problem: problem) }
            if number % 1_000 == 0 { progress(number, head.number) }
            guard let header = try snapshot.header(number: number) else { throw fail("header missing") }
            let hash = header.hash
            guard header.number == number else { throw fail("header says number \(header.number)") }
            guard try snapshot.number(ofBlock: hash) == number else { throw fail("hash index does not point here") }
            guard header.suite == config.suite else { throw fail("header of the \(header.suite) suite on a \(config.suite) chain") }
            if let previous, header.parentHash != previous.hash {
                throw fail("parent hash \(header.parentHash) is not block \(number - 1)'s \(previous.hash)")
            }
            if number > 0 {
                let validators = ConsensusRoster(genesis: config.validators) { state[$0] ?? .zero }.validators
                do { try config.verifySeal(of: header, validators: validators) } catch { throw fail("\(error)") }
            }
            guard let block = try snapshot.block(number: number) else { throw fail("body missing") }
            guard Block.transactionsRoot(block.transactions, suite: config.suite) == header.transactionsRoot else { throw fail("transactions root mismatch") }
            guard let receipts = try snapshot.receipts(blockNumber: number) else { throw fail("receipts missing") }
            guard receipts.count == block.transactions.count else {
                throw fail("\(block.transactions.count) transactions but \(receipts.count) receipts")
            }
            guard Block.receiptsRoot(receipts, suite: config.suite) == header.receiptsRoot else { throw fail("receipts root mismatch") }
            for (index, (tx, receipt)) in zip(block.transactions, receipts).enumerated() {
                guard receipt.transactionHash == tx.hash, receipt.transactionIndex == UInt32(index) else {
                    throw fail("receipt \(index) names another transaction")
                }
                let location = try snapshot.location(ofTransaction: tx.hash)
                guard location?.blockNumber == number, location?.index == UInt32(index) else {
                    throw fail("transaction index does not point at transaction \(index)")
                }
            }
            guard let changeLog = try snapshot.changeLog(blockNumber: number) else { throw fail("change log missing") }
            let changes = try StateChanges.decode(changeLog, suite: config.suite)
            let stateRoot = changes.stateRoot(after: previous?.stateRoot ?? .zero)
            guard stateRoot == header.stateRoot else {
                throw fail("state root \(header.stateRoot) in header, \(stateRoot) from the change log")
            }
            for entry in changes.entries {
                if entry.value.isZero { state[entry.key] = nil } else { state[entry.key] = entry.value }
            }
            code.merge(changes.code) { old, _ in old }
            result.blocks += 1
            result.transactions += UInt64(block.transactions.count)
            previous = (hash, stateRoot)
        }

        guard let previous, previous.hash == head.hash, previous.stateRoot == head.stateRoot,
              result.transactions == head.transactionCount else {
            throw LedgerVerificationError(block: nil, problem: "head record does not match the last block")
        }
        // Nothing of a block past the head may be visible: every per-block table holds
        // exactly the committed blocks, the transaction index exactly their transactions.
        let perBlock = [tables.headers, tables.numbers, tables.bodies, tables.receipts, tables.changes]
        for table in perBlock {
            let count = try snapshot.count(table)
            guard count == Int(head.number) + 1 else {
                throw LedgerVerificationError(block: nil, problem: "\(table.name) holds \(count) entries for \(head.number + 1) blocks")
            }
        }
        let indexed = try snapshot.count(tables.txIndex)
        guard indexed == Int(head.transactionCount) else {
            throw LedgerVerificationError(
                block: nil, problem: "transaction index holds \(indexed) entries for \(head.transactionCount) transactions")
        }
        var stored = 0
        try snapshot.forEachStateEntry { key, value in
            guard state[key] == value else {
                throw LedgerVerificationError(
                    block: nil, problem: "state \(key) = \(value) but the change logs give \(state[key] ?? .zero)")
            }
            stored += 1
            return true
        }
        guard stored == state.count else {
            throw LedgerVerificationError(block: nil, problem: "\(state.count - stored) state entries of the change logs are missing")
        }
        for (hash, blob) in code {
            guard snapshot.code(hash: hash) == blob else {
                throw LedgerVerificationError(block: nil, problem: "code \(hash) missing or different")
            }
        }
        progress(head.number, head.number)
        result.stateEntries = stored
        result.codeEntries = code.count
        result.head = head
        return result
    }
}
