import Foundation
import StrandTestSupport
import StrandCrypto
import StrandPrimitives
import StrandStorage
import StrandTypes
import Testing

@Suite struct EncodingTests {
    @Test func headerReceiptAndChangesRoundTrip() throws {
        var synthetic = SyntheticBlocks(seed: 3)
        let next = synthetic.block(number: 5, parentHash: Keccak256.hash([1]), parentStateRoot: .zero,
                                   transactionCount: 4, stateKeys: 30, churn: false)
        var header = next.block.header
        header.extraData = [1, 2, 3]
        let key = PrivateKey.random()
        header.seal = BlockSeal(view: 7, signatures: [BlockSeal.Signature(validatorIndex: 2, signature: key.sign(messageHash: header.hash))])
        let decoded = try BlockHeader.decode(header.encoded)
        #expect(decoded == header)
        // The signatures sign the hash, so they are not part of it.
        var unsigned = header
        unsigned.seal = BlockSeal()
        #expect(unsigned.hash == header.hash)

        let log = Log(address: key.address, topics: [Keccak256.hash([9])], data: [0xde, 0xad])
        var receipt = next.receipts[0]
        receipt.logs = [log]
        receipt.status = .failure
        receipt.output = [0x08, 0xc3]
        receipt.contractAddress = key.address
        #expect(try Receipt.decode(receipt.encoded) == receipt)
        #expect(try Receipt.decodeList(Receipt.encodeList(next.receipts + [receipt])) == next.receipts + [receipt])

        #expect(try StateChanges.decode(next.changes.encoded, suite: .secp256k1) == next.changes)
        #expect(try Block.decodeBody(next.block.encodedBody) == next.block.transactions)
        #expect(next.changes.entries.map(\.key) == next.changes.entries.map(\.key).sorted())
    }

    @Test func chunkedChangesAreTheSameOnAnyNumberOfThreads() throws {
        var synthetic = SyntheticBlocks(seed: 5)
        for count in [0, 1, 1023, 1024, 1025, 3000, 9 * 1024 + 5] {
            let serial = synthetic.stateChanges(count, churn: false)
            let parallel = StateChanges(sortedEntries: serial.entries, suite: .secp256k1, workers: WorkerThreads(parallelism: 3))
            #expect(parallel.encoded == serial.encoded && parallel.digest == serial.digest, "\(count) entries")
            // The digest by its definition, each item hashed on its own (the builder hashes chunks
            // eight at a time).
            let definition = try serial.encoded.withUnsafeBytes { bytes in
                var outer = RLPReader(bytes)
                var items = RLPReader(try outer.readItem().payload)
                var hashes: [UInt8] = []
                while !items.isAtEnd { hashes += Keccak256.hash(try items.readItem().encoding).bytes }
                return Keccak256.hash(hashes)
            }
            #expect(serial.digest == definition, "\(count) entries")
            let decoded = try StateChanges.decode(serial.encoded, suite: .secp256k1)
            #expect(decoded == serial && decoded.digest == serial.digest)
        }
        // A change log whose first chunk is short is not canonical.
        let short = synthetic.stateChanges(1500, churn: false)
        var encoder = RLPEncoder()
        encoder.appendList { outer in
            for part in [short.entries.prefix(500), short.entries.dropFirst(500)] {
                outer.appendList { list in
                    for entry in part { list.appendList { $0.append(bytes: entry.key.encoded); $0.append(entry.value) } }
                }
            }
            outer.appendList { _ in }
        }
        #expect(throws: BlockDecodingError.self) { try StateChanges.decode(encoder.bytes, suite: .secp256k1) }
    }

    @Test func stateKeyEncodingOrdersLikeKeys() {
        var generator = SeededGenerator(seed: 11)
        let keys = (0..<200).map { i -> StateKey in
            let address = Address(generator.bytes(20))!
            switch i % 4 {
            case 0: return .nonce(address)
            case 1: return .balance(address)
            case 2: return .codeHash(address)
            default: return .storage(address, Hash(generator.bytes(32))!)
            }
        }
        for key in keys {
            #expect(key.withEncodedBytes { StateKey(encoded: $0) } == key)
        }
        let byKey = keys.sorted()
        let byBytes = keys.sorted { $0.encoded.lexicographicallyPrecedes($1.encoded) }
        #expect(byKey == byBytes)
    }

    @Test func rejectsMalformedStoredData() {
        #expect(throws: BlockDecodingError.self) { try BlockHeader.decode([0xc0]) }
        #expect(throws: BlockDecodingError.self) { try Receipt.decode([0xc1, 0x02]) }
        // Keys out of order.
        let a = StateKey.balance(Address(lastBytesOf: Keccak256.hash([1])))
        let b = StateKey.balance(Address(lastBytesOf: Keccak256.hash([2])))
        var encoder = RLPEncoder()
        encoder.appendList { outer in
            outer.appendList { list in
                for key in [max(a, b), min(a, b)] {
                    list.appendList { pair in pair.append(bytes: key.encoded); pair.append(UInt64(1)) }
                }
            }
            outer.appendList { _ in }
        }
        #expect(throws: BlockDecodingError.self) { try StateChanges.decode(encoder.bytes, suite: .secp256k1) }
    }
}

@Suite struct LedgerTests {
    @Test func genesisStateAndHead() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger!
        #expect(ledger.head.number == 0)
        #expect(ledger.chainID == SyntheticBlocks.chainID)
        #expect(ledger.config == fixture.synthetic.genesis.config)
        #expect(ledger.config.validators == [NodeID(fixture.synthetic.senders[0].publicKey)])
        #expect(ledger.head.stateRoot == fixture.synthetic.genesis.stateChanges.stateRoot(after: .zero))
        for key in fixture.synthetic.senders {
            #expect(try ledger.value(of: .balance(key.address)) == UInt256.one << 100)
            #expect(try ledger.value(of: .nonce(key.address)) == .zero)
        }
        _ = try ledger.verify()
    }

    @Test func lookupsByNumberAndHash() throws {
        let fixture = try LedgerFixture()
        var committed: [(block: Block, receipts: [Receipt], changes: StateChanges)] = []
        for _ in 0..<5 { committed.append(try fixture.commitBlock(transactions: 4)) }
        let ledger = fixture.ledger!
        #expect(ledger.head.number == 5)
        #expect(ledger.head.transactionCount == 20)
        for (block, receipts, _) in committed {
            #expect(try ledger.block(number: block.number) == block)
            #expect(try ledger.block(hash: block.hash) == block)
            #expect(try ledger.header(hash: block.hash) == block.header)
            #expect(try ledger.receipts(blockNumber: block.number) == receipts)
            for (index, tx) in block.transactions.enumerated() {
                let found = try #require(try ledger.transaction(hash: tx.hash))
                #expect(found.0 == tx)
                #expect(found.1.blockNumber == block.number && found.1.index == UInt32(index))
                #expect(try ledger.receipt(transactionHash: tx.hash) == receipts[index])
            }
        }
        #expect(try ledger.block(number: 6) == nil)
        #expect(try ledger.header(hash: Keccak256.hash([42])) == nil)
        #expect(try ledger.transaction(hash: Keccak256.hash([42])) == nil)
        let verification = try ledger.verify()
        #expect(verification.blocks == 6 && verification.transactions == 20)
    }

    @Test func zeroDeletesAndStateFollowsChanges() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger!
        let address = Address(lastBytesOf: Keccak256.hash([7]))
        let slot = Keccak256.hash([8])
        func commit(_ writes: [StateKey: UInt256]) throws {
            let head = ledger.head
            var block = Block.assemble(number: head.number + 1, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                       timestamp: 1, sealer: address, gasLimit: 1, transactions: [], receipts: [],
                                       changes: StateChanges(writes), suite: .secp256k1)
            fixture.synthetic.seal(&block)
            try ledger.commit(block, receipts: [], changes: StateChanges(writes))
        }
        let before = try ledger.snapshot().stateEntryCount
        try commit([.storage(address, slot): UInt256(5), .balance(address): UInt256(9), .nonce(address): UInt256(1)])
        #expect(try ledger.value(of: .storage(address, slot)) == UInt256(5))
        #expect(try ledger.snapshot().stateEntryCount == before + 3)
        // A slot set to zero and an emptied account are deleted, not stored as zero.
        try commit([.storage(address, slot): .zero, .balance(address): .zero, .nonce(address): .zero])
        #expect(try ledger.value(of: .storage(address, slot)) == .zero)
        #expect(try ledger.snapshot().stateEntryCount == before)
        // Deleting what is absent is harmless.
        try commit([.storage(address, Keccak256.hash([99])): .zero])
        _ = try ledger.verify()
    }

    @Test func snapshotsAreIsolatedFromLaterCommits() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger!
        let first = try fixture.commitBlock(churn: false)
        let snapshot = try ledger.snapshot()
        let key = first.changes.entries[0].key
        let valueThen = snapshot.value(of: key)
        // Overwrite the key and add blocks while the snapshot is held.
        for _ in 0..<3 {
            let head = ledger.head
            let changes = StateChanges([key: UInt256(head.number + 100)])
            let block = Block.assemble(number: head.number + 1, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                       timestamp: 2, sealer: .zero, gasLimit: 1, transactions: [], receipts: [], changes: changes, suite: .secp256k1)
            try ledger.commit(block, receipts: [], changes: changes)
        }
        #expect(snapshot.head.number == 1)
        #expect(snapshot.value(of: key) == valueThen)
        #expect(try snapshot.block(number: 2) == nil)
        #expect(try ledger.value(of: key) == UInt256(103))
    }

    @Test func concurrentReadersWhileCommitting() async throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger!
        let writer = Task.detached {
            for _ in 0..<30 { try fixture.commitBlock(transactions: 2, keys: 50) }
        }
        // Readers check that whatever they see is a whole block: its header, body, receipts and change log.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<50 {
                        let snapshot = try ledger.snapshot()
                        let head = snapshot.head
                        let block = try #require(try snapshot.block(number: head.number))
                        #expect(block.hash == head.hash)
                        #expect(try snapshot.receipts(blockNumber: head.number)?.count == block.transactions.count)
                        #expect(try snapshot.stateChanges(blockNumber: head.number)?.stateRoot(after: try #require(
                            try snapshot.header(number: head.number == 0 ? 0 : head.number - 1)).stateRoot) == head.stateRoot
                            || head.number == 0)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await writer.value
        #expect(ledger.head.number == 30)
        _ = try ledger.verify()
    }

    @Test func refusesBlocksThatDoNotFit() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger!
        let head = ledger.head
        var synthetic = fixture.synthetic
        let next = synthetic.block(number: 1, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                   transactionCount: 2, stateKeys: 5, churn: false)
        let skip = synthetic.block(number: 2, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                   transactionCount: 0, stateKeys: 1, churn: false)
        #expect(throws: LedgerError.notNextBlock(expected: 1, got: 2)) {
            try ledger.commit(skip.block, receipts: skip.receipts, changes: skip.changes)
        }
        var orphan = next.block
        orphan.header.parentHash = Keccak256.hash([1])
        #expect(throws: LedgerError.wrongParent(expected: head.hash, got: orphan.header.parentHash)) {
            try ledger.commit(orphan, receipts: next.receipts, changes: next.changes)
        }
        #expect(throws: LedgerError.receiptCountMismatch(transactions: 2, receipts: 1)) {
            try ledger.commit(next.block, receipts: [next.receipts[0]], changes: next.changes)
        }
        #expect(throws: LedgerError.self) {
            try ledger.commit(next.block, receipts: next.receipts, changes: StateChanges([:]))
        }
        var badReceipts = next.receipts
        badReceipts[1].gasUsed += 1
        #expect(throws: LedgerError.self) { try ledger.commit(next.block, receipts: badReceipts, changes: next.changes) }
        #expect(ledger.head == head)
        try ledger.commit(next.block, receipts: next.receipts, changes: next.changes)
        #expect(ledger.head.number == 1)
    }

    @Test func reopenResumesAndChecksGenesis() throws {
        let fixture = try LedgerFixture()
        for _ in 0..<4 { try fixture.commitBlock() }
        let head = fixture.ledger.head
        try fixture.reopen()
        #expect(fixture.ledger.head == head)
        try fixture.reopen(genesis: fixture.synthetic.genesis)
        #expect(fixture.ledger.head == head)
        try fixture.commitBlock()
        #expect(fixture.ledger.head.number == 5)

        var other = fixture.synthetic.genesis
        other.config.chainID += 1
        #expect(throws: LedgerError.genesisMismatch(stored: fixture.ledger.genesisHash, given: other.block.hash)) {
            try fixture.reopen(genesis: other)
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("strand-empty-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: LedgerError.noChain(directory: empty)) { try Ledger(directory: empty) }
    }

    @Test func fullMapIsAClearErrorAndWritesNothing() throws {
        let fixture = try LedgerFixture(options: LMDBOptions(mapSize: 1 << 20))
        var sawFull = false
        for _ in 0..<50 {
            let head = fixture.ledger.head
            do {
                try fixture.commitBlock(transactions: 2, keys: 2_000, churn: false)
            } catch let error as LedgerError {
                #expect(error == .mapFull(mapSize: 1 << 20))
                #expect(fixture.ledger.head == head)
                sawFull = true
                break
            }
        }
        #expect(sawFull)
        _ = try fixture.ledger.verify()
        // Reopened with room, the same ledger goes on.
        try fixture.reopen(options: LMDBOptions(mapSize: 1 << 28))
        try fixture.commitBlock(transactions: 2, keys: 2_000, churn: false)
        _ = try fixture.ledger.verify()
    }

    @Test func genesisFileParsing() throws {
        let validator = NodeID(PrivateKey.random().publicKey)
        let json = """
            {"config": {"chainId": 7, "blockGasLimit": "0x1000", "validators": ["\(validator)"], "groupId": 3},
             "accounts": {"0x00000000000000000000000000000000000000aa":
                 {"balance": "1000", "nonce": 2, "code": "0x6000", "storage": {"0x01": "0x2a"}}}}
            """
        let genesis = try Genesis(json: Data(json.utf8))
        let address = try Address(hex: "0x00000000000000000000000000000000000000aa")
        #expect(genesis.config == ChainConfig(chainID: 7, validators: [validator], blockGasLimit: 4096, groupID: 3))
        #expect(genesis.accounts[address] == Genesis.Account(balance: UInt256(1000), nonce: 2, code: [0x60, 0x00],
                                                             storage: [Hash(UInt256(1)): UInt256(42)]))
        let changes = genesis.stateChanges
        #expect(changes.entries.count == 4)
        #expect(changes.code[Keccak256.hash([0x60, 0x00])] == [0x60, 0x00])
        // What `json` writes reads back the same.
        #expect(try Genesis(json: genesis.json) == genesis)
        #expect(try ChainConfig.decode(genesis.config.encoded) == genesis.config)
        let id = "\"\(validator)\""
        for bad in [#"{"config": {"validators": []}}"#, #"{"config": {"chainId": 1, "validators": []}}"#,
                    #"{"config": {"chainId": 1, "validators": ["0x12"]}}"#,
                    #"{"config": {"chainId": 1, "validators": [\#(id), \#(id)]}}"#,
                    #"{"config": {"chainId": 1, "validators": [\#(id)], "cryptoSuite": "rot13"}}"#,
                    #"{"config": {"chainId": 1, "validators": [\#(id)]}, "extra": 1}"#,
                    #"{"chainId": 1, "sealers": ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"]}"#, "[]"] {
            #expect(throws: GenesisError.self) { try Genesis(json: Data(bad.utf8)) }
        }
    }

    @Test func secondOpenerOfADataDirectoryIsRefusedWithTheHolder() throws {
        let fixture = try LedgerFixture()
        #expect(throws: LedgerError.locked(directory: fixture.directory, holderPID: getpid())) {
            try Ledger(directory: fixture.directory)
        }
        // Released with the ledger, the directory opens again.
        try fixture.reopen()
        #expect(fixture.ledger.head.number == 0)
    }
}

extension LedgerTests {
    @Test func servedBlocksAreTheStoredOnesBitForBit() throws {
        let fixture = try LedgerFixture()
        let committed = try fixture.commitBlock(transactions: 5, keys: 10, churn: false)
        let snapshot = try fixture.ledger.snapshot()
        let served = try #require(try snapshot.networkEncodedBlock(number: 1))
        #expect(served == committed.block.networkEncoding)
        #expect(try Block(networkEncoding: served) == committed.block)
        #expect(try snapshot.networkEncodedBlock(number: 2) == nil)
    }
}
