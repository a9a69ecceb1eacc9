import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandTypes

/// The simulator's signatures: Keccak-256 of a node's secret and the digest. Inside the
/// simulation no one knows another node's secret, so no one can forge its messages, and a
/// signature costs a hash instead of an elliptic-curve operation.
public struct SimulatedAuthenticator: VoteAuthenticator {
    let secrets: [NodeID: Hash]
    let node: NodeID

    public init(secrets: [NodeID: Hash], node: NodeID) {
        self.secrets = secrets
        self.node = node
    }

    static func mac(_ secret: Hash, _ digest: Hash) -> UInt256 {
        UInt256(Keccak256.hash(secret.bytes + digest.bytes))
    }

    public func sign(_ digest: Hash) -> RecoverableSignature {
        RecoverableSignature(r: Self.mac(secrets[node]!, digest), s: .zero, recoveryID: 0)
    }

    public func isSigned(_ digest: Hash, by node: NodeID, signature: RecoverableSignature) -> Bool {
        guard let secret = secrets[node] else { return false }
        return signature.r == Self.mac(secret, digest)
    }

    /// Checks a committed block's seal as `ChainConfig.verifySeal` does, with these signatures,
    /// against the validators in force at its height.
    public func sealIsValid(_ header: BlockHeader, validators: ValidatorSet, chain: ChainConfig) -> Bool {
        let digest = chain.commitDigest(number: header.number, view: header.seal.view, blockHash: header.hash)
        var signers = Set<UInt32>()
        for entry in header.seal.signatures {
            guard let node = validators[entry.validatorIndex], isSigned(digest, by: node, signature: entry.signature),
                  signers.insert(entry.validatorIndex).inserted else { return false }
        }
        return signers.count >= validators.quorum
    }
}
