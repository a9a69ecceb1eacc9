import StrandCrypto
import StrandPrimitives

/// FISCO BCOS 2.x's Consensus system contract at `0x…1003`:
///
///     addSealer(string nodeID) returns (int256)
///     addObserver(string nodeID) returns (int256)
///     remove(string nodeID) returns (int256)
///
/// A governor changes who seals (votes) and who observes (follows). The roster is chain state,
/// so a change committed in block N is in force from block N + 1, which every node reads from
/// N's state: its quorum, leader rotation and seal check. FISCO 3.1's rule that a sealer must
/// be an observer first holds: a node joins as an observer, syncs, and only then votes.
public enum ConsensusContract {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000001003")
    public static let addSealer = ContractCalldata.selector("addSealer(string)")
    public static let addObserver = ContractCalldata.selector("addObserver(string)")
    public static let remove = ContractCalldata.selector("remove(string)")

    public enum Role: UInt64, Sendable {
        case sealer = 1
        case observer = 2
    }

    public static func calldata(_ selector: UInt32, nodeID: NodeID) -> [UInt8] {
        ContractCalldata.encode(selector, strings: [nodeID.description])
    }

    // MARK: Storage

    /// Slot 0 holds how many entries follow; zero means no governor has changed the roster, and
    /// genesis's validators hold. Entry i takes three slots from 1 + 3i: the node ID's two halves
    /// and its role.
    public static let countKey = StateKey.storage(address, Hash(UInt256(0)))

    public static func entryKeys(_ index: Int) -> (high: StateKey, low: StateKey, role: StateKey) {
        let base = UInt64(1 + 3 * index)
        return (.storage(address, Hash(UInt256(base))), .storage(address, Hash(UInt256(base + 1))),
                .storage(address, Hash(UInt256(base + 2))))
    }
}

/// Who seals and who observes at the height after the state it was read from.
public struct ConsensusRoster: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var node: NodeID
        public var role: ConsensusContract.Role

        public init(node: NodeID, role: ConsensusContract.Role) {
            self.node = node
            self.role = role
        }
    }

    /// In the order they were added; sealers keep their place when promoted.
    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The roster that `reader`'s state holds for the next block.
    public init(chain: ChainConfig, state reader: some StateReader) {
        self.init(genesis: chain.validators) { reader.value(of: $0) }
    }

    /// The roster in the state that `value` reads; genesis's validators, all sealers, while no
    /// governor has changed it.
    public init(genesis: [NodeID], reading value: (StateKey) -> UInt256) {
        let count = value(ConsensusContract.countKey).uint64 ?? 0
        guard count > 0 else {
            entries = genesis.map { Entry(node: $0, role: .sealer) }
            return
        }
        entries = (0..<Int(min(count, 1 << 16))).compactMap { index in
            let keys = ConsensusContract.entryKeys(index)
            let bytes = value(keys.high).bigEndianBytes + value(keys.low).bigEndianBytes
            guard let node = try? NodeID(bytes), let role = ConsensusContract.Role(rawValue: value(keys.role).uint64 ?? 0) else {
                return nil
            }
            return Entry(node: node, role: role)
        }
    }

    public var sealers: [NodeID] { entries.filter { $0.role == .sealer }.map(\.node) }
    public var observers: [NodeID] { entries.filter { $0.role == .observer }.map(\.node) }
    public var validators: ValidatorSet { ValidatorSet(sealers) }

    public func role(of node: NodeID) -> ConsensusContract.Role? {
        entries.first { $0.node == node }?.role
    }

    /// The slots this roster takes, replacing `previous`'s: every entry's, the count, and zeros
    /// where `previous` had entries past this one's end.
    public func storage(replacing previous: ConsensusRoster) -> [(StateKey, UInt256)] {
        var writes: [(StateKey, UInt256)] = [(ConsensusContract.countKey, UInt256(UInt64(entries.count)))]
        for (index, entry) in entries.enumerated() {
            let keys = ConsensusContract.entryKeys(index)
            let bytes = entry.node.bytes
            writes.append((keys.high, UInt256(bigEndian: bytes[0..<32])!))
            writes.append((keys.low, UInt256(bigEndian: bytes[32..<64])!))
            writes.append((keys.role, UInt256(entry.role.rawValue)))
        }
        for index in entries.count..<max(entries.count, previous.entries.count) {
            let keys = ConsensusContract.entryKeys(index)
            writes += [(keys.high, .zero), (keys.low, .zero), (keys.role, .zero)]
        }
        return writes
    }
}
