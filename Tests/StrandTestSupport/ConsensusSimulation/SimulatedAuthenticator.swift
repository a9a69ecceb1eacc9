import StrandConsensus
import StrandCrypto
import StrandPrimitives
import StrandTypes

/// The simulator's signatures: Keccak-256 of a validator's secret and the digest. Inside the
/// simulation no one knows another validator's secret, so no one can forge its messages,
/// and a signature costs a hash instead of an elliptic-curve operation.
public struct SimulatedAuthenticator: VoteAuthenticator {
    let secrets: [Hash]
    let index: Int

    public init(secrets: [Hash], index: Int) {
        self.secrets = secrets
        self.index = index
    }

    static func mac(_ secret: Hash, _ digest: Hash) -> UInt256 {
        UInt256(Keccak256.hash(secret.bytes + digest.bytes))
    }

    public func sign(_ digest: Hash) -> RecoverableSignature {
        RecoverableSignature(r: Self.mac(secrets[index], digest), s: UInt256(UInt64(index)), recoveryID: 0)
    }

    public func isSigned(_ digest: Hash, by index: Int, signature: RecoverableSignature) -> Bool {
        index >= 0 && index < secrets.count && signature.r == Self.mac(secrets[index], digest)
    }

    /// Checks a committed block's seal as `ChainConfig.verifySeal` does, with these signatures.
    public func sealIsValid(_ header: BlockHeader, chain: ChainConfig) -> Bool {
        let digest = chain.commitDigest(number: header.number, view: header.seal.view, blockHash: header.hash)
        var signers = Set<UInt32>()
        for entry in header.seal.signatures {
            guard isSigned(digest, by: Int(entry.validatorIndex), signature: entry.signature),
                  signers.insert(entry.validatorIndex).inserted else { return false }
        }
        return signers.count >= chain.quorum
    }
}
