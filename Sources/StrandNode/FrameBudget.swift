import StrandNetwork
import StrandTypes

/// Whether a chain's largest block can cross the P2P network. The biggest messages that carry a
/// block are a proposal (the block and a justification of ViewChanges without their blocks), a
/// ViewChange with its locked block and quorum certificate, and a sync answer of one block: each
/// is the block's bytes, its header, and an envelope of votes that `consensusEnvelopeBytes`
/// bounds for any validator set the consensus decoder accepts.
public enum FrameBudget {
    /// Room kept in a frame beyond a block's body for its header and the consensus envelope.
    public static let consensusEnvelopeBytes = 4 << 20

    /// The largest `maxBlockBytes` that frames of `frameLimit` bytes carry.
    public static func largestBlockBytes(frameLimit: Int = NetworkConfig.defaultMaxFrameBytes) -> Int {
        frameLimit - consensusEnvelopeBytes
    }

    /// Refuses a chain whose blocks may not fit in a frame.
    public static func check(_ chain: ChainConfig, frameLimit: Int = NetworkConfig.defaultMaxFrameBytes) throws(NodeConfig.Invalid) {
        guard chain.maxBlockBytes <= largestBlockBytes(frameLimit: frameLimit) else {
            throw NodeConfig.Invalid(description: """
                the chain's blocks may reach \(chain.maxBlockBytes) bytes (maxBlockBytes), more than a P2P frame of \(frameLimit) \
                bytes carries with a consensus message around them; the largest is \(largestBlockBytes(frameLimit: frameLimit))
                """)
        }
    }
}
