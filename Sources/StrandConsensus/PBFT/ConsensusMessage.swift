import StrandCrypto
import StrandPrimitives
import StrandTypes

/// A validator's signed vote for block `blockHash` at (`height`, `view`): a Prepare once it
/// has executed the proposal, a Commit once it holds a quorum of Prepares and has persisted
/// its lock. Commit signatures are the block's seal, so they sign `ChainConfig.commitDigest`.
public struct Vote: Hashable, Sendable {
    public enum Phase: UInt8, Sendable {
        case prepare = 1
        case commit = 2
    }

    public var phase: Phase
    public var height: UInt64
    public var view: UInt64
    public var blockHash: Hash
    /// The signer's position in `ChainConfig.validators`.
    public var validator: UInt32
    public var signature: RecoverableSignature

    public init(phase: Phase, height: UInt64, view: UInt64, blockHash: Hash, validator: UInt32, signature: RecoverableSignature) {
        self.phase = phase
        self.height = height
        self.view = view
        self.blockHash = blockHash
        self.validator = validator
        self.signature = signature
    }
}

/// Proof that a quorum prepared `blockHash` at (`height`, `view`): what a lock holds and what
/// a ViewChange shows, so that no one can claim a lock that was never formed.
public struct PreparedCertificate: Hashable, Sendable {
    public var height: UInt64
    public var view: UInt64
    public var blockHash: Hash
    public var prepares: [Vote]

    public init(height: UInt64, view: UInt64, blockHash: Hash, prepares: [Vote]) {
        self.height = height
        self.view = view
        self.blockHash = blockHash
        self.prepares = prepares
    }
}

/// A validator's request to leave for `view` at `height`, with its lock (if any). The lock's
/// block travels along so that whichever validator leads `view` can re-propose it; the
/// signature covers the lock's view and hash, not the block, which its hash names.
public struct ViewChange: Hashable, Sendable {
    public var height: UInt64
    public var view: UInt64
    public var lock: PreparedCertificate?
    public var lockedBlock: Block?
    public var validator: UInt32
    public var signature: RecoverableSignature

    public init(height: UInt64, view: UInt64, lock: PreparedCertificate?, lockedBlock: Block?, validator: UInt32,
                signature: RecoverableSignature) {
        self.height = height
        self.view = view
        self.lock = lock
        self.lockedBlock = lockedBlock
        self.validator = validator
        self.signature = signature
    }

    /// The same request without the block, as a proposal's justification carries it.
    public var withoutBlock: ViewChange {
        var copy = self
        copy.lockedBlock = nil
        return copy
    }
}

/// The leader's block for (`block.number`, `view`). Past view 0 it carries a quorum of
/// ViewChanges for `view` as justification, and must re-propose the highest lock among them.
public struct Proposal: Hashable, Sendable {
    public var view: UInt64
    public var block: Block
    public var justification: [ViewChange]
    public var validator: UInt32
    public var signature: RecoverableSignature

    public init(view: UInt64, block: Block, justification: [ViewChange], validator: UInt32, signature: RecoverableSignature) {
        self.view = view
        self.block = block
        self.justification = justification
        self.validator = validator
        self.signature = signature
    }

    public var height: UInt64 { block.number }
}

/// What validators send one another.
public enum ConsensusMessage: Hashable, Sendable {
    case proposal(Proposal)
    case vote(Vote)
    case viewChange(ViewChange)

    public var height: UInt64 {
        switch self {
        case .proposal(let proposal): proposal.height
        case .vote(let vote): vote.height
        case .viewChange(let change): change.height
        }
    }

    public var view: UInt64 {
        switch self {
        case .proposal(let proposal): proposal.view
        case .vote(let vote): vote.view
        case .viewChange(let change): change.view
        }
    }

    public var sender: UInt32 {
        switch self {
        case .proposal(let proposal): proposal.validator
        case .vote(let vote): vote.validator
        case .viewChange(let change): change.validator
        }
    }
}

// MARK: What each message signs

extension ChainConfig {
    /// rlp([chainId, type, height, view, hash, extra]): the chain and the message type are
    /// inside, so that no signature means anything on another chain or as another message.
    /// A Commit signs `commitDigest`, which a block's seal is checked against.
    func consensusDigest(_ type: String, height: UInt64, view: UInt64, hash: Hash, extra: UInt64? = nil) -> Hash {
        var encoder = RLPEncoder(reservingCapacity: 96)
        encoder.appendList { list in
            list.append(chainID)
            list.append(bytes: Array(type.utf8))
            list.append(height)
            list.append(view)
            list.append(hash)
            if let extra { list.append(extra) }
        }
        return suite.hash(encoder.bytes)
    }

    public func digest(of vote: Vote) -> Hash {
        switch vote.phase {
        case .prepare: consensusDigest("prepare", height: vote.height, view: vote.view, hash: vote.blockHash)
        case .commit: commitDigest(number: vote.height, view: vote.view, blockHash: vote.blockHash)
        }
    }

    public func digest(of change: ViewChange) -> Hash {
        consensusDigest("viewchange", height: change.height, view: change.view, hash: change.lock?.blockHash ?? .zero,
                        extra: change.lock.map { $0.view + 1 } ?? 0)
    }

    public func digest(of proposal: Proposal) -> Hash {
        consensusDigest("proposal", height: proposal.height, view: proposal.view, hash: proposal.block.hash)
    }
}
