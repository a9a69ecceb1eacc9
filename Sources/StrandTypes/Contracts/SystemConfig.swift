import StrandPrimitives

/// FISCO BCOS 2.x's SystemConfig system contract at `0x…1000`:
///
///     setValueByKey(string key, string value) returns (int256)
///
/// A governor (`ChainGovernance`) sets a chain-wide setting; the value is chain state, so a change
/// made in block N is in force from block N + 1 (which reads N's state) on every node. It returns
/// 1 when set, `FiscoCode.permissionDenied` for a caller who is not a governor and
/// `FiscoCode.invalidConfiguration` for an unknown key or a value out of its range, each with
/// receipt status 0, as FISCO does.
public enum SystemConfig {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000001000")
    public static let setValueByKey = ContractCalldata.selector("setValueByKey(string,string)")

    /// The keys FISCO 2.x knows.
    public enum Key: String, CaseIterable, Sendable {
        /// Most transactions in a block (never more than genesis's `maxBlockTransactions`).
        case txCountLimit = "tx_count_limit"
        /// Most gas one transaction may ask for.
        case txGasLimit = "tx_gas_limit"
        /// Seconds a PBFT view lasts before a view change is asked for (the first view's; later
        /// views grow from it). Timing only: it cannot make honest validators disagree.
        case consensusTimeout = "consensus_timeout"

        /// FISCO's bounds on a value.
        public var range: ClosedRange<UInt64> {
            switch self {
            case .txCountLimit: 1...2_147_483_647
            case .txGasLimit: 100_000...2_147_483_647
            case .consensusTimeout: 3...600
            }
        }

        /// Where the value lives in the contract's storage: the key's bytes in the slot itself.
        public var slot: Hash {
            var slot = Hash.zero
            let bytes = Array(rawValue.utf8)
            withUnsafeMutableBytes(of: &slot) { slotBytes in
                for (index, byte) in bytes.enumerated() { slotBytes[index] = byte }
                slotBytes[31] = UInt8(bytes.count)
            }
            return slot
        }

        public var stateKey: StateKey { .storage(SystemConfig.address, slot) }

        /// The value in force without a governor's setting: what genesis fixes.
        public func genesisValue(_ chain: ChainConfig) -> UInt64 {
            switch self {
            case .txCountLimit: UInt64(chain.maxBlockTransactions)
            case .txGasLimit: chain.blockGasLimit
            case .consensusTimeout: max(1, chain.consensusTimeoutMilliseconds / 1000)
            }
        }
    }

    /// A value as FISCO takes it: a decimal integer within the key's range.
    public static func parse(_ text: String, for key: Key) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt64(text), key.range.contains(value) else {
            return nil
        }
        return value
    }

    public static func calldata(key: String, value: String) -> [UInt8] {
        ContractCalldata.encode(setValueByKey, strings: [key, value])
    }

    /// The settings in force for the block after the state `reader` shows.
    public struct Limits: Sendable, Equatable {
        public var txCountLimit: Int
        public var txGasLimit: UInt64
        /// The first view's timeout: a governor's `consensus_timeout`, else genesis's (to the millisecond).
        public var consensusTimeout: Duration

        public init(chain: ChainConfig, state reader: some StateReader) {
            txCountLimit = Int(Self.value(.txCountLimit, chain: chain, reader))
            txGasLimit = Self.value(.txGasLimit, chain: chain, reader)
            let seconds = reader.value(of: Key.consensusTimeout.stateKey).uint64 ?? 0
            consensusTimeout = seconds > 0 ? .seconds(Int64(seconds)) : .milliseconds(Int64(chain.consensusTimeoutMilliseconds))
        }

        public static func value(_ key: Key, chain: ChainConfig, _ reader: some StateReader) -> UInt64 {
            value(key, genesis: key.genesisValue(chain), reader)
        }

        /// A governor's value; a limit never above what genesis allows a block (frames and blocks
        /// are sized by it).
        public static func value(_ key: Key, genesis: UInt64, _ reader: some StateReader) -> UInt64 {
            guard let set = reader.value(of: key.stateKey).uint64, set > 0 else { return genesis }
            return key == .consensusTimeout ? set : min(set, genesis)
        }
    }
}
