import StrandCrypto
import StrandPrimitives
import StrandStorage
import StrandTypes
import Synchronization

/// The latest blocks, decoded, with their receipts and senders, for RPC: a receipt lookup
/// then costs a hash-table probe instead of decoding a whole block and recovering its
/// sender. The committer adds each block as it lands (the builder or importer knew the senders);
/// older blocks are loaded from the ledger on demand, their senders recovered in one batch.
public final class RecentBlocks: Sendable {
    public struct Entry: Sendable {
        public let block: Block
        public let hash: Hash
        public let receipts: [Receipt]
        public let senders: [Address?]
        /// Transaction hash → index in the block.
        public let positions: [Hash: Int]

        public init(block: Block, receipts: [Receipt], senders: [Address?]) {
            self.block = block
            hash = block.hash
            self.receipts = receipts
            self.senders = senders
            positions = Dictionary(block.transactions.enumerated().map { ($1.hash, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    public let capacity: Int
    private let verifier: SignatureVerifier
    /// Entries by block number, with when each was last used (least recently used goes first).
    private let entries = Mutex<(byNumber: [UInt64: (entry: Entry, used: UInt64)], clock: UInt64)>(([:], 0))

    public init(capacity: Int = 64, verifier: SignatureVerifier) {
        self.capacity = capacity
        self.verifier = verifier
    }

    public func add(_ entry: Entry) {
        entries.withLock { state in
            state.clock += 1
            state.byNumber[entry.block.number] = (entry, state.clock)
            if state.byNumber.count > capacity, let stale = state.byNumber.min(by: { $0.value.used < $1.value.used })?.key {
                state.byNumber[stale] = nil
            }
        }
    }

    private func cached(_ number: UInt64) -> Entry? {
        entries.withLock { state in
            guard let hit = state.byNumber[number] else { return nil }
            state.clock += 1
            state.byNumber[number]!.used = state.clock
            return hit.entry
        }
    }

    /// Block `number` as cached, or read from the ledger with no senders (nil) and not cached:
    /// for readers like the block browser, which must neither evict what RPC relies on nor
    /// recover a whole block's signatures to show a few of them.
    public func peek(number: UInt64, in snapshot: LedgerSnapshot) throws -> Entry? {
        if let hit = entries.withLock({ $0.byNumber[number]?.entry }) { return hit }
        guard let block = try snapshot.block(number: number), let receipts = try snapshot.receipts(blockNumber: number) else {
            return nil
        }
        return Entry(block: block, receipts: receipts, senders: Array(repeating: nil, count: block.transactions.count))
    }

    /// The senders of `transactions`, recovered in one batch on all cores (nil where a signature fails).
    public func recoverSenders(_ transactions: [Transaction]) -> [Address?] {
        verifier.recoverSenders(transactions).map { try? $0.get().sender }
    }

    /// Block `number` with its receipts and senders, from the cache or the ledger.
    public func entry(number: UInt64, in snapshot: LedgerSnapshot) throws -> Entry? {
        if let hit = cached(number) { return hit }
        guard let block = try snapshot.block(number: number), let receipts = try snapshot.receipts(blockNumber: number) else {
            return nil
        }
        let entry = Entry(block: block, receipts: receipts, senders: recoverSenders(block.transactions))
        add(entry)
        return entry
    }
}
