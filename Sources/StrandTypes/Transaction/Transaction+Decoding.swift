import StrandCrypto
import StrandPrimitives

extension Transaction {
    /// Decodes a transaction from its network encoding, strictly: canonical RLP, the exact
    /// number of fields, integers within their widths, a well-formed signature. An RLP list
    /// is a legacy transaction with 9 fields, a FISCO BCOS 2.x one with 13.
    ///
    /// The signature's ranges, chain id, gas and size rules are checked by `validate(_:)`,
    /// recovery by `recoverSender()` or a `SignatureVerifier`.
    public static func decode(_ raw: [UInt8]) throws(TransactionError) -> Transaction {
        let (content, signature) = try decodeFields(raw)
        return Transaction(content: content, signature: signature, encoded: raw)
    }

    /// Decodes many transactions, each as `decode(_:)` does, with the hashes of those signed
    /// by secp256k1 computed in batches (`Keccak256.hashEach`): what the pool admits arrives
    /// a thousand at a time.
    public static func decodeAll(_ raws: [[UInt8]]) -> [Result<Transaction, TransactionError>] {
        let fields = raws.map { raw in Result { () throws(TransactionError) in try decodeFields(raw) } }
        let batched = fields.indices.filter { (try? fields[$0].get())?.1.suite == .secp256k1 }
        var encodings: [UInt8] = []
        encodings.reserveCapacity(batched.reduce(0) { $0 + raws[$1].count })
        var ends: [Int] = []
        for i in batched {
            encodings += raws[i]
            ends.append(encodings.count)
        }
        var hashes = [Hash?](repeating: nil, count: raws.count)
        withUnsafeTemporaryAllocation(of: Hash.self, capacity: max(batched.count, 1)) { digests in
            encodings.withUnsafeBytes { CryptoSuite.secp256k1.hashEach(of: $0, ends: ends, into: digests.baseAddress!) }
            for (j, i) in batched.enumerated() { hashes[i] = digests[j] }
        }
        return zip(raws, zip(fields, hashes)).map { raw, decoded in
            decoded.0.map { content, signature in
                Transaction(content: content, signature: signature, encoded: raw, hash: decoded.1 ?? signature.suite.hash(raw))
            }
        }
    }

    /// The content and signature of an encoded transaction, strictly decoded.
    private static func decodeFields(_ raw: [UInt8]) throws(TransactionError) -> (UnsignedTransaction, RecoverableSignature) {
        guard let first = raw.first else { throw .empty }
        let type: TransactionType
        switch first {
        case 0xc0...0xff: type = try raw.withUnsafeBytes { buffer in Result { () throws(TransactionError) in try listTransactionType(buffer) } }.get()
        case TransactionType.accessList.rawValue: type = .accessList
        case TransactionType.dynamicFee.rawValue: type = .dynamicFee
        case TransactionType.blobTypeByte: throw .unsupportedType(first)
        case 0x00...0x7f: throw .unknownType(first)
        default: throw .badRLP(field: "transaction", .expectedList)
        }
        let decoded = raw.withUnsafeBytes { buffer in
            Result { () throws(TransactionError) -> (UnsignedTransaction, RecoverableSignature) in
                let body = !type.hasTypeByte ? buffer : UnsafeRawBufferPointer(rebasing: buffer.dropFirst())
                return try decodeBody(body, type: type)
            }
        }
        return try decoded.get()
    }

    /// Decodes a hex string (with or without `0x`).
    public static func decode(hex: some StringProtocol) throws -> Transaction {
        try decode(Hex.decode(hex))
    }

    /// Legacy or FISCO, by the number of items in the outer list.
    private static func listTransactionType(_ raw: UnsafeRawBufferPointer) throws(TransactionError) -> TransactionType {
        var outer = RLPReader(raw)
        var items = try field("transaction") { () throws(RLPError) in try outer.readList() }
        var count = 0
        while !items.isAtEnd, count <= fiscoFieldCount {
            _ = try field("transaction") { () throws(RLPError) in try items.readItem() }
            count += 1
        }
        return count == fiscoFieldCount ? .fisco : .legacy
    }

    static let fiscoFieldCount = 13

    private static func decodeFisco(_ fields: inout FieldReader) throws(TransactionError) -> (UnsignedTransaction, RecoverableSignature) {
        let randomID = try fields.uint256("randomid")
        let gasPrice = try fields.uint256("gasPrice")
        let gasLimit = try fields.uint64("gasLimit")
        let blockLimit = try fields.uint64("blockLimit")
        let to = try fields.destination()
        let value = try fields.uint256("value")
        let data = try fields.bytes("data")
        let chainID = try fields.uint64("chainId")
        let groupID = try fields.uint64("groupId")
        let extraData = try fields.bytes("extraData")
        let v = try fields.raw("v")
        let r = try fields.uint256("r")
        let s = try fields.uint256("s")
        try fields.finish()
        let content = UnsignedTransaction.fisco(
            FiscoFields(randomID: randomID, blockLimit: blockLimit, groupID: groupID, extraData: extraData),
            chainID: chainID, gasPrice: gasPrice, gasLimit: gasLimit, to: to, value: value, data: data)
        return (content, try fiscoSignature(v: v, r: r, s: s))
    }

    /// A FISCO transaction's v is 27/28, or in 国密 form the signer's SM2 public key as an
    /// integer: 64 bytes, fewer when the key begins with zero bytes (left-padded back here).
    private static func fiscoSignature(v: UnsafeRawBufferPointer, r: UInt256, s: UInt256) throws(TransactionError) -> RecoverableSignature {
        guard v.first != 0 else { throw .badRLP(field: "v", .leadingZeros) }
        if v.count <= 32 {
            let small = UInt256(bigEndian: v)!
            guard small == UInt256(27) || small == UInt256(28) else { throw .badV(small) }
            return RecoverableSignature(r: r, s: s, recoveryID: UInt8(small.w0 - 27))
        }
        guard v.count <= NodeID.byteCount else { throw .badSM2Key(length: v.count) }
        let key = try! NodeID([UInt8](repeating: 0, count: NodeID.byteCount - v.count) + v)
        return RecoverableSignature(sm2: r, s: s, signerKey: key)
    }

    private static func decodeBody(
        _ body: UnsafeRawBufferPointer, type: TransactionType
    ) throws(TransactionError) -> (UnsignedTransaction, RecoverableSignature) {
        var outer = RLPReader(body)
        var fields = FieldReader(try field("transaction") { () throws(RLPError) in try outer.readList() })
        try field("transaction") { () throws(RLPError) in try outer.finish() }
        if type == .fisco { return try decodeFisco(&fields) }

        let chainID: UInt64? = type == .legacy ? nil : try fields.uint64("chainId")
        let nonce = try fields.uint64("nonce")
        let priorityFee = type == .dynamicFee ? try fields.uint256("maxPriorityFeePerGas") : nil
        let maxFee = try fields.uint256(type == .dynamicFee ? "maxFeePerGas" : "gasPrice")
        let gasLimit = try fields.uint64("gasLimit")
        let to = try fields.destination()
        let value = try fields.uint256("value")
        let data = try fields.bytes("data")
        let accessList = type == .legacy ? [] : try fields.accessList()
        let v = try fields.uint256("v")
        let r = try fields.uint256("r")
        let s = try fields.uint256("s")
        try fields.finish()

        var content = UnsignedTransaction(
            type: type, chainID: chainID, nonce: nonce, maxPriorityFeePerGas: priorityFee ?? maxFee,
            maxFeePerGas: maxFee, gasLimit: gasLimit, to: to, value: value, data: data, accessList: accessList)
        let recoveryID: UInt8
        if type == .legacy {
            (content.chainID, recoveryID) = try legacyChainIDAndParity(v: v)
        } else {
            guard let parity = v.uint64, parity <= 1 else { throw .badV(v) }
            recoveryID = UInt8(parity)
        }
        return (content, RecoverableSignature(r: r, s: s, recoveryID: recoveryID))
    }

    /// v = 27/28 (no chain id) or 35 + 2 × chainId + parity (EIP-155).
    private static func legacyChainIDAndParity(v: UInt256) throws(TransactionError) -> (UInt64?, UInt8) {
        guard let small = v.uint64 else { throw .badV(v) }
        switch small {
        case 27, 28: return (nil, UInt8(small - 27))
        case 35...: return ((small - 35) / 2, UInt8((small - 35) % 2))
        default: throw .badV(v)
        }
    }
}

/// Runs `body`, naming `field` in any RLP error.
func field<T>(_ name: String, _ body: () throws(RLPError) -> T) throws(TransactionError) -> T {
    do { return try body() } catch { throw .badRLP(field: name, error) }
}

/// Reads a transaction's fields in order, naming the field in each error.
private struct FieldReader {
    var reader: RLPReader
    var count = 0

    init(_ reader: RLPReader) { self.reader = reader }

    mutating func uint64(_ name: String) throws(TransactionError) -> UInt64 {
        try field(name) { () throws(RLPError) in try reader.readUInt64() }
    }

    mutating func uint256(_ name: String) throws(TransactionError) -> UInt256 {
        try field(name) { () throws(RLPError) in try reader.readUInt256() }
    }

    mutating func bytes(_ name: String) throws(TransactionError) -> [UInt8] {
        Array(try raw(name))
    }

    /// A string item in place, valid while the input is.
    mutating func raw(_ name: String) throws(TransactionError) -> UnsafeRawBufferPointer {
        try field(name) { () throws(RLPError) in try reader.readBytes() }
    }

    /// An empty string for contract creation, else a 20-byte address.
    mutating func destination() throws(TransactionError) -> Address? {
        try field("to") { () throws(RLPError) -> Address? in
            let bytes = try reader.readBytes()
            if bytes.isEmpty { return nil }
            guard bytes.count == Address.byteCount else {
                throw .wrongLength(expected: Address.byteCount, actual: bytes.count)
            }
            return Address(loadingFrom: bytes.baseAddress!)
        }
    }

    mutating func accessList() throws(TransactionError) -> [AccessListEntry] {
        try field("accessList") { () throws(RLPError) -> [AccessListEntry] in
            var entries = try reader.readList()
            var list: [AccessListEntry] = []
            while !entries.isAtEnd {
                var entry = try entries.readList()
                let address = try entry.readAddress()
                var keys = try entry.readList()
                var storageKeys: [Hash] = []
                while !keys.isAtEnd { storageKeys.append(try keys.readHash()) }
                try entry.finish()
                list.append(AccessListEntry(address: address, storageKeys: storageKeys))
            }
            return list
        }
    }

    func finish() throws(TransactionError) {
        try field("transaction") { () throws(RLPError) in try reader.finish() }
    }
}
