import StrandCrypto
import StrandPrimitives

/// What a block's execution needs to know about the block itself.
public struct BlockContext: Sendable {
    public var number: UInt64
    public var timestamp: UInt64
    /// Receives the block's fees, when fees are on.
    public var sealer: Address
    /// The sum of the included transactions' gas limits may not exceed this.
    public var gasLimit: UInt64
    /// Consortium default: gas is a computation limit and no fee moves. When on, each
    /// transaction pays gasUsed × its effective gas price, credited to the sealer at block end.
    public var feesEnabled: Bool
    /// CHAINID, for contracts.
    public var chainID: UInt64
    /// BLOCKHASH: the hash of an earlier block by number (asked only for the 256 before this one).
    public var blockHash: @Sendable (UInt64) -> Hash
    /// A block that only simulates calls (`eth_call`, `eth_estimateGas`): a contract may be the
    /// sender (EIP-3607 applies to real transactions only). Never set for a block to commit.
    public var isSimulation = false
    /// Genesis's validators: the Consensus contract's roster until a governor first changes it.
    public var genesisValidators: [NodeID] = []
    /// Genesis's governors: ChainGovernance's committee until it first changes.
    public var genesisGovernors: [Address] = []
    /// The chain's suite: the hash of the state changes' digest, of KECCAK256 and of contract addresses.
    public var suite: CryptoSuite = .secp256k1

    public init(
        number: UInt64, timestamp: UInt64, sealer: Address, gasLimit: UInt64 = 300_000_000, feesEnabled: Bool = false,
        chainID: UInt64 = 20_200, blockHash: @escaping @Sendable (UInt64) -> Hash = { _ in .zero }
    ) {
        self.number = number
        self.timestamp = timestamp
        self.sealer = sealer
        self.gasLimit = gasLimit
        self.feesEnabled = feesEnabled
        self.chainID = chainID
        self.blockHash = blockHash
    }
}
