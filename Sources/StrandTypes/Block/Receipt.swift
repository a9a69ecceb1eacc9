import StrandCrypto
import StrandPrimitives

/// What executing one transaction produced.
public struct Receipt: Hashable, Sendable {
    public enum Status: UInt8, Sendable {
        case failure = 0
        case success = 1
        /// A creation refused by the `_sys_tables_` permission: FISCO's status 18, a failure to
        /// Ethereum clients.
        case noDeployPermission = 18
        /// A transaction to a contract frozen by `ContractLifeCycle`: FISCO's status 30; its nonce
        /// is spent, nothing else happens.
        case contractFrozen = 30
        /// A transaction from an account that the committee froze (`ChainGovernance`): FISCO's
        /// status 31; its nonce is spent, nothing else happens.
        case accountFrozen = 31
    }

    public var status: Status
    public var gasUsed: UInt64
    /// Gas used by this and every earlier transaction of the block.
    public var cumulativeGasUsed: UInt64
    public var logs: [Log]
    /// The created contract, for a successful contract creation.
    public var contractAddress: Address?
    public var transactionHash: Hash
    public var transactionIndex: UInt32
    /// Return data, or revert data (e.g. an `Error(string)` reason) on failure.
    public var output: [UInt8]

    public init(status: Status, gasUsed: UInt64, cumulativeGasUsed: UInt64, logs: [Log] = [],
                contractAddress: Address? = nil, transactionHash: Hash, transactionIndex: UInt32, output: [UInt8] = []) {
        self.status = status
        self.gasUsed = gasUsed
        self.cumulativeGasUsed = cumulativeGasUsed
        self.logs = logs
        self.contractAddress = contractAddress
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.output = output
    }

    /// rlp([status, gasUsed, cumulativeGasUsed, [logs…], contractAddress | "", txHash, txIndex, output]).
    public var encoded: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 96 + output.count)
        encode(to: &encoder)
        return encoder.bytes
    }

    /// hash(encoded) by the chain's suite: the leaf of the block's receipt root.
    public func hash(_ suite: CryptoSuite) -> Hash { suite.hash(encoded) }

    func encode(to encoder: inout RLPEncoder) {
        encoder.appendList { list in
            list.append(UInt64(status.rawValue))
            list.append(gasUsed)
            list.append(cumulativeGasUsed)
            list.appendList { logList in for log in logs { log.encode(to: &logList) } }
            list.append(optional: contractAddress)
            list.append(transactionHash)
            list.append(UInt64(transactionIndex))
            list.append(bytes: output)
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(BlockDecodingError) -> Receipt {
        try decodeWhole(bytes, as: "receipt") { (reader: inout RLPReader) throws(RLPError) in try decode(from: &reader) }
    }

    static func decode(from reader: inout RLPReader) throws(RLPError) -> Receipt {
        var fields = try reader.readList()
        let rawStatus = try fields.readUInt64()
        guard rawStatus <= UInt64(UInt8.max), let status = Status(rawValue: UInt8(rawStatus)) else {
            throw .invalidValue("receipt status \(rawStatus)")
        }
        let gasUsed = try fields.readUInt64()
        let cumulative = try fields.readUInt64()
        var logReader = try fields.readList()
        var logs: [Log] = []
        while !logReader.isAtEnd { logs.append(try Log.decode(from: &logReader)) }
        let contract = try fields.readOptionalAddress()
        let txHash = try fields.readHash()
        let index = try fields.readUInt64()
        guard index <= UInt64(UInt32.max) else { throw .invalidValue("transaction index \(index)") }
        let output = Array(try fields.readBytes())
        try fields.finish()
        return Receipt(status: status, gasUsed: gasUsed, cumulativeGasUsed: cumulative, logs: logs,
                       contractAddress: contract, transactionHash: txHash, transactionIndex: UInt32(index), output: output)
    }

    /// Encodes a block's receipts as one RLP list, as the ledger stores them.
    public static func encodeList(_ receipts: [Receipt]) -> [UInt8] {
        encodeListMarkingItems(receipts).list
    }

    /// The list encoding and each receipt's hash (of its item, by `suite`), from one encoding pass.
    public static func encodeListAndHash(_ receipts: [Receipt], suite: CryptoSuite) -> (list: [UInt8], hashes: [Hash]) {
        let (list, ends) = encodeListMarkingItems(receipts)
        guard !ends.isEmpty else { return (list, []) }
        let headerLength = list.count - (ends.last ?? 0)
        let hashes = [Hash](unsafeUninitializedCapacity: ends.count) { out, initialized in
            list.withUnsafeBytes { buffer in
                suite.hashEach(of: UnsafeRawBufferPointer(rebasing: buffer[headerLength...]), ends: ends, into: out.baseAddress!)
            }
            initialized = ends.count
        }
        return (list, hashes)
    }

    /// The list encoding, and where each item ends, counted from the end of the list's header.
    private static func encodeListMarkingItems(_ receipts: [Receipt]) -> (list: [UInt8], ends: [Int]) {
        var encoder = RLPEncoder(reservingCapacity: receipts.count * 128)
        var ends: [Int] = []
        ends.reserveCapacity(receipts.count)
        encoder.appendList { list in
            for receipt in receipts {
                receipt.encode(to: &list)
                ends.append(list.bytes.count)
            }
        }
        return (encoder.bytes, ends)
    }

    public static func decodeList(_ bytes: [UInt8]) throws(BlockDecodingError) -> [Receipt] {
        try decodeWhole(bytes, as: "receipt list") { (reader: inout RLPReader) throws(RLPError) in
            var items = try reader.readList()
            var receipts: [Receipt] = []
            while !items.isAtEnd { receipts.append(try decode(from: &items)) }
            return receipts
        }
    }
}
