import StrandCrypto
import StrandPrimitives
import StrandTypes

/// Signs this validator's messages and checks the others'. The node uses the chain's crypto
/// suite (`SuiteAuthenticator`); the simulator a keyed hash that is as hard to forge inside
/// the simulation and a thousand times cheaper.
public protocol VoteAuthenticator: Sendable {
    func sign(_ digest: Hash) -> RecoverableSignature
    /// Whether `signature` over `digest` is `node`'s.
    func isSigned(_ digest: Hash, by node: NodeID, signature: RecoverableSignature) -> Bool
}

/// Signatures of the chain's suite with the node's consensus key.
public struct SuiteAuthenticator: VoteAuthenticator {
    let chain: ChainConfig
    let key: PrivateKey

    public init(chain: ChainConfig, key: PrivateKey) {
        self.chain = chain
        self.key = key
    }

    public func sign(_ digest: Hash) -> RecoverableSignature { chain.suite.sign(digest, with: key) }

    public func isSigned(_ digest: Hash, by node: NodeID, signature: RecoverableSignature) -> Bool {
        chain.suite.isSigned(digest, by: node, signature: signature)
    }
}
