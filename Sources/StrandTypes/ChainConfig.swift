import StrandCrypto
import StrandPrimitives

/// What a chain's genesis fixes for its whole life: identity, crypto suite, validators,
/// block limits, consensus timing, and FISCO's group id and block-limit window.
///
/// It is stored in the genesis block's extra data (`encoded`), so the genesis hash names the
/// configuration as well as the state; `decode` reads it back when a ledger opens.
public struct ChainConfig: Sendable, Equatable {
    /// The layout of `encoded`; a decoder refuses any other.
    static let layoutVersion: UInt64 = 1

    public var chainID: UInt64
    public var suite: CryptoSuite
    /// Genesis's validators by node ID, in the order that leader rotation and seal indexes use;
    /// the Consensus contract changes them later (`ConsensusRoster`).
    public var validators: [NodeID]
    /// The sum of a block's transactions' gas limits may not exceed it.
    public var blockGasLimit: UInt64
    public var maxBlockTransactions: Int
    /// Largest encoded block body.
    public var maxBlockBytes: Int
    /// How long a replica waits for a round before it asks for a view change.
    public var consensusTimeoutMilliseconds: UInt64
    /// FISCO BCOS's group id; its transactions and RPC name it.
    public var groupID: UInt64
    /// FISCO's anti-replay window: a block limit must lie in (height, height + window].
    public var blockLimitWindow: UInt64

    public init(
        chainID: UInt64, suite: CryptoSuite = .secp256k1, validators: [NodeID], blockGasLimit: UInt64 = 300_000_000,
        maxBlockTransactions: Int = 10_000, maxBlockBytes: Int = 32 << 20, consensusTimeoutMilliseconds: UInt64 = 3_000,
        groupID: UInt64 = 1, blockLimitWindow: UInt64 = 1_000
    ) {
        self.chainID = chainID
        self.suite = suite
        self.validators = validators
        self.blockGasLimit = blockGasLimit
        self.maxBlockTransactions = maxBlockTransactions
        self.maxBlockBytes = maxBlockBytes
        self.consensusTimeoutMilliseconds = consensusTimeoutMilliseconds
        self.groupID = groupID
        self.blockLimitWindow = blockLimitWindow
    }

    /// Checks the values against each other; the genesis decoder and `decode` call it.
    public func validate() throws(ChainConfigError) {
        guard chainID > 0 else { throw ChainConfigError("chain id must be positive") }
        guard !validators.isEmpty else { throw ChainConfigError("at least one validator is needed") }
        guard Set(validators).count == validators.count else { throw ChainConfigError("a validator is listed twice") }
        guard blockGasLimit > 0 else { throw ChainConfigError("block gas limit must be positive") }
        guard maxBlockTransactions > 0 else { throw ChainConfigError("max block transactions must be positive") }
        guard maxBlockBytes >= 1024 else { throw ChainConfigError("max block bytes must be at least 1024") }
        guard consensusTimeoutMilliseconds >= 100 else { throw ChainConfigError("consensus timeout must be at least 100 ms") }
        guard groupID > 0 else { throw ChainConfigError("group id must be positive") }
        guard blockLimitWindow > 0 else { throw ChainConfigError("block limit window must be positive") }
    }

    /// The validators of block 1, before any change.
    public var genesisValidators: ValidatorSet { ValidatorSet(validators) }

    // MARK: Block size

    /// What a body costs before its transactions, against `maxBlockBytes`.
    public static let bodyOverheadBytes = 16
    /// What one transaction of `encodedCount` bytes adds to a body (its bytes and RLP header,
    /// rounded up). The builder fills blocks and the importer checks them by this one rule.
    public static func bodyBytes(ofTransaction encodedCount: Int) -> Int { encodedCount + 5 }

    // MARK: Encoding

    /// rlp([layout, chainId, suite, [nodeId…], gasLimit, maxTxs, maxBytes, timeoutMs, groupId, window]).
    public var encoded: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 128 + 66 * validators.count)
        encoder.appendList { list in
            list.append(Self.layoutVersion)
            list.append(chainID)
            list.append(bytes: Array(suite.rawValue.utf8))
            list.appendList { ids in for id in validators { ids.append(bytes: id.bytes) } }
            list.append(blockGasLimit)
            list.append(UInt64(maxBlockTransactions))
            list.append(UInt64(maxBlockBytes))
            list.append(consensusTimeoutMilliseconds)
            list.append(groupID)
            list.append(blockLimitWindow)
        }
        return encoder.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ChainConfigError) -> ChainConfig {
        let fields: (UInt64, UInt64, String, [[UInt8]], UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        do {
            fields = try decodeWhole(bytes, as: "chain config") { (reader: inout RLPReader) throws(RLPError) in
                var list = try reader.readList()
                let layout = try list.readUInt64()
                let chainID = try list.readUInt64()
                let suite = String(decoding: try list.readBytes(), as: UTF8.self)
                var ids = try list.readList()
                var validators: [[UInt8]] = []
                while !ids.isAtEnd { validators.append(Array(try ids.readBytes())) }
                let result = (layout, chainID, suite, validators, try list.readUInt64(), try list.readUInt64(),
                              try list.readUInt64(), try list.readUInt64(), try list.readUInt64(), try list.readUInt64())
                try list.finish()
                return result
            }
        } catch {
            throw ChainConfigError("\(error)")
        }
        guard fields.0 == layoutVersion else { throw ChainConfigError("unknown layout \(fields.0)") }
        guard let suite = CryptoSuite(rawValue: fields.2) else { throw ChainConfigError("unknown crypto suite \"\(fields.2)\"") }
        var validators: [NodeID] = []
        for id in fields.3 {
            do { validators.append(try NodeID(id)) } catch { throw ChainConfigError("validator: \(error)") }
        }
        guard fields.5 <= UInt64(Int32.max), fields.6 <= UInt64(Int32.max) else { throw ChainConfigError("block limits out of range") }
        let config = ChainConfig(
            chainID: fields.1, suite: suite, validators: validators, blockGasLimit: fields.4,
            maxBlockTransactions: Int(fields.5), maxBlockBytes: Int(fields.6), consensusTimeoutMilliseconds: fields.7,
            groupID: fields.8, blockLimitWindow: fields.9)
        try config.validate()
        return config
    }
}

/// A chain configuration that cannot be used, with the reason.
public struct ChainConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "chain config: \(message)" }
}
