import ArgumentParser
import CJemalloc
import Foundation
import Histogram
import StrandCrypto
import StrandWorkloads
import StrandPrimitives
import StrandTypes
import Synchronization

@main
struct LoadGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strand-loadgen",
        abstract: "Load a Strand chain over JSON-RPC and report TPS, latency and correctness.",
        discussion: """
            Workloads: transfer (value transfers among the generated accounts), dag-transfer \
            (ParallelTransfer: userAdd for every user, then userTransfer from users[i % n] to \
            users[(i + n/2) % n], amount 1–100, as FISCO's perf tool does), hotspot (the same, but \
            a fraction --conflict of the transfers come from one hot user, so they conflict).

            With --format fisco every transaction is FISCO BCOS 2.x's (random id, block limit = \
            head + 500, 30,000,000 gas as FISCO's SDKs send): no nonce orders them, so --accounts 1 \
            loads the chain from one institution's account.

            Setup is untimed: accounts are created and funded from --keys (the accounts.json of \
            `strand chain init --accounts`), users added, and every transaction signed on all \
            cores. Then the transactions are sent in JSON-RPC batches over --connections keep-alive \
            connections, new blocks are followed to time each commit, and at the end every \
            accepted transaction must have a receipt and the balances must add up \
            (verify_success / verify_failed; exit code 1 on failure).
            """
    )

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case transfer
        case dagTransfer = "dag-transfer"
        case hotspot
        case erc20
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ethereum
        case fisco
    }

    @Option(name: .customLong("format"), help: """
        Transaction format: ethereum (EIP-1559, nonces) or fisco (FISCO BCOS 2.x: random id and block limit, no nonce; \
        one account may send them all). Default: ethereum, fisco with --crypto sm.
        """)
    var requestedFormat: Format?

    @Option(name: .customLong("crypto"), help: """
        The chain's crypto suite: secp256k1, or sm for a 国密 chain (`chain init --crypto sm`): accounts are SM2 keys \
        and every transaction FISCO's format signed with SM2, as FISCO's 国密 SDKs send them.
        """)
    var crypto: CryptoSuite = .secp256k1

    var format: Format { requestedFormat ?? (crypto == .sm ? .fisco : .ethereum) }

    @Option(name: .customLong("group-id"), help: "FISCO group id, for --format fisco.")
    var groupID: UInt64 = 1

    @Option(name: .customLong("rpc"), help: "Node JSON-RPC URL (repeatable; connections are spread over them).")
    var rpcURLs: [String] = ["http://127.0.0.1:8545"]

    @Option(help: "accounts.json with funded development keys (needed by transfer).")
    var keys: String?

    @Option(help: "transfer, dag-transfer, hotspot or erc20.")
    var workload: Workload = .dagTransfer

    @Option(help: "Transactions to send in the timed phase.")
    var txs: Int = 20_000

    @Option(help: "Sending accounts (default: enough for at most 32 transactions each).")
    var accounts: Int?

    @Option(help: "ParallelTransfer users for dag-transfer and hotspot.")
    var users: Int = 10_000

    @Option(help: "hotspot: fraction of transfers from the hot user, 0–1.")
    var conflict: Double = 0.1

    @Option(help: "erc20: the contract artifact (Hardhat JSON) to deploy.")
    var erc20: String = ERC20Artifact.defaultPath

    @Option(help: "Target submission rate, transactions per second (0 = as fast as possible).")
    var qps: Int = 0

    // The defaults are the shape that loads a node best, as scripts/bench.sh measures it
    // (BENCHMARKS.md: two connections of 1,000-transaction batches on 2 cores).
    @Option(help: "Transactions per JSON-RPC batch.")
    var batch: Int = 1_000

    @Option(help: "Concurrent connections.")
    var connections: Int = 2

    @Option(help: "Stop sending after this many seconds (0 = send everything).")
    var duration: Double = 0

    @Option(help: "Seconds to wait for commits after sending.")
    var timeout: Double = 60

    @Flag(help: "Print one JSON object at the end instead of the report.")
    var json = false

    @Option(help: "Also draw the run into FILE (.svg, or .html holding the SVG): committed TPS and latency percentiles per second, each node's height, the parameters and verdict.")
    var report: String?

    /// How far ahead of an account's nonce a node queues transactions (pool.max_nonce_gap's default).
    static let maxNonceGap = 64

    func validate() throws {
        guard txs >= 1, batch >= 1, connections >= 1, users >= 2, qps >= 0 else {
            throw ValidationError("--txs, --batch, --connections must be positive, --users at least 2, --qps not negative")
        }
        guard (0...1).contains(conflict) else { throw ValidationError("--conflict must be within 0…1") }
        if workload == .transfer && keys == nil { throw ValidationError("--keys is needed to fund the transfer accounts") }
        if let accounts, accounts < 1 { throw ValidationError("--accounts must be at least 1") }
        if crypto == .sm && requestedFormat == .ethereum {
            throw ValidationError("--crypto sm: a 国密 chain takes FISCO-format transactions only (--format fisco)")
        }
        if format == .ethereum, let accounts, (txs + accounts - 1) / accounts > Self.maxNonceGap {
            throw ValidationError("""
                --txs \(txs) from --accounts \(accounts) is \((txs + accounts - 1) / accounts) transactions per account, sent at once; \
                a node queues at most \(Self.maxNonceGap) ahead of an account's nonce: use --accounts \((txs + Self.maxNonceGap - 1) / Self.maxNonceGap) \
                or more, or --format fisco (no nonces)
                """)
        }
        if let report, !(report.hasSuffix(".svg") || report.hasSuffix(".html")) {
            throw ValidationError("--report must name an .svg or .html file")
        }
    }

    func run() throws {
        do {
            let passed = try LoadRun(options: self).execute()
            if !passed { throw ExitCode(1) }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

// `strand`'s commands conform it the same way; the load generator links none of them.
extension CryptoSuite: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}
