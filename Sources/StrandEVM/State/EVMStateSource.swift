import StrandPrimitives
import StrandTypes

/// An account as the state stores it.
public struct AccountInfo: Hashable, Sendable {
    public var nonce: UInt64
    public var balance: UInt256
    /// Keccak-256 of the code; `EVMCode.emptyHash` for an account without code.
    public var codeHash: Hash

    public init(nonce: UInt64 = 0, balance: UInt256 = .zero, codeHash: Hash = EVMCode.emptyHash) {
        self.nonce = nonce
        self.balance = balance
        self.codeHash = codeHash
    }

    /// EIP-161's empty: no nonce, no balance, no code.
    public var isEmpty: Bool { nonce == 0 && balance.isZero && codeHash == EVMCode.emptyHash }
}

/// The state a block starts from, as the EVM reads it. The EVM never writes through it:
/// its changes collect in a `WorldState` and come out as a `StateDiff`.
public protocol EVMStateSource: AnyObject {
    /// The account at `address`, or nil if none exists.
    func account(_ address: Address) -> AccountInfo?
    /// The value of a storage slot; zero when unset.
    func storage(_ address: Address, slot: UInt256) -> UInt256
    /// Code by hash; empty if unknown.
    func code(hash: Hash) -> [UInt8]
    /// Whether the account has any non-zero storage (EIP-7610's create-collision rule).
    func hasStorage(_ address: Address) -> Bool
}

/// Told of every state key a transaction reads or writes, so that the parallel executor
/// can learn a contract call's access set by running it.
public protocol AccessRecorder: AnyObject {
    func read(_ key: StateKey)
    func write(_ key: StateKey)
}

extension StateKey {
    /// The state key of a contract storage slot.
    @inlinable
    public static func storage(_ address: Address, _ slot: UInt256) -> StateKey {
        .storage(address, Hash(slot))
    }
}

/// A storage slot of one account, as a dictionary key.
///
/// Hashes as one pre-mixed word, seeded per process like `StateKey.mixedHash`, so that the
/// EVM's dictionaries feed the hasher 8 bytes instead of 52.
public struct SlotKey: Hashable, Sendable {
    @inlinable
    public func hash(into hasher: inout Hasher) {
        var h = address.mixed(into: HashSeed.process ^ 0x5107)
        h = (h ^ slot.w0) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ slot.w1) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ slot.w2) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        h = (h ^ slot.w3) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 32
        hasher.combine(h)
    }

    public var address: Address
    public var slot: UInt256

    @inlinable
    public init(_ address: Address, _ slot: UInt256) {
        self.address = address
        self.slot = slot
    }
}
