import StrandCrypto
import StrandPrimitives

/// A block's header. Its hash covers every field but the seal, which signs it.
public struct BlockHeader: Hashable, Sendable {
    public var parentHash: Hash
    public var number: UInt64
    /// Milliseconds since the Unix epoch, as FISCO's headers count: several blocks a second are
    /// normal. The EVM's TIMESTAMP is this in seconds (`evmTimestamp`).
    public var timestamp: UInt64
    /// The proposer's account address.
    public var sealer: Address
    public var transactionsRoot: Hash
    public var receiptsRoot: Hash
    /// `keccak(previous state root ‖ keccak(this block's state changes))`.
    public var stateRoot: Hash
    public var gasUsed: UInt64
    public var gasLimit: UInt64
    public var extraData: [UInt8]
    /// The chain's suite, whose hash the header's hash and roots are: named in the encoding
    /// after `extraData` unless it is secp256k1, so a header can be hashed wherever it is read.
    public var suite: CryptoSuite
    public var seal: BlockSeal

    public init(parentHash: Hash, number: UInt64, timestamp: UInt64, sealer: Address, transactionsRoot: Hash,
                receiptsRoot: Hash, stateRoot: Hash, gasUsed: UInt64, gasLimit: UInt64,
                extraData: [UInt8] = [], suite: CryptoSuite = .secp256k1, seal: BlockSeal = BlockSeal()) {
        self.suite = suite
        self.parentHash = parentHash
        self.number = number
        self.timestamp = timestamp
        self.sealer = sealer
        self.transactionsRoot = transactionsRoot
        self.receiptsRoot = receiptsRoot
        self.stateRoot = stateRoot
        self.gasUsed = gasUsed
        self.gasLimit = gasLimit
        self.extraData = extraData
        self.seal = seal
    }

    /// The EVM's TIMESTAMP: whole seconds.
    public var evmTimestamp: UInt64 { timestamp / 1000 }

    /// hash(rlp([the ten fields before the seal, and the suite's name unless secp256k1])), by the suite's hash.
    public var hash: Hash {
        var encoder = RLPEncoder(reservingCapacity: 256 + extraData.count)
        encoder.appendList { encodeSignedFields(to: &$0) }
        return suite.hash(encoder.bytes)
    }

    /// rlp([ten fields…, (suite name,) [view, [[validatorIndex, r, s, recoveryID]…]]]).
    public var encoded: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 256 + extraData.count + 72 * seal.signatures.count)
        encode(to: &encoder)
        return encoder.bytes
    }

    func encode(to encoder: inout RLPEncoder) {
        encoder.appendList { list in
            encodeSignedFields(to: &list)
            list.appendList { sealList in
                sealList.append(seal.view)
                sealList.appendList { signatures in
                    for entry in seal.signatures {
                        signatures.appendList { item in
                            item.append(UInt64(entry.validatorIndex))
                            item.append(entry.signature.r)
                            item.append(entry.signature.s)
                            item.append(UInt64(entry.signature.recoveryID))
                        }
                    }
                }
            }
        }
    }

    private func encodeSignedFields(to list: inout RLPEncoder) {
        list.append(parentHash)
        list.append(number)
        list.append(timestamp)
        list.append(sealer)
        list.append(transactionsRoot)
        list.append(receiptsRoot)
        list.append(stateRoot)
        list.append(gasUsed)
        list.append(gasLimit)
        list.append(bytes: extraData)
        if suite != .secp256k1 { list.append(bytes: Array(suite.rawValue.utf8)) }
    }

    public static func decode(_ bytes: [UInt8]) throws(BlockDecodingError) -> BlockHeader {
        try decodeWhole(bytes, as: "header") { (reader: inout RLPReader) throws(RLPError) in try decode(from: &reader) }
    }

    static func decode(from reader: inout RLPReader) throws(RLPError) -> BlockHeader {
        var fields = try reader.readList()
        var header = BlockHeader(
            parentHash: try fields.readHash(), number: try fields.readUInt64(), timestamp: try fields.readUInt64(),
            sealer: try fields.readAddress(), transactionsRoot: try fields.readHash(), receiptsRoot: try fields.readHash(),
            stateRoot: try fields.readHash(), gasUsed: try fields.readUInt64(), gasLimit: try fields.readUInt64(),
            extraData: Array(try fields.readBytes()))
        var next = try fields.readItem()
        if !next.isList {
            // Only a suite other than the default is named, so each header has one encoding.
            guard let suite = CryptoSuite(rawValue: String(decoding: next.payload, as: UTF8.self)), suite != .secp256k1 else {
                throw .invalidValue("header crypto suite")
            }
            header.suite = suite
            next = try fields.readItem()
        }
        guard next.isList else { throw .expectedList }
        var sealList = RLPReader(next.payload)
        header.seal.view = try sealList.readUInt64()
        var signatures = try sealList.readList()
        while !signatures.isAtEnd {
            var item = try signatures.readList()
            let index = try item.readUInt64()
            let r = try item.readUInt256()
            let s = try item.readUInt256()
            let recoveryID = try item.readUInt64()
            try item.finish()
            guard index <= UInt64(UInt32.max), recoveryID <= 1 else {
                throw .invalidValue("seal signature index \(index) or recovery id \(recoveryID)")
            }
            header.seal.signatures.append(BlockSeal.Signature(
                validatorIndex: UInt32(index), signature: RecoverableSignature(r: r, s: s, recoveryID: UInt8(recoveryID))))
        }
        try sealList.finish()
        try fields.finish()
        return header
    }
}
