import Foundation
import Logging
@testable import StrandChain
@testable import StrandNode
import StrandConsensus
import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandStorage
import StrandTestSupport
import StrandTxPool
import StrandTypes

/// One node's block machinery on a ledger in a fresh temporary directory, with no sockets
/// and a manual clock: builder, importer, committer and solo driver, wired as `Node` wires them.
final class NodeHarness {
    static let chainID: UInt64 = 20200
    /// The validator of every harness chain, and funded accounts: the same on every harness,
    /// so that two harnesses hold the same chain.
    static let validatorKey = try! PrivateKey(Keccak256.hash(Array("harness validator".utf8)).bytes)
    static let accounts = (0..<4).map { try! PrivateKey(Keccak256.hash(Array("harness account \($0)".utf8)).bytes) }
    static let genesis = Genesis(
        config: ChainConfig(chainID: chainID, validators: [NodeID(validatorKey.publicKey)]), timestamp: 1_700_000_000_000,
        accounts: Dictionary(uniqueKeysWithValues: accounts.map { ($0.address, Genesis.Account(balance: UInt256(1) << 80)) }),
        governors: [accounts[0].address])

    let directory: String
    let clock = ManualClock()
    let ledger: Ledger
    let pool: TransactionPool
    let metrics = NodeMetrics()
    let recent: RecentBlocks
    let builder: BlockBuilder
    let importer: BlockImporter
    let committer: BlockCommitter
    let appender: ChainAppender
    let driver: SoloDriver
    private var nonces = [UInt64](repeating: 0, count: NodeHarness.accounts.count)

    init(pipelining: Bool = false, policy: SealingPolicy = SealingPolicy(),
         commit: BlockCommitter.Commit? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-node-\(UUID().uuidString)").path
        ledger = try Ledger(directory: directory, options: LMDBOptions(mapSize: 1 << 28), genesis: Self.genesis)
        let chain = ledger.config
        let verifier = SignatureVerifier(threads: 2, suite: chain.suite)
        pool = TransactionPool(config: TxPoolConfig(chainID: chain.chainID, blockGasLimit: chain.blockGasLimit), verifier: verifier)
        recent = RecentBlocks(verifier: verifier)
        var logger = Logger(label: "harness")
        logger.logLevel = .warning
        let executor = ParallelExecutor(threads: 2)
        builder = BlockBuilder(chain: chain, pool: pool, executor: executor, proposer: Self.validatorKey.address,
                               maxTransactions: policy.maxBlockTransactions, feesEnabled: false, observer: metrics)
        importer = BlockImporter(chain: chain, rules: pool.config.rules, verifier: verifier, executor: executor,
                                 feesEnabled: false, clock: clock, pool: pool, replay: pool.replay)
        committer = BlockCommitter(ledger: ledger, pool: pool, recent: recent, observer: metrics, pipelining: pipelining,
                                   logger: logger, retryBackoff: (.milliseconds(1), .milliseconds(4)), commit: commit)
        appender = ChainAppender(committer: committer)
        driver = try SoloDriver(policy: policy, builder: builder, appender: appender, key: Self.validatorKey, clock: clock, logger: logger)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Signed transfers of 1 wei from the harness accounts, round-robin, with the next nonces.
    func transfers(_ count: Int) -> [[UInt8]] {
        (0..<count).map { i in
            let sender = i % Self.accounts.count
            defer { nonces[sender] += 1 }
            return UnsignedTransaction(
                type: .dynamicFee, chainID: Self.chainID, nonce: nonces[sender], gasLimit: 21_000,
                to: Self.accounts[(sender + 1) % Self.accounts.count].address, value: UInt256(1)
            ).signed(with: Self.accounts[sender]).encoded
        }
    }

    /// A call from harness account `sender` with its next nonce, signed and encoded.
    func call(from sender: Int, to: Address, data: [UInt8], gasLimit: UInt64 = 100_000) -> [UInt8] {
        defer { nonces[sender] += 1 }
        return UnsignedTransaction(type: .dynamicFee, chainID: Self.chainID, nonce: nonces[sender], gasLimit: gasLimit, to: to, data: data)
            .signed(with: Self.accounts[sender]).encoded
    }

    /// Admits `count` transfers into the pool; every one must be accepted.
    func admitTransfers(_ count: Int) throws {
        let snapshot = try ledger.snapshot()
        for result in pool.admit(transfers(count), accounts: snapshot) { _ = try result.get() }
    }

    /// Imports someone else's sealed block through the path sync takes, and waits for its commit.
    func appendSealed(_ block: Block) throws {
        try appender.extend { (tip: ChainTip) throws(BlockImportError) -> ExecutedBlock? in try importer.importSealed(block, on: tip) }
        committer.drain()
    }

    /// Builds, seals and commits one block from the pool; returns it.
    @discardableResult
    func sealBlock() throws -> Block {
        guard try driver.sealBlock() else { throw HarnessFailure("nothing to seal") }
        committer.drain()
        return try ledger.block(number: ledger.head.number)!
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
