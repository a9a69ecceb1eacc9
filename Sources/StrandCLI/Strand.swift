import ArgumentParser
import CJemalloc

/// The `strand` command line; `strand-dev` runs the same commands with its fault switches added.
public struct Strand: ParsableCommand {
    public init() {}

    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: NodeFaultSwitches.installed?.commandName ?? "strand",
        abstract: "Strand: a consortium blockchain node built for throughput.",
        discussion: """
            `strand chain init` sets up a chain and `strand node` runs it; the CLI also covers keys, \
            transactions, the ledger and benchmarks.
            """,
        version: "0.1.0 (allocator: \(allocatorName))",
        subcommands: [
            ChainCommand.self, NodeCommand.self, GovCommand.self, CertCommand.self, Keygen.self, SM2Command.self, Tx.self, LedgerCommand.self, StateTestCommand.self,
            Bench.self,
        ]
    ) }
}

/// The allocator the executable runs on; asking jemalloc also keeps it linked.
let allocatorName: String = {
    var version: UnsafePointer<CChar>?
    var size = MemoryLayout<UnsafePointer<CChar>?>.size
    guard mallctl("version", &version, &size, nil, 0) == 0, let version else { return "system malloc" }
    return "jemalloc " + String(cString: version)
}()
