import Foundation
import StrandCrypto
import StrandPrimitives

/// A chain's starting point, read from a genesis JSON file:
///
///     {
///       "config": {
///         "chainId": 20200,
///         "cryptoSuite": "secp256k1",            // optional
///         "validators": ["<128 hex digits>", …],  // node IDs
///         "blockGasLimit": 300000000,            // optional, and so are the rest
///         "maxBlockTransactions": 4000, "maxBlockBytes": 33554432,
///         "consensusTimeoutMs": 3000, "groupId": 1, "blockLimitWindow": 1000
///       },
///       "timestamp": 0,                          // optional, milliseconds
///       "governors": ["0x…"],                    // optional: who may change the chain (`ChainGovernance`)
///       "observers": ["<node id>", …],          // optional: nodes that follow without voting
///       "accounts": {
///         "0x…": { "balance": "1000000", "nonce": "0", "code": "0x…", "storage": { "0x01": "0x2a" } }
///       }
///     }
///
/// Quantities are decimal or 0x-hex strings (or JSON integers); every field of an account
/// is optional. `json` writes this shape, `init(json:)` reads it.
public struct Genesis: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var balance: UInt256 = .zero
        public var nonce: UInt64 = 0
        public var code: [UInt8] = []
        public var storage: [Hash: UInt256] = [:]

        public init(balance: UInt256 = .zero, nonce: UInt64 = 0, code: [UInt8] = [], storage: [Hash: UInt256] = [:]) {
            self.balance = balance
            self.nonce = nonce
            self.code = code
            self.storage = storage
        }
    }

    public var config: ChainConfig
    /// Milliseconds since the Unix epoch.
    public var timestamp: UInt64
    public var accounts: [Address: Account]
    /// The committee that may call the system contracts; its members are genesis state.
    public var governors: [Address]
    /// Nodes that follow the chain from its start without voting: the Consensus contract's
    /// observers in genesis state (a governor may make one a sealer).
    public var observers: [NodeID]

    public init(config: ChainConfig, timestamp: UInt64 = 0, accounts: [Address: Account] = [:], governors: [Address] = [],
                observers: [NodeID] = []) {
        self.config = config
        self.timestamp = timestamp
        self.accounts = accounts
        self.governors = governors
        self.observers = observers
    }

    /// The genesis state: every non-zero field of every account, and the accounts' code.
    public var stateChanges: StateChanges {
        var writes: [StateKey: UInt256] = [:]
        var code: [[UInt8]] = []
        for (address, account) in accounts {
            if account.nonce != 0 { writes[.nonce(address)] = UInt256(account.nonce) }
            if !account.balance.isZero { writes[.balance(address)] = account.balance }
            if !account.code.isEmpty {
                writes[.codeHash(address)] = UInt256(Keccak256.hash(account.code))
                code.append(account.code)
            }
            for (slot, value) in account.storage where !value.isZero {
                writes[.storage(address, slot)] = value
            }
        }
        for governor in governors { writes[ChainGovernance.memberKey(governor)] = .one }
        // Without observers the roster stays implicit: genesis's validators (`ConsensusRoster`).
        if !observers.isEmpty {
            let roster = ConsensusRoster(entries: config.validators.map { .init(node: $0, role: .sealer) }
                                             + observers.map { .init(node: $0, role: .observer) })
            for (key, value) in roster.storage(replacing: ConsensusRoster(entries: [])) { writes[key] = value }
        }
        return StateChanges(writes, code: code, suite: config.suite)
    }

    /// Block 0. Its extra data is the encoded `ChainConfig`, so the genesis hash names the
    /// chain's configuration as well as its state.
    public var block: Block {
        let header = BlockHeader(
            parentHash: .zero, number: 0, timestamp: timestamp, sealer: .zero,
            transactionsRoot: Block.transactionsRoot([], suite: config.suite), receiptsRoot: Block.receiptsRoot([], suite: config.suite),
            stateRoot: stateChanges.stateRoot(after: .zero), gasUsed: 0, gasLimit: config.blockGasLimit, extraData: config.encoded,
            suite: config.suite)
        return Block(header: header, transactions: [])
    }
}

/// A genesis file that cannot be used, with the reason.
public struct GenesisError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { "genesis: \(message)" }
}

extension Genesis {
    /// Parses a genesis JSON document.
    public init(json data: Data) throws(GenesisError) {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GenesisError(message: "not a JSON object")
        }
        let known: Set = ["config", "timestamp", "accounts", "governors", "observers"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw GenesisError(message: "unknown field \"\(unknown)\"")
        }
        guard let configFields = root["config"] as? [String: Any] else { throw GenesisError(message: "missing \"config\" object") }
        let config = try Self.chainConfig(configFields)
        let timestamp = try root["timestamp"].map { v throws(GenesisError) in try Self.uint64(v, "timestamp") } ?? 0
        var accounts: [Address: Account] = [:]
        if let accountMap = root["accounts"] {
            guard let accountMap = accountMap as? [String: Any] else {
                throw GenesisError(message: "\"accounts\" must be an object keyed by address")
            }
            for (text, value) in accountMap {
                let address: Address
                do { address = try Address(hex: text) } catch { throw GenesisError(message: "account \(text): \(error)") }
                guard let fields = value as? [String: Any] else { throw GenesisError(message: "account \(text) must be an object") }
                accounts[address] = try Self.account(fields, name: text)
            }
        }
        var governors: [Address] = []
        if let list = root["governors"] {
            guard let list = list as? [String] else { throw GenesisError(message: "\"governors\" must be a list of addresses") }
            for text in list {
                do { governors.append(try Address(hex: text)) } catch { throw GenesisError(message: "governor \(text): \(error)") }
            }
            guard Set(governors).count == governors.count else { throw GenesisError(message: "a governor is listed twice") }
        }
        var observers: [NodeID] = []
        if let list = root["observers"] {
            guard let list = list as? [String] else { throw GenesisError(message: "\"observers\" must be a list of node IDs") }
            for text in list {
                do { observers.append(try NodeID(hex: text)) } catch { throw GenesisError(message: "observer: \(error)") }
            }
            guard Set(observers).count == observers.count else { throw GenesisError(message: "an observer is listed twice") }
            guard Set(observers).isDisjoint(with: config.validators) else { throw GenesisError(message: "a node is both validator and observer") }
        }
        self.init(config: config, timestamp: timestamp, accounts: accounts, governors: governors, observers: observers)
    }

    private static func chainConfig(_ fields: [String: Any]) throws(GenesisError) -> ChainConfig {
        let known: Set = ["chainId", "cryptoSuite", "validators", "blockGasLimit", "maxBlockTransactions", "maxBlockBytes",
                          "consensusTimeoutMs", "groupId", "blockLimitWindow"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw GenesisError(message: "config: unknown field \"\(unknown)\"")
        }
        guard let chainID = fields["chainId"] else { throw GenesisError(message: "missing \"config.chainId\"") }
        guard let list = fields["validators"] as? [String], !list.isEmpty else {
            throw GenesisError(message: "\"config.validators\" must be a non-empty list of node IDs (128 hex digits)")
        }
        var validators: [NodeID] = []
        for text in list {
            do { validators.append(try NodeID(hex: text)) } catch { throw GenesisError(message: "validator \(text.prefix(16))…: \(error)") }
        }
        var config = ChainConfig(chainID: try uint64(chainID, "config.chainId"), validators: validators)
        if let suite = fields["cryptoSuite"] {
            guard let name = suite as? String, let known = CryptoSuite(rawValue: name) else {
                throw GenesisError(message: "config.cryptoSuite must be one of \(CryptoSuite.allCases.map(\.rawValue))")
            }
            config.suite = known
        }
        func optional(_ name: String, _ apply: (UInt64) -> Void) throws(GenesisError) {
            if let value = fields[name] { apply(try uint64(value, "config.\(name)")) }
        }
        try optional("blockGasLimit") { config.blockGasLimit = $0 }
        try optional("maxBlockTransactions") { config.maxBlockTransactions = Int(clamping: $0) }
        try optional("maxBlockBytes") { config.maxBlockBytes = Int(clamping: $0) }
        try optional("consensusTimeoutMs") { config.consensusTimeoutMilliseconds = $0 }
        try optional("groupId") { config.groupID = $0 }
        try optional("blockLimitWindow") { config.blockLimitWindow = $0 }
        do { try config.validate() } catch { throw GenesisError(message: error.message) }
        return config
    }

    /// The genesis JSON document, in the shape `init(json:)` reads.
    public var json: Data {
        var accountObjects: [String: Any] = [:]
        for (address, account) in accounts {
            var object: [String: Any] = ["balance": account.balance.description]
            if account.nonce != 0 { object["nonce"] = String(account.nonce) }
            if !account.code.isEmpty { object["code"] = Hex.encode(account.code) }
            if !account.storage.isEmpty {
                object["storage"] = Dictionary(uniqueKeysWithValues: account.storage.map { ($0.key.description, $0.value.hexString) })
            }
            accountObjects[address.description] = object
        }
        let configObject: [String: Any] = [
            "chainId": config.chainID, "cryptoSuite": config.suite.rawValue, "validators": config.validators.map(\.description),
            "blockGasLimit": config.blockGasLimit, "maxBlockTransactions": config.maxBlockTransactions,
            "maxBlockBytes": config.maxBlockBytes, "consensusTimeoutMs": config.consensusTimeoutMilliseconds,
            "groupId": config.groupID, "blockLimitWindow": config.blockLimitWindow,
        ]
        var root: [String: Any] = ["config": configObject, "timestamp": timestamp, "accounts": accountObjects]
        if !governors.isEmpty { root["governors"] = governors.map(\.description) }
        if !observers.isEmpty { root["observers"] = observers.map(\.description) }
        return try! JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }

    private static func account(_ fields: [String: Any], name: String) throws(GenesisError) -> Account {
        let known: Set = ["balance", "nonce", "code", "storage"]
        if let unknown = fields.keys.first(where: { !known.contains($0) }) {
            throw GenesisError(message: "account \(name): unknown field \"\(unknown)\"")
        }
        var account = Account()
        if let balance = fields["balance"] { account.balance = try uint256(balance, "\(name).balance") }
        if let nonce = fields["nonce"] { account.nonce = try uint64(nonce, "\(name).nonce") }
        if let code = fields["code"] {
            guard let text = code as? String, let bytes = try? Hex.decode(text, prefix: .required) else {
                throw GenesisError(message: "\(name).code must be 0x-prefixed hex")
            }
            account.code = bytes
        }
        if let storage = fields["storage"] {
            guard let slots = storage as? [String: Any] else { throw GenesisError(message: "\(name).storage must be an object") }
            for (slotText, value) in slots {
                let slot = try uint256(slotText, "\(name).storage key")
                account.storage[Hash(slot)] = try uint256(value, "\(name).storage[\(slotText)]")
            }
        }
        return account
    }

    private static func uint256(_ value: Any, _ field: String) throws(GenesisError) -> UInt256 {
        if let number = value as? Int, number >= 0 { return UInt256(number) }
        guard let text = value as? String else {
            throw GenesisError(message: "\(field) must be a non-negative integer or a decimal/0x-hex string")
        }
        do { return try UInt256(parsing: text) } catch { throw GenesisError(message: "\(field): \(error)") }
    }

    private static func uint64(_ value: Any, _ field: String) throws(GenesisError) -> UInt64 {
        guard let small = try uint256(value, field).uint64 else { throw GenesisError(message: "\(field) exceeds 64 bits") }
        return small
    }
}
