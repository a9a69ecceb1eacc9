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

/// The codes FISCO's system contracts return as `int256`, with their meaning in words.
public enum FiscoCode: Int64, CaseIterable, Sendable, Error {
    case success = 1
    /// The node already had the role asked for: nothing changed.
    case unchanged = 0
    case permissionDenied = -50000
    case committeeMemberExists = -52000
    case committeeMemberNotFound = -52001
    case invalidCommitteeRequest = -52002
    case invalidThreshold = -52003
    case tableExists = -50001
    case tableNameTooLong = -50002
    case fieldNameTooLong = -50003
    case keyTooLong = -50005
    case duplicateField = -50007
    case invalidField = -50008
    case tableNotFound = -50100
    case invalidAddress = -50102
    case alreadyGranted = -51000
    case grantNotFound = -51001
    case invalidNodeID = -51100
    case lastSealer = -51101
    case nodeNotFound = -51103
    case sealerMustBeObserver = -51104
    case cnsVersionExists = -51200
    case cnsVersionTooLong = -51201
    case invalidConfiguration = -51300
    case badEntry = -51500
    case badCondition = -51501
    case undefinedOperator = -51502

    public var meaning: String {
        switch self {
        case .success: "done"
        case .unchanged: "nothing changed yet: the node already has that role, or the vote awaits others"
        case .permissionDenied: "permission denied: the sender is not a governor, or lacks the table's grant"
        case .committeeMemberExists: "that account is a committee member already"
        case .committeeMemberNotFound: "that account is no committee member"
        case .invalidCommitteeRequest: "not so: a weight is at least 1, and the last member stays"
        case .invalidThreshold: "a threshold is a percentage from 0 to 99"
        case .tableExists: "a table of that name exists"
        case .tableNameTooLong: "a table name has at most 48 characters"
        case .fieldNameTooLong: "a field name has at most 64 characters"
        case .keyTooLong: "a key has at most 255 bytes"
        case .duplicateField: "a field is named twice"
        case .invalidField: "a table or field name of letters, digits, _, $ and @ only, and fields the table has"
        case .tableNotFound: "no such table"
        case .invalidAddress: "not an address"
        case .badEntry: "the entry is not a JSON object of field to value"
        case .badCondition: "the condition is not a JSON object of field to {operator: value}"
        case .undefinedOperator: "a condition's operator is none of eq, ne, gt, ge, lt, le"
        case .alreadyGranted: "that account holds that grant already"
        case .grantNotFound: "that account holds no such grant"
        case .invalidNodeID: "invalid node ID (128 hex digits)"
        case .lastSealer: "the last sealer cannot be removed or demoted"
        case .nodeNotFound: "the node is neither a sealer nor an observer"
        case .sealerMustBeObserver: "a node becomes a sealer only from observer: add it as an observer first"
        case .cnsVersionExists: "that contract name and version are registered already"
        case .cnsVersionTooLong: "a CNS version has at most 40 characters"
        case .invalidConfiguration: "invalid key or value (tx_count_limit 1…2147483647, tx_gas_limit 100000…2147483647, consensus_timeout 3…600 s)"
        }
    }
}
