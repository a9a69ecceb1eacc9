import StrandPrimitives

/// A complete state held in dictionaries: the state tests' pre- and post-states, and the
/// benchmarks' contracts.
public final class InMemoryEVMState: EVMStateSource {
    public var accounts: [Address: AccountInfo] = [:]
    public var storage: [Address: [UInt256: UInt256]] = [:]
    public var codes: [Hash: [UInt8]] = [:]

    public init() {}

    /// Adds or replaces an account with its code and storage.
    public func setAccount(_ address: Address, nonce: UInt64 = 0, balance: UInt256 = .zero, code: [UInt8] = [],
                           storage slots: [UInt256: UInt256] = [:]) {
        let hash = code.isEmpty ? EVMCode.emptyHash : Keccak256.hash(code)
        if !code.isEmpty { codes[hash] = code }
        accounts[address] = AccountInfo(nonce: nonce, balance: balance, codeHash: hash)
        let nonZero = slots.filter { !$0.value.isZero }
        storage[address] = nonZero.isEmpty ? nil : nonZero
    }

    public func account(_ address: Address) -> AccountInfo? { accounts[address] }
    public func storage(_ address: Address, slot: UInt256) -> UInt256 { storage[address]?[slot] ?? .zero }
    public func code(hash: Hash) -> [UInt8] { codes[hash] ?? [] }
    public func hasStorage(_ address: Address) -> Bool { !(storage[address]?.isEmpty ?? true) }

    /// Applies a block's changes.
    public func apply(_ diff: StateDiff) {
        for address in diff.wiped { storage[address] = nil }
        for (address, account) in diff.accounts {
            if let account { accounts[address] = account } else { accounts[address] = nil }
        }
        for (key, value) in diff.storage {
            if value.isZero {
                storage[key.address]?[key.slot] = nil
                if storage[key.address]?.isEmpty == true { storage[key.address] = nil }
            } else {
                storage[key.address, default: [:]][key.slot] = value
            }
        }
        codes.merge(diff.code) { _, new in new }
    }
}
