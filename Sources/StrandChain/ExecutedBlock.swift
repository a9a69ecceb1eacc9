import StrandPrimitives
import StrandStorage
import StrandTypes

/// A block with the outcome of executing it: what the committer writes. Built only by the
/// `BlockBuilder` (a block this node proposes, its roots computed from its contents) or the
/// `BlockImporter` (someone else's, its roots checked against them), so the ledger need not
/// check the transaction and receipt roots again.
public struct ExecutedBlock: Sendable {
    /// Only its seal may change once built (`seal(with:)`): the roots must stay its contents'.
    public private(set) var block: Block
    public let receipts: [Receipt]
    public let changes: StateChanges
    public let senders: [Address]
    public let executionMicros: UInt64
    /// Transactions the builder left out (zero for an imported block, which may leave none out).
    public let excluded: Int

    init(block: Block, receipts: [Receipt], changes: StateChanges, senders: [Address], executionMicros: UInt64, excluded: Int) {
        self.block = block
        self.receipts = receipts
        self.changes = changes
        self.senders = senders
        self.executionMicros = executionMicros
        self.excluded = excluded
    }

    /// Puts the validators' signatures on the header: what a proposal gains once agreed.
    public mutating func seal(with seal: BlockSeal) {
        block.header.seal = seal
    }
}

/// What the next block builds on: the parent (the block in commit, if any, else the
/// committed head) and the state after it.
public struct ChainTip: Sendable {
    public let number: UInt64
    public let hash: Hash
    public let stateRoot: Hash
    /// Milliseconds, as headers count.
    public let timestamp: UInt64
    public let state: PendingState
    /// BLOCKHASH for the block after this tip.
    public let blockHashes: @Sendable (UInt64) -> Hash

    public init(parent: BlockHeader, state: PendingState, ledger: Ledger) {
        number = parent.number
        hash = parent.hash
        stateRoot = parent.stateRoot
        timestamp = parent.timestamp
        self.state = state
        blockHashes = Self.blockHashes(ledger: ledger, parent: (parent.number, hash))
    }

    /// BLOCKHASH for a block whose parent may still be committing: the parent's hash is known,
    /// every earlier block is in the ledger (commits are in order, one in flight).
    public static func blockHashes(ledger: Ledger, parent: (number: UInt64, hash: Hash)) -> @Sendable (UInt64) -> Hash {
        { number in
            if number == parent.number { return parent.hash }
            return (try? ledger.header(number: number))??.hash ?? .zero
        }
    }
}

/// The committed state with the writes of blocks not yet committed layered on top (the last
/// layer wins): what the next block executes on while the previous one is written. Reads
/// binary-search each layer's sorted entries, so layering builds nothing. Thread-safe.
public struct PendingState: StateReader, Sendable {
    public let base: LedgerSnapshot
    public let layers: [StateChanges]

    public func value(of key: StateKey) -> UInt256 {
        for layer in layers.reversed() {
            let entries = layer.entries
            var low = 0, high = entries.count
            while low < high {
                let middle = (low + high) / 2
                if entries[middle].key < key { low = middle + 1 } else { high = middle }
            }
            if low < entries.count && entries[low].key == key { return entries[low].value }
        }
        return base.value(of: key)
    }

    public func code(hash: Hash) -> [UInt8]? {
        for layer in layers.reversed() { if let code = layer.code[hash] { return code } }
        return base.code(hash: hash)
    }

    /// This state with `changes` on top.
    public func adding(_ changes: StateChanges) -> PendingState {
        PendingState(base: base, layers: layers + [changes])
    }
}
