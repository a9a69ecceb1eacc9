import StrandPrimitives
import StrandTypes
import Synchronization

/// FISCO BCOS's replay protection, in place of an account nonce: a FISCO transaction may enter
/// block N only if its block limit L has parent N − 1 < L ≤ N − 1 + window, and only if no
/// transaction with its random id is in that block or in the window's blocks before it.
///
/// Holds the random ids of the last `window` blocks, the block in commit included: the
/// committer records each block as it hands it to the ledger, and a node rebuilds the window
/// from the ledger when it starts. The pool, the builder and the importer all ask this one
/// place, so that a block a node builds is one every other node accepts.
public final class ReplayWindow: Sendable {
    public let window: UInt64
    private let state: Mutex<State>

    private struct State {
        /// The highest block recorded: the tip that the next block builds on.
        var height: UInt64
        var blockOf: [UInt256: UInt64] = [:]
        var idsByBlock: [UInt64: [UInt256]] = [:]
    }

    public init(window: UInt64, height: UInt64 = 0) {
        precondition(window > 0, "a block limit window of 0 admits nothing")
        self.window = window
        state = Mutex(State(height: height))
    }

    /// The tip's number as last recorded.
    public var height: UInt64 { state.withLock { $0.height } }

    /// Records block `number` (replacing what was recorded for that number, if anything) and
    /// forgets the blocks that the window left behind.
    public func record(blockNumber number: UInt64, transactions: [Transaction]) {
        let ids = transactions.compactMap { $0.content.fisco?.randomID }
        state.withLock { state in
            for id in state.idsByBlock.removeValue(forKey: number) ?? [] where state.blockOf[id] == number {
                state.blockOf[id] = nil
            }
            if !ids.isEmpty {
                state.idsByBlock[number] = ids
                for id in ids { state.blockOf[id] = number }
            }
            state.height = max(state.height, number)
            guard number >= window else { return }
            let oldest = number - window
            for stale in state.idsByBlock.keys where stale <= oldest {
                for id in state.idsByBlock.removeValue(forKey: stale)! where state.blockOf[id] == stale { state.blockOf[id] = nil }
            }
        }
    }

    /// Why `fisco` may not enter block `blockNumber`, or nil if it may; ignores other transactions' fields.
    public func violation(of fisco: FiscoFields, inBlock blockNumber: UInt64) -> ReplayViolation? {
        checking(blockNumber) { $0(fisco) }
    }

    /// Runs `body` with a check for block `blockNumber` under one hold of the lock, for callers
    /// that check many transactions (a block, a pool's selection).
    public func checking<R>(_ blockNumber: UInt64, _ body: ((FiscoFields) -> ReplayViolation?) -> R) -> R {
        let window = window
        return state.withLock { state in
            body { fisco in Self.violation(of: fisco, inBlock: blockNumber, window: window, blockOf: state.blockOf) }
        }
    }

    private static func violation(of fisco: FiscoFields, inBlock blockNumber: UInt64, window: UInt64,
                                  blockOf: [UInt256: UInt64]) -> ReplayViolation? {
        let parent = blockNumber - 1
        guard fisco.blockLimit > parent, fisco.blockLimit - parent <= window else {
            return .blockLimit(limit: fisco.blockLimit, height: parent, window: window)
        }
        if let seenIn = blockOf[fisco.randomID], seenIn < blockNumber, parent - seenIn < window {
            return .randomIDSeen(fisco.randomID, block: seenIn)
        }
        return nil
    }

    /// The first FISCO transaction of a block that breaks the rule, by index, or nil: a block
    /// with one is invalid.
    public func firstViolation(in transactions: [Transaction], blockNumber: UInt64) -> (index: Int, violation: ReplayViolation)? {
        checking(blockNumber) { check in
            var inBlock = Set<UInt256>()
            for (index, tx) in transactions.enumerated() {
                guard let fisco = tx.content.fisco else { continue }
                if let violation = check(fisco) { return (index, violation) }
                guard inBlock.insert(fisco.randomID).inserted else { return (index, .randomIDSeen(fisco.randomID, block: blockNumber)) }
            }
            return nil
        }
    }
}

/// Why FISCO's replay protection refuses a transaction.
public enum ReplayViolation: Equatable, Sendable, CustomStringConvertible {
    /// The block limit is not in (height, height + window].
    case blockLimit(limit: UInt64, height: UInt64, window: UInt64)
    /// A transaction with this random id is in the block, or in one of the window's.
    case randomIDSeen(UInt256, block: UInt64)

    public var description: String {
        switch self {
        case let .blockLimit(limit, height, window):
            "block limit \(limit) is outside (\(height), \(height + window)]: the chain is at \(height) and the window is \(window) blocks"
        case let .randomIDSeen(id, block):
            "random id \(id.hexString) was already used, in block \(block)"
        }
    }
}
