import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

@Suite struct TransactionTests {
    /// The example of EIP-155: nonce 9, 20 gwei, 21000 gas, 1 ether to 0x3535…, chain id 1.
    @Test func eip155Example() throws {
        let raw = "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
        let tx = try Transaction.decode(hex: raw)
        #expect(tx.type == .legacy)
        #expect(tx.chainID == 1)
        #expect(tx.nonce == 9)
        #expect(tx.gasPrice == UInt256(20_000_000_000))
        #expect(tx.value == (try UInt256(parsing: "1000000000000000000")))
        #expect(tx.content.signingHash(.secp256k1) == (try Hash(hex: "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")))
        #expect(tx.hash == (try Hash(hex: "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788")))
        #expect(try tx.recoverSender() == (try Address(hex: "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")))
        try tx.validate(TransactionRules(chainID: 1))

        // Signing the same content with the example's key reproduces the example exactly.
        let key = try PrivateKey([UInt8](repeating: 0x46, count: 32))
        #expect(tx.content.signed(with: key).encoded == hexBytes(raw))
    }

    static let to = try! Address(hex: "0x00000000000000000000000000000000000000aa")

    @Test(arguments: [TransactionType.legacy, .accessList, .dynamicFee])
    func signEncodeDecodeRecover(type: TransactionType) throws {
        let key = PrivateKey.random()
        let content = UnsignedTransaction(
            type: type, chainID: 20200, nonce: 7, maxPriorityFeePerGas: UInt256(2), maxFeePerGas: UInt256(1_000),
            gasLimit: 60_000, to: Self.to, value: UInt256(12345), data: [0, 1, 2, 0],
            accessList: type == .legacy ? [] : [AccessListEntry(address: Self.to, storageKeys: [Hash.zero, Keccak256.hash([1])])])
        let tx = content.signed(with: key)
        let decoded = try Transaction.decode(tx.encoded)
        #expect(decoded == tx)
        #expect(decoded.content == content)
        #expect(decoded.hash == Keccak256.hash(tx.encoded))
        #expect(try decoded.recoverSender() == key.address)
        try decoded.validate(TransactionRules(chainID: 20200))
        #expect(throws: TransactionError.chainIDMismatch(expected: 1, actual: 20200)) {
            try decoded.validate(TransactionRules(chainID: 1))
        }
        let accessListGas: UInt64 = type == .legacy ? 0 : 2_400 + 2 * 1_900
        #expect(decoded.intrinsicGas == 21_000 + 2 * 4 + 2 * 16 + accessListGas)
        if type != .legacy { #expect(tx.encoded.first == type.rawValue) }
    }

    /// A batch decodes as one-by-one decoding does: the same transactions and hashes (secp256k1
    /// ones hashed eight at a time, 国密 ones by SM3), the same refusals, in order.
    @Test func decodingABatchAgreesWithOneByOne() throws {
        let key = PrivateKey.random()
        let smKey = try PrivateKey(SM3.hash(Array("batch decode".utf8)).bytes)
        var raws: [[UInt8]] = []
        for i in 0..<21 {
            let content = UnsignedTransaction(
                type: [.legacy, .accessList, .dynamicFee][i % 3], chainID: 20200, nonce: UInt64(i), maxPriorityFeePerGas: UInt256(2),
                maxFeePerGas: UInt256(1_000), gasLimit: 60_000, to: Self.to, value: UInt256(UInt64(i)),
                data: [UInt8](repeating: 7, count: i * 9))   // some past one Keccak block
            switch i % 7 {
            case 3: raws.append([])                                         // empty
            case 5: raws.append(Array(content.signed(with: key).encoded.dropLast()))  // truncated
            case 6:
                let fisco = UnsignedTransaction.fisco(FiscoFields(randomID: UInt256(UInt64(i)), blockLimit: 100, groupID: 1), chainID: 1,
                                                      gasPrice: .zero, gasLimit: 30_000_000, to: Self.to, data: [1, 2, 3])
                raws.append(fisco.signed(with: smKey, suite: .sm).encoded)
            default: raws.append(content.signed(with: key).encoded)
            }
        }
        let batch = Transaction.decodeAll(raws)
        #expect(batch.count == raws.count)
        for (raw, decoded) in zip(raws, batch) {
            switch (decoded, Result { () throws(TransactionError) in try Transaction.decode(raw) }) {
            case (.success(let a), .success(let b)):
                #expect(a == b)
                #expect(a.hash == b.hash)
                #expect(a.hash == a.suite.hash(raw))
            case (.failure(let a), .failure(let b)): #expect(a == b)
            default: Issue.record("batch and one-by-one disagree on \(raw.count) bytes")
            }
        }
    }

    /// Intrinsic gas counts zero bytes eight at a time: it must agree with a plain count for
    /// every length and mix, tails and high bytes (0x80, 0xff) included.
    @Test func intrinsicGasCountsZeroBytesLikeAPlainLoop() {
        var generator = SeededGenerator(seed: 11)
        for length in 0..<70 {
            for _ in 0..<20 {
                let data = (0..<length).map { _ -> UInt8 in
                    switch generator.next() % 4 { case 0: 0; case 1: 0x80; case 2: 0xff; default: UInt8(truncatingIfNeeded: generator.next()) }
                }
                let zeros = data.filter { $0 == 0 }.count
                let content = UnsignedTransaction(type: .dynamicFee, chainID: 1, nonce: 0, maxPriorityFeePerGas: .zero,
                                                  maxFeePerGas: .zero, gasLimit: 100_000, to: .zero, value: .zero, data: data)
                #expect(content.intrinsicGas == 21_000 + UInt64(zeros) * 4 + UInt64(length - zeros) * 16)
            }
        }
    }

    @Test func contractCreationGas() throws {
        let content = UnsignedTransaction(type: .dynamicFee, chainID: 1, nonce: 0, gasLimit: 100_000, to: nil,
                                          data: [UInt8](repeating: 1, count: 33))
        // 21000 + 32000 + 33 × 16 + 2 words × 2
        #expect(content.intrinsicGas == 21_000 + 32_000 + 33 * 16 + 4)
        let tx = content.signed(with: .random())
        #expect(try Transaction.decode(tx.encoded).to == nil)
    }

    @Test func namesEachRejection() throws {
        let key = PrivateKey.random()
        let rules = TransactionRules(chainID: 1, allowUnprotectedLegacy: false, maxEncodedSize: 1_000)
        func tx(_ edit: (inout UnsignedTransaction) -> Void) -> Transaction {
            var content = UnsignedTransaction(type: .dynamicFee, chainID: 1, nonce: 0, maxFeePerGas: UInt256(1),
                                              gasLimit: 21_000, to: Self.to)
            edit(&content)
            return content.signed(with: key)
        }
        #expect(throws: TransactionError.empty) { try Transaction.decode([]) }
        #expect(throws: TransactionError.unsupportedType(3)) { try Transaction.decode([0x03, 0xc0]) }
        #expect(throws: TransactionError.unknownType(0x05)) { try Transaction.decode([0x05, 0xc0]) }
        #expect(throws: TransactionError.badRLP(field: "transaction", .expectedList)) { try Transaction.decode([0x80]) }
        #expect(throws: TransactionError.badRLP(field: "chainId", .truncated)) { try Transaction.decode([0x02, 0xc0]) }
        let good = tx { _ in }
        #expect(throws: TransactionError.badRLP(field: "transaction", .trailingBytes(count: 1))) {
            try Transaction.decode(good.encoded + [0x00])
        }
        #expect(throws: TransactionError.badRLP(field: "transaction", .truncated)) {
            try Transaction.decode(Array(good.encoded.dropLast()))
        }
        #expect(throws: TransactionError.intrinsicGasTooLow(required: 21_000 + 16, gasLimit: 21_000)) {
            try tx { $0.data = [1] }.validate(rules)
        }
        #expect(throws: TransactionError.tooLarge(size: tx { $0.data = [UInt8](repeating: 1, count: 2_000); $0.gasLimit = 100_000 }.encoded.count, limit: 1_000)) {
            try tx { $0.data = [UInt8](repeating: 1, count: 2_000); $0.gasLimit = 100_000 }.validate(rules)
        }
        #expect(throws: TransactionError.nonceTooLarge) { try tx { $0.nonce = .max }.validate(rules) }
        #expect(throws: TransactionError.priorityFeeAboveMaxFee) { try tx { $0.maxPriorityFeePerGas = UInt256(2) }.validate(rules) }
        #expect(throws: TransactionError.gasLimitPriceProductOverflow) { try tx { $0.maxFeePerGas = .max }.validate(rules) }
        #expect(throws: TransactionError.chainIDMismatch(expected: 1, actual: nil)) {
            try tx { $0.type = .legacy; $0.chainID = nil }.validate(rules)
        }
        let bigInit = tx { $0.to = nil; $0.data = [UInt8](repeating: 0, count: 49_153); $0.gasLimit = 1_000_000 }
        #expect(throws: TransactionError.initCodeTooLarge(size: 49_153, limit: 49_152)) {
            try bigInit.validate(TransactionRules(chainID: 1))
        }

        // High s: the same signature mirrored, valid ECDSA that EIP-2 refuses.
        var mirrored = good.signature
        mirrored.s = RecoverableSignature.curveOrder &- mirrored.s
        mirrored.recoveryID ^= 1
        let highS = Transaction(good.content, signature: mirrored)
        #expect(throws: TransactionError.badSignature(.highS)) { try highS.validate(rules) }
        #expect(throws: TransactionError.badSignature(.highS)) { try highS.recoverSender() }
        var zeroR = good.signature
        zeroR.r = .zero
        #expect(throws: TransactionError.badSignature(.rOutOfRange)) {
            try Transaction(good.content, signature: zeroR).validate(rules)
        }
    }

    @Test func batchRecoveryKeepsOrderAndNamesFailures() throws {
        let verifier = SignatureVerifier(threads: 2)
        let keys = (0..<4).map { _ in PrivateKey.random() }
        var txs: [Transaction] = []
        for i in 0..<100 {
            let content = UnsignedTransaction(type: .dynamicFee, chainID: 1, nonce: UInt64(i), gasLimit: 21_000, to: Self.to)
            var tx = content.signed(with: keys[i % 4])
            if i == 42 {
                var signature = tx.signature
                signature.s = RecoverableSignature.curveOrder &- signature.s
                tx = Transaction(content, signature: signature)
            }
            txs.append(tx)
        }
        let results = verifier.recoverSenders(txs)
        for (i, result) in results.enumerated() {
            if i == 42 {
                #expect(throws: TransactionError.badSignature(.highS)) { try result.get() }
            } else {
                let recovered = try result.get()
                #expect(recovered.sender == keys[i % 4].address)
                #expect(recovered.transaction == txs[i])
            }
        }
    }
}
