import Foundation
import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// What a 国密 chain (`CryptoSuite.sm`) changes: FISCO-format transactions signed with SM2 that
/// carry their key in v, SM3 hashes, SM2 seals, and headers that name their suite.
@Suite struct SMChainTests {
    static let suite = CryptoSuite.sm
    static let key = try! PrivateKey(SM3.hash(Array("sm chain test key".utf8)).bytes)
    static let contract = try! Address(hex: "0x6d6b4d3c0ba5b9d5e0e1c4f0c4f2c0a1b2c3d4e5")

    static func content(randomID: UInt64 = 7) -> UnsignedTransaction {
        .fisco(FiscoFields(randomID: UInt256(randomID), blockLimit: 1000, groupID: 1), chainID: 1,
               gasPrice: UInt256(30_000_000), gasLimit: 30_000_000, to: contract, data: [0x29, 0x9f, 0x7f, 0x9d])
    }

    static let smRules = TransactionRules(chainID: 1, groupID: 1, suite: .sm)

    /// FISCO's python-sdk in 国密 mode (`crypto_type = "GM"`), its `bin/accounts/gm_account.json`
    /// signing `content()` with `SignTx` (docs/benchmarks-history.md, "国密"): SM2 signs with a
    /// random nonce, so this is a vector to verify, not one to reproduce.
    static let sdkRaw = "0xf8b0078401c9c3808401c9c3808203e8946d6b4d3c0ba5b9d5e0e1c4f0c4f2c0a1b2c3d4e58084299f7f9d010180b84056639882def85430d0247a2c103b5c6486a971f1891808ec309bf9a1e9ea2526567782eb15a30a4563926753bd19f5588e6bfb1c4a30d38a794641870fd65f09a0b0f80804fead73fd79753d9d4321be3751fd04e8d737d1eb41d83ac8388ddb9aa024786bf81bdfce4e8e8575d2fa55156e22e0b8b6abb75dd3417092bd8decba16"
    static let sdkHash = try! Hash(hex: "0xda9908379bc13d1bc58c061d9079a224e58addef74951417795273da9c847e9e")
    static let sdkAddress = try! Address(hex: "0x7fe7097870bb7C63b3718096dd7EB08ADC85b57F", checksumHashes: [SM3.hash])

    @Test func acceptsWhatTheSDKSigned() throws {
        let tx = try Transaction.decode(hex: Self.sdkRaw)
        #expect(tx.suite == .sm && tx.hash == Self.sdkHash)
        #expect(tx.content == Self.content())
        #expect(try tx.recoverSender() == Self.sdkAddress)
        try tx.validate(Self.smRules)
        #expect(Transaction(tx.content, signature: tx.signature).encoded == tx.encoded)
    }

    @Test func signsHashesAndRecoversAsFISCOsSDKDoes() throws {
        let tx = Self.content().signed(with: Self.key, suite: .sm)
        let publicKey = Self.suite.nodeID(of: Self.key)
        #expect(tx.suite == .sm && tx.signature.signerKey == publicKey)
        // The hash is SM3 of the raw transaction; the sender the last 20 bytes of SM3(public key).
        #expect(tx.hash == SM3.hash(tx.encoded))
        #expect(try tx.recoverSender() == Address(lastBytesOf: SM3.hash(publicKey.bytes)))
        // The signature is SM2's over e = SM3(Z ‖ SM3(rlp of the ten fields)), with FISCO's user ID.
        let signature = tx.signature.r.bigEndianBytes + tx.signature.s.bigEndianBytes
        #expect(SM2.verify(message: tx.content.signingHash(.sm).bytes, signature: signature, publicKey: publicKey.bytes))
        let decoded = try Transaction.decode(tx.encoded)
        #expect(decoded == tx && decoded.signature == tx.signature)
        try decoded.validate(Self.smRules)
    }

    /// v holds the key as an integer: a key that begins with a zero byte arrives as 63 bytes.
    @Test func shortKeysAreLeftPadded() throws {
        var seed = 0
        var key = Self.key
        while Self.suite.nodeID(of: key).bytes[0] != 0 {
            seed += 1
            key = try PrivateKey(SM3.hash(Array("short key \(seed)".utf8)).bytes)
        }
        let tx = Self.content().signed(with: key, suite: .sm)
        guard case .list(let fields) = try RLPValue.decode(tx.encoded), case .bytes(let v) = fields[10] else {
            Issue.record("not a FISCO transaction"); return
        }
        #expect(v.count < 64 && v.first != 0)
        let decoded = try Transaction.decode(tx.encoded)
        #expect(decoded.signature.signerKey == Self.suite.nodeID(of: key))
        #expect(try decoded.recoverSender() == Self.suite.address(of: key))
    }

    @Test func refusesTheOtherSuitesTransactions() throws {
        let ethereum = UnsignedTransaction(type: .dynamicFee, chainID: 1, nonce: 0, gasLimit: 21_000, to: Self.contract)
            .signed(with: Self.key)
        #expect(throws: TransactionError.wrongSuite(chain: .sm)) { try ethereum.validate(Self.smRules) }
        let secpFisco = Self.content().signed(with: Self.key)
        #expect(throws: TransactionError.wrongSuite(chain: .sm)) { try secpFisco.validate(Self.smRules) }
        let gm = Self.content().signed(with: Self.key, suite: .sm)
        #expect(throws: TransactionError.wrongSuite(chain: .secp256k1)) { try gm.validate(TransactionRules(chainID: 1)) }
        #expect(TransactionError.wrongSuite(chain: .sm).description.contains("国密"))
    }

    @Test func aTamperedSignatureOrKeyRecoversNoSender() throws {
        let tx = Self.content().signed(with: Self.key, suite: .sm)
        var signature = tx.signature
        signature.s = signature.s &+ .one
        #expect(throws: TransactionError.self) { try Transaction(tx.content, signature: signature).recoverSender() }
        var otherKey = tx.signature
        otherKey.signerKey = Self.suite.nodeID(of: try PrivateKey(SM3.hash([1]).bytes))
        #expect(throws: TransactionError.self) { try Transaction(tx.content, signature: otherKey).recoverSender() }
        // Too wide a key, or v with a leading zero, does not decode.
        guard case .list(var fields) = try RLPValue.decode(tx.encoded) else { Issue.record("not a list"); return }
        fields[10] = .bytes([1] + [UInt8](repeating: 7, count: 64))
        #expect(throws: TransactionError.badSM2Key(length: 65)) { try Transaction.decode(RLPValue.list(fields).encoded) }
        fields[10] = .bytes([0] + [UInt8](repeating: 7, count: 63))
        #expect(throws: TransactionError.self) { try Transaction.decode(RLPValue.list(fields).encoded) }
    }

    /// Batches on all cores through the cache of prepared keys give the answers one-by-one
    /// verification gives, for repeated senders (cache hits), tampered signatures and keys off the curve.
    @Test func batchVerificationMatchesOneByOne() throws {
        let keys = (0..<5).map { try! PrivateKey(SM3.hash([UInt8($0), 9]).bytes) }
        var transactions = (0..<60).map { Self.content(randomID: UInt64($0)).signed(with: keys[$0 % 5], suite: .sm) }
        var tampered = transactions[7].signature
        tampered.s = tampered.s &+ .one
        transactions[7] = Transaction(transactions[7].content, signature: tampered)
        var offCurve = transactions[8].signature
        offCurve.signerKey = try NodeID([UInt8](repeating: 1, count: 64))
        transactions[8] = Transaction(transactions[8].content, signature: offCurve)
        transactions.append(Self.content().signed(with: keys[0]))  // secp256k1 on a 国密 chain
        let verifier = SignatureVerifier(threads: 3, suite: .sm)
        for _ in 0..<2 {
            let batch = verifier.recoverSenders(transactions)
            // The last one recovers alone (its own suite), but not on a 国密 chain's verifier.
            for (tx, result) in zip(transactions.dropLast(), batch) {
                let one = Result { () throws(TransactionError) in try tx.recoverSender() }
                #expect((try? result.get().sender) == (try? one.get()))
            }
            #expect((try? batch.last!.get()) == nil)
            #expect(batch.filter { (try? $0.get()) == nil }.count == 3)
            #expect(try batch[0].get().sender == Self.suite.address(of: keys[0]))
        }
    }

    @Test func headersNameTheirSuiteAndHashByIt() throws {
        var header = BlockHeader(parentHash: .zero, number: 1, timestamp: 2, sealer: .zero, transactionsRoot: .zero,
                                 receiptsRoot: .zero, stateRoot: .zero, gasUsed: 0, gasLimit: 1)
        let secpHash = header.hash
        header.suite = .sm
        #expect(header.hash != secpHash)
        let decoded = try BlockHeader.decode(header.encoded)
        #expect(decoded.suite == .sm && decoded.hash == header.hash)
        header.suite = .secp256k1
        #expect(try BlockHeader.decode(header.encoded).hash == secpHash)
        // The default suite is never named, so that each header has one encoding.
        guard case .list(var fields) = try RLPValue.decode(header.encoded) else { Issue.record("not a list"); return }
        fields.insert(.bytes(Array("secp256k1".utf8)), at: 10)
        #expect(throws: (any Error).self) { try BlockHeader.decode(RLPValue.list(fields).encoded) }
    }

    @Test func sealsAreSM2() throws {
        let keys = (0..<4).map { try! PrivateKey(SM3.hash([UInt8($0)]).bytes) }
        let chain = ChainConfig(chainID: 1, suite: .sm, validators: keys.map { Self.suite.nodeID(of: $0) })
        let validators = ValidatorSet(chain.validators)
        var header = BlockHeader(parentHash: .zero, number: 1, timestamp: 2, sealer: .zero, transactionsRoot: .zero,
                                 receiptsRoot: .zero, stateRoot: .zero, gasUsed: 0, gasLimit: 1, suite: .sm)
        header.seal = BlockSeal(signatures: (0..<3).map { chain.sealSignature(for: header, validatorIndex: $0, key: keys[$0]) })
        try chain.verifySeal(of: try BlockHeader.decode(header.encoded), validators: validators)
        // Validator 3's signature claimed as validator 2's is refused.
        header.seal.signatures[2] = chain.sealSignature(for: header, validatorIndex: 3, key: keys[3])
        header.seal.signatures[2].validatorIndex = 2
        #expect(throws: SealError.wrongSigner(index: 2)) { try chain.verifySeal(of: header, validators: validators) }
    }

    @Test func rootsAreSM3s() {
        let hashes = [SM3.hash([1]), SM3.hash([2]), SM3.hash([3])]
        let leaf = { (h: Hash) in SM3.hash([0] + h.bytes) }
        let expected = SM3.hash([1] + SM3.hash([1] + leaf(hashes[0]).bytes + leaf(hashes[1]).bytes).bytes + leaf(hashes[2]).bytes)
        #expect(merkleRoot(hashes, hashEach: CryptoSuite.sm.hashEach) == expected)
        let changes = StateChanges([.balance(Self.contract): .one], suite: .sm)
        #expect(changes.stateRoot(after: .zero) == SM3.hash([UInt8](repeating: 0, count: 32) + changes.digest.bytes))
        #expect(changes.digest != StateChanges([.balance(Self.contract): .one]).digest)
    }
}

/// The native contracts answer a 国密 chain's SM3 selectors: every function is in the table,
/// and no SM3 selector of one is another's Keccak selector.
@Suite struct NativeSelectorTests {
    @Test func everySelectorInTheSourcesIsInTheTable() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let pattern = /selector\("([^"]+)"\)/
        var found = Set<String>()
        for case let file as URL in files where file.pathExtension == "swift" {
            for match in try String(contentsOf: file, encoding: .utf8).matches(of: pattern) { found.insert(String(match.1)) }
        }
        #expect(found.count > 60)
        #expect(found.subtracting(NativeSelectors.signatures).isEmpty, "missing from NativeSelectors: \(found.subtracting(NativeSelectors.signatures))")
    }

    @Test func translatesOnlyOnASMChainAndOnlyNativeFunctions() {
        let keccak = ContractCalldata.selector("setValueByKey(string,string)")
        let sm3 = SM3.hash(Array("setValueByKey(string,string)".utf8)).bytes
        let call = sm3.prefix(4) + [1, 2, 3]
        #expect(NativeSelectors.calldata(Array(call), suite: .sm) == withUnsafeBytes(of: keccak.bigEndian, Array.init) + [1, 2, 3])
        #expect(NativeSelectors.calldata(Array(call), suite: .secp256k1) == Array(call))
        let ethereum = withUnsafeBytes(of: keccak.bigEndian, Array.init) + [9]
        #expect(NativeSelectors.calldata(ethereum, suite: .sm) == ethereum)
        #expect(NativeSelectors.calldata([0xde, 0xad, 0xbe, 0xef], suite: .sm) == [0xde, 0xad, 0xbe, 0xef])
        let keccakSelectors = Set(NativeSelectors.signatures.map(ContractCalldata.selector))
        let sm3Selectors = NativeSelectors.signatures.map { sig in SM3.hash(Array(sig.utf8)).withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self)) } }
        #expect(Set(sm3Selectors).count == NativeSelectors.signatures.count && keccakSelectors.isDisjoint(with: sm3Selectors))
    }
}
