import ArgumentParser
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
        subcommands: [Foundation.self],
        defaultSubcommand: Foundation.self
    )
}

extension Bench {
    struct Foundation: ParsableCommand {
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
    }
}
