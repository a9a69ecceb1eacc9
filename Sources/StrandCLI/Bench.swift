import ArgumentParser
import Foundation
import StrandBench
import StrandExecution
import StrandPrimitives
import StrandWorkloads

#if canImport(Glibc)
import Glibc
#endif

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Strand against its C references, in the same run.",
        discussion: """
            Build with -c release first (scripts/bench.sh does). Each row shows Strand's \
            median time per operation, the reference's, and their ratio: these machines are \
            shared and noisy, so the ratio is the figure to compare across runs.
            """,
        subcommands: [FoundationBench.self, LedgerBench.self, ExecutorBench.self, EVMBench.self],
        defaultSubcommand: FoundationBench.self
    )
}

extension Bench {
    struct FoundationBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "foundation",
            abstract: "Keccak-256, transaction decoding, sender recovery (1 thread and batched)."
        )

        @Option(help: "Threads for batch recovery (default: all cores).")
        var threads: Int = WorkerThreads.availableCores

        @Option(name: .customLong("batch"), help: "Signatures per recovery batch.")
        var batchSize: Int = 4_096

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            guard batchSize >= 256 else { throw ValidationError("--batch must be at least 256") }
        }

        func run() throws {
            let suite = FoundationBenchmarks(threads: threads, batchSize: batchSize)
            let rows = suite.run { name in
                printToStandardError("measuring \(name)…")
            }
            printReport(rows, json: json)
        }
    }
}

extension Bench {
    struct LedgerBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger",
            abstract: "Per-block ledger commit against raw LMDB puts of the same entries from C, durable and no-sync.",
            discussion: """
                Each block carries KEYS random 53-byte storage keys with 32-byte values, plus \
                --transactions signed transfers with receipts and index entries; the reference \
                puts the same state entries in one transaction of a plain LMDB environment. \
                Reported per block (median); the ratio is raw time ÷ ledger time.
                """
        )

        @Option(name: .customLong("keys"), parsing: .upToNextOption, help: "State keys per block (one row each).")
        var blockSizes: [Int] = [10_000, 50_000]

        @Option(help: "Transactions per block.")
        var transactions: Int = 1_000

        @Option(help: "Timed blocks per row.")
        var blocks: Int = 7

        @Option(help: "Directory for the temporary databases (on the disk to measure).")
        var directory: String = FileManager.default.temporaryDirectory.path

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func validate() throws {
            guard blocks >= 1, transactions >= 0, blockSizes.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--blocks and --keys must be positive, --transactions not negative")
            }
        }

        func run() throws {
            try reportingErrors {
                let suite = LedgerBenchmarks(blockSizes: blockSizes, transactionsPerBlock: transactions, blocks: blocks,
                                             directory: directory)
                let rows = try suite.run { printToStandardError("measuring \($0)…") }
                printReport(rows, json: json)
            }
        }
    }
}

/// Prints benchmark rows as JSON or as a table with the machine's particulars.
func printReport(_ rows: [BenchmarkRow], json: Bool) {
    #if DEBUG
    printToStandardError("warning: this is a debug build; figures mean little (use swift build -c release)")
    #endif
    if json {
        print(BenchmarkRow.json(rows))
    } else {
        print(BenchmarkRow.table(rows))
        print("\ncores: \(WorkerThreads.availableCores), allocator: \(allocatorName)")
    }
}

extension Bench {
    struct ExecutorBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "executor",
            abstract: "Parallel block execution against the serial executor, in the same run.",
            discussion: """
                Blocks of ParallelTransfer userTransfer calls on in-memory state, each from its \
                own sender (or, with --workload one-account-fisco / one-account-eth, all from \
                one account); --conflicts sets the fraction that go through one hot user (1 = a \
                single chain). For each ratio and thread count, serial and parallel blocks are \
                interleaved and the medians compared; every parallel result is checked against \
                the serial one. Also prints heap allocations per transaction (jemalloc's count) \
                and live heap bytes across 100 consecutive blocks.
                """
        )

        @Option(help: "dag-transfer (ParallelTransfer, native, a sender each), one-account-fisco (the same, all from one account in FISCO BCOS 2.x's format), one-account-eth (all from one account in Ethereum's: one nonce chain), erc20 (ERC-20 transfers through the EVM) or erc20-create (1 % token deployments among them).")
        var workload: String = "dag-transfer"

        @Option(help: "The ERC-20 artifact, for --workload erc20.")
        var erc20: String = ERC20Artifact.defaultPath

        @Option(help: "Transactions per block.")
        var txs: Int = 10_000

        @Option(parsing: .upToNextOption, help: "Conflict ratios, 0 to 1.")
        var conflicts: [Double] = [0, 0.1, 0.5, 1]

        @Option(parsing: .upToNextOption, help: "Thread counts for the parallel executor.")
        var threads: [Int] = [1, 2]

        @Option(help: "Timed blocks per measurement.")
        var repetitions: Int = 9

        @Flag(help: "Print one JSON object per row instead of a table.")
        var json = false

        func validate() throws {
            guard txs >= 1, repetitions >= 1 else { throw ValidationError("--txs and --repetitions must be positive") }
            guard conflicts.allSatisfy({ (0...1).contains($0) }) else { throw ValidationError("--conflicts must be within 0…1") }
            guard threads.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--threads must be at least 1") }
            guard ["dag-transfer", "one-account-fisco", "one-account-eth", "erc20", "erc20-create"].contains(workload) else {
                throw ValidationError("--workload must be dag-transfer, one-account-fisco, one-account-eth, erc20 or erc20-create")
            }
        }

        func run() throws {
            try reportingErrors { try measure() }
        }

        private func measure() throws {
            #if DEBUG
            printToStandardError("warning: this is a debug build; figures mean little (use swift build -c release)")
            #endif
            let kind: ExecutorBenchmarks.Workload = switch workload {
            case "erc20": .erc20(try ERC20Artifact(path: erc20))
            case "erc20-create": .erc20WithCreations(try ERC20Artifact(path: erc20))
            case "one-account-fisco": .oneAccountFisco
            case "one-account-eth": .oneAccountEthereum
            default: .dagTransfer
            }
            let suite = ExecutorBenchmarks(workload: kind, transactions: txs, conflicts: conflicts, threadCounts: threads,
                                           repetitions: repetitions)
            let rows = suite.run { printToStandardError("measuring \($0)…") }
            if json {
                for row in rows { print(row.json) }
                return
            }
            print("conflict  threads  serial      parallel    speedup  DAG share  serial/tx  critical path  width   idle       allocs/tx")
            for row in rows {
                let cells = [
                    pad("\(Int(row.conflict * 100))%", 8), pad("\(row.threads)", 7),
                    pad(String(format: "%.2f ms", row.serialSeconds * 1e3), 10),
                    pad(String(format: "%.2f ms", row.parallelSeconds * 1e3), 10),
                    pad(String(format: "%.2f×", row.speedup), 7),
                    pad(String(format: "%.1f%%", row.dagBuildShare * 100), 9),
                    pad(String(format: "%.2f µs", row.serialSeconds * 1e6 / Double(row.txs)), 9),
                    pad("\(row.statistics.criticalPathLength)", 13), pad("\(row.statistics.maximumWidth)", 6),
                    pad(String(format: "%.2f ms", Double(row.statistics.workerIdleNanoseconds) / 1e6), 9),
                    row.allocationsPerTransaction.map { String(format: "%.3f", $0) } ?? "n/a",
                ] + (row.statistics.speculationSkipped ? ["(speculation paused: mostly one chain)"] : [])
                print(cells.joined(separator: "  "))
            }
            print("\nparallel phases of the last block (planning / DAG / execution / finish):")
            for row in rows {
                let s = row.statistics
                print("  \(Int(row.conflict * 100))%, \(row.threads) threads: " + [s.planningNanoseconds, s.dagBuildNanoseconds,
                    s.executionNanoseconds, s.finalizationNanoseconds].map { String(format: "%.2f ms", Double($0) / 1e6) }
                    .joined(separator: " / "))
            }
            printToStandardError("measuring memory across 100 blocks…")
            let memory = suite.memoryAcrossBlocks(threads: threads.max() ?? 2)
            print("\nlive heap after block " + memory.map { "\($0.block): \($0.bytes >> 10) KiB" }.joined(separator: ", "))
            print("cores: \(WorkerThreads.availableCores), allocator: \(allocatorName)")
        }

        private func pad(_ s: String, _ width: Int) -> String {
            s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
        }
    }
}

extension Bench {
    struct EVMBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evm",
            abstract: "The EVM: time per instruction on long loops, and per ERC-20 transfer transaction.",
            discussion: """
                Two loops (arithmetic with MSTORE and KECCAK256; stack arithmetic only) of --iterations \
                iterations, timed per executed instruction, and --transfers ERC-20 transfers (the \
                contract in ../shared/contracts) timed per whole transaction. The JSON carries each \
                loop's program, so that scripts/bench-evm.sh can run the same code on revm (pyrevm) \
                for the ratio.
                """
        )

        @Option(help: "Loop iterations.")
        var iterations: UInt32 = 1_000_000

        @Option(help: "ERC-20 transfers per sample.")
        var transfers: Int = 2_000

        @Option(help: "The ERC-20 artifact (Hardhat JSON).")
        var erc20: String = ERC20Artifact.defaultPath

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func validate() throws {
            guard iterations >= 1, transfers >= 1 else { throw ValidationError("--iterations and --transfers must be positive") }
        }

        func run() throws {
            try reportingErrors {
                #if DEBUG
                printToStandardError("warning: this is a debug build; figures mean little (use swift build -c release)")
                #endif
                let suite = EVMBenchmarks(erc20: try ERC20Artifact(path: erc20), iterations: iterations, transfers: transfers)
                let rows = suite.run { printToStandardError("measuring \($0)…") }
                if json {
                    let objects = rows.map { row in
                        "  {\"name\": \"\(row.name)\", \"nanoseconds\": \(String(format: "%.3f", row.nanoseconds)), "
                            + "\"unit\": \"\(row.unit)\", \"instructions\": \(row.instructions)"
                            + (row.program.map { ", \"program\": \"\($0)\"" } ?? "") + "}"
                    }
                    print("[\n" + objects.joined(separator: ",\n") + "\n]")
                    return
                }
                for row in rows {
                    let time = row.nanoseconds >= 1_000 ? String(format: "%.2f µs", row.nanoseconds / 1_000)
                        : String(format: "%.2f ns", row.nanoseconds)
                    print("\(row.name.padding(toLength: 16, withPad: " ", startingAt: 0))  \(time) \(row.unit)  "
                          + "(\(row.instructions) instructions\(row.program == nil ? " each" : ""))")
                }
            }
        }
    }
}
