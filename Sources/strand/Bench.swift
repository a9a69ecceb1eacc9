import ArgumentParser
import Foundation
import StrandBench
import StrandPrimitives

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
        subcommands: [FoundationBench.self, LedgerBench.self],
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
