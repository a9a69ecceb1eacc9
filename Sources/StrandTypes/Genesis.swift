import Foundation
import StrandPrimitives

/// A chain's starting point, read from a genesis JSON file:
///
///     {
///       "chainId": 20200,
///       "timestamp": 0,                      // optional, seconds
///       "gasLimit": 300000000,               // optional, per block
///       "sealers": ["0x…", …],
///       "accounts": {
///         "0x…": { "balance": "1000000", "nonce": "0", "code": "0x…", "storage": { "0x01": "0x2a" } }
///       }
///     }
///
/// Quantities are decimal or 0x-hex strings (or JSON integers); every field of an account
/// is optional.
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

    public var chainID: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    public var sealers: [Address]
    public var accounts: [Address: Account]

    public init(chainID: UInt64, timestamp: UInt64 = 0, gasLimit: UInt64 = 300_000_000, sealers: [Address],
                accounts: [Address: Account] = [:]) {
        self.chainID = chainID
        self.timestamp = timestamp
        self.gasLimit = gasLimit
        self.sealers = sealers
        self.accounts = accounts
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
        return StateChanges(writes, code: code)
    }

    /// Block 0. Its extra data is rlp([chainId, [sealers…]]), so the genesis hash names the
    /// chain's configuration as well as its state.
    public var block: Block {
        var extra = RLPEncoder()
        extra.appendList { list in
            list.append(chainID)
            list.appendList { sealerList in for sealer in sealers { sealerList.append(sealer) } }
        }
        let header = BlockHeader(
            parentHash: .zero, number: 0, timestamp: timestamp, sealer: .zero,
            transactionsRoot: Block.transactionsRoot([]), receiptsRoot: Block.receiptsRoot([]),
            stateRoot: stateChanges.stateRoot(after: .zero), gasUsed: 0, gasLimit: gasLimit, extraData: extra.bytes)
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
        let known: Set = ["chainId", "timestamp", "gasLimit", "sealers", "accounts"]
        if let unknown = root.keys.first(where: { !known.contains($0) }) {
            throw GenesisError(message: "unknown field \"\(unknown)\"")
        }
        guard let chainIDValue = root["chainId"] else { throw GenesisError(message: "missing \"chainId\"") }
        let chainID = try Self.uint64(chainIDValue, "chainId")
        guard chainID > 0 else { throw GenesisError(message: "\"chainId\" must be positive") }
        let timestamp = try root["timestamp"].map { v throws(GenesisError) in try Self.uint64(v, "timestamp") } ?? 0
        let gasLimit = try root["gasLimit"].map { v throws(GenesisError) in try Self.uint64(v, "gasLimit") } ?? 300_000_000
        guard let sealerList = root["sealers"] as? [String], !sealerList.isEmpty else {
            throw GenesisError(message: "\"sealers\" must be a non-empty list of addresses")
        }
        var sealers: [Address] = []
        for text in sealerList {
            do { sealers.append(try Address(hex: text)) } catch { throw GenesisError(message: "sealer \(text): \(error)") }
        }
        guard Set(sealers).count == sealers.count else { throw GenesisError(message: "duplicate sealer") }
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
        self.init(chainID: chainID, timestamp: timestamp, gasLimit: gasLimit, sealers: sealers, accounts: accounts)
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
