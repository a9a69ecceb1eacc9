import StrandPrimitives
import StrandTypes

/// What a validator must remember across a crash so that it never contradicts itself: the
/// view it entered, the block it prepared and the block it committed in that height, and its
/// lock. Written (and synced) before any message that depends on it leaves the node.
public struct PBFTJournal: Hashable, Sendable {
    public struct VoteRecord: Hashable, Sendable {
        public var view: UInt64
        public var blockHash: Hash

        public init(view: UInt64, blockHash: Hash) {
            self.view = view
            self.blockHash = blockHash
        }
    }

    public var height: UInt64
    public var view: UInt64
    /// The last Prepare this validator signed at `height`.
    public var prepared: VoteRecord?
    /// The last Commit this validator signed at `height`.
    public var committed: VoteRecord?
    /// The highest-view block a quorum prepared that this validator committed to.
    public var lock: PreparedCertificate?
    /// The locked block itself: after a crash, the lock binds this validator (and any
    /// leader whose justification it is in) to re-propose that block, which may survive
    /// nowhere else.
    public var lockedBlock: Block?

    public init(height: UInt64, view: UInt64 = 0, prepared: VoteRecord? = nil, committed: VoteRecord? = nil,
                lock: PreparedCertificate? = nil, lockedBlock: Block? = nil) {
        self.height = height
        self.view = view
        self.prepared = prepared
        self.committed = committed
        self.lock = lock
        self.lockedBlock = lockedBlock
    }
}

/// Timeouts and the bounds on what a validator keeps for later.
public struct PBFTSettings: Sendable, Equatable {
    /// The first view's timeout; each failed view multiplies it by 1.5, up to `maxTimeout`.
    public var baseTimeout: Duration
    public var maxTimeout: Duration
    /// Messages for heights up to this far ahead are kept until the node gets there.
    public var heightWindow: UInt64
    /// Votes for views up to this far ahead of the current one are kept.
    public var viewWindow: UInt64
    /// Messages kept for later heights, per sender.
    public var futureMessagesPerSender: Int

    public init(baseTimeout: Duration, maxTimeout: Duration? = nil, heightWindow: UInt64 = 8, viewWindow: UInt64 = 16,
                futureMessagesPerSender: Int = 64) {
        self.baseTimeout = baseTimeout
        self.maxTimeout = maxTimeout ?? baseTimeout * 20
        self.heightWindow = heightWindow
        self.viewWindow = viewWindow
        self.futureMessagesPerSender = futureMessagesPerSender
    }

    /// How long view `view` of a height lasts before the validator asks for the next one.
    public func timeout(ofView view: UInt64) -> Duration {
        var timeout = baseTimeout
        for _ in 0..<min(view, 64) {
            timeout = timeout * 1.5
            if timeout >= maxTimeout { return maxTimeout }
        }
        return timeout
    }
}
