import StrandCrypto
import StrandPrimitives

/// What the EVM reads about the block it runs in.
public struct BlockEnvironment: Sendable {
    public var number: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    public var coinbase: Address
    public var baseFee: UInt256
    public var prevRandao: UInt256
    public var chainID: UInt256
    public var blobBaseFee: UInt256
    /// Hashes of the 256 blocks before `number`, by number; BLOCKHASH answers zero outside.
    public var blockHash: @Sendable (UInt64) -> Hash
    /// The chain's suite: on a 国密 chain KECCAK256 computes SM3 and contract addresses are
    /// SM3's, as FISCO's 国密 EVM does (so ABI selectors are SM3's, as its solc emits).
    public var suite: CryptoSuite = .secp256k1

    public init(
        number: UInt64, timestamp: UInt64, gasLimit: UInt64, coinbase: Address, baseFee: UInt256,
        prevRandao: UInt256 = .zero, chainID: UInt256, blobBaseFee: UInt256 = .one,
        blockHash: @escaping @Sendable (UInt64) -> Hash = { _ in .zero }
    ) {
        self.number = number
        self.timestamp = timestamp
        self.gasLimit = gasLimit
        self.coinbase = coinbase
        self.baseFee = baseFee
        self.prevRandao = prevRandao
        self.chainID = chainID
        self.blobBaseFee = blobBaseFee
        self.blockHash = blockHash
    }
}

/// What the EVM reads about the transaction it runs.
struct TransactionEnvironment {
    var origin: Address
    var gasPrice: UInt256
    var blobHashes: [Hash]
}
