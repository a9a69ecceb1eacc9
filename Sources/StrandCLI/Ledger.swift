import ArgumentParser
import Foundation
import StrandBench
import StrandPrimitives
import StrandStorage
import StrandWorkloads
import StrandTypes

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Create, inspect, verify, fill, back up and restore a ledger data directory.",
        subcommands: [Init.self, Info.self, Verify.self, Fill.self, Snapshot.self, Restore.self]
    )
}

/// Options every ledger subcommand shares.
struct LedgerOptionGroup: ParsableArguments {
    @Option(name: .customLong("data"), help: "The ledger's data directory.")
    var directory: String

    @Option(name: .customLong("map-size"), help: "Largest size of the ledger's memory map, in MiB.")
    var mapSizeMiB: Int = 64 * 1024

    @Flag(name: .customLong("unsafe-no-sync"),
          help: "UNSAFE: do not wait for the disk on commit; a power loss may lose recent blocks. For benchmarks only.")
    var unsafeNoSync = false

    func validate() throws {
        guard mapSizeMiB >= 1 else { throw ValidationError("--map-size must be at least 1 MiB") }
    }

    var lmdbOptions: LMDBOptions {
        LMDBOptions(mapSize: mapSizeMiB << 20, durability: unsafeNoSync ? .unsafeNoSync : .durable)
    }

    func open(genesis: Genesis? = nil) throws -> Ledger {
        if unsafeNoSync { printToStandardError("warning: ledger opened in UNSAFE no-sync mode") }
        return try Ledger(directory: directory, options: lmdbOptions, genesis: genesis)
    }
}

extension LedgerCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a ledger from a genesis file.",
            discussion: "A directory that already holds the same chain is left as it is; one with another chain is an error."
        )

        @OptionGroup var ledger: LedgerOptionGroup

        @Option(help: "The genesis JSON file (config with chain id and validators, accounts).")
        var genesis: String

        func run() throws {
            try reportingErrors {
                guard let data = FileManager.default.contents(atPath: genesis) else {
                    throw CLIError("cannot read \(genesis)")
                }
                let opened = try ledger.open(genesis: try Genesis(json: data))
                print("ledger \(ledger.directory): chain \(opened.chainID), genesis \(opened.genesisHash), head \(opened.head.number)")
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the chain id, genesis and head of a ledger.")

        @OptionGroup var ledger: LedgerOptionGroup

        func run() throws {
            try reportingErrors {
                let opened = try ledger.open()
                let head = opened.head
                print("""
                    chain id:      \(opened.chainID)
                    genesis:       \(opened.genesisHash)
                    crypto suite:  \(opened.config.suite)
                    validators:    \(opened.config.validators.map(\.description).joined(separator: ", "))
                    head:          block \(head.number), \(head.hash)
                    state root:    \(head.stateRoot)
                    transactions:  \(head.transactionCount)
                    """)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a ledger's consistency from genesis to head.",
            discussion: """
                Checks parent links, hash and transaction indexes, transaction and receipt roots, \
                the state-root chain recomputed from each block's change log, that replaying the \
                change logs gives exactly the stored state, and that nothing past the head is \
                stored. Prints a summary; on the first inconsistency prints it and exits 1.
                """
        )

        @OptionGroup var ledger: LedgerOptionGroup

        func run() throws {
            try reportingErrors {
                let opened = try ledger.open()
                let started = ContinuousClock.now
                let result = try opened.verify { block, head in
                    if head >= 10_000 { printToStandardError("verifying block \(block) of \(head)…") }
                }
                print("""
                    ledger OK: \(result.blocks) blocks (head \(result.head?.number ?? 0)), \
                    \(result.transactions) transactions, \(result.stateEntries) state entries, \
                    \(result.codeEntries) code entries, state root \(result.head?.stateRoot ?? .zero) \
                    (\(ContinuousClock.now - started))
                    """)
            }
        }
    }

    struct Fill: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append synthetic blocks: signed transfers, receipts and random state changes.",
            discussion: """
                For demos, benchmarks and crash tests. The state changes are random writes, \
                updates and deletions of storage slots, not the transfers' real effects. An empty \
                directory gets a development genesis; an existing one must hold that chain. Prints \
                "committed N" after each block is durable.
                """
        )

        @OptionGroup var ledger: LedgerOptionGroup

        @Option(help: "Blocks to append.")
        var blocks: Int = 10

        @Option(help: "Transactions per block.")
        var transactions: Int = 100

        @Option(help: "State keys written per block.")
        var keys: Int = 1_000

        func validate() throws {
            guard blocks >= 0, transactions >= 0, keys >= 0 else {
                throw ValidationError("--blocks, --transactions and --keys must not be negative")
            }
        }

        func run() throws {
            try reportingErrors {
                let template = SyntheticBlocks(seed: 0)
                let opened = try ledger.open(genesis: template.genesis)
                let start = opened.head
                // A seed and nonces drawn from the head, so that a resumed fill writes new data.
                var synthetic = SyntheticBlocks(
                    seed: UInt256(start.hash).w0, firstNonce: start.transactionCount / UInt64(template.senders.count) + 1)
                var head = start
                for _ in 0..<blocks {
                    let next = synthetic.block(number: head.number + 1, parentHash: head.hash, parentStateRoot: head.stateRoot,
                                               transactionCount: transactions, stateKeys: keys, churn: true)
                    try opened.commit(next.block, receipts: next.receipts, changes: next.changes)
                    head = opened.head
                    print("committed \(head.number)")
                    fflush(nil)  // every stream: the parent of a crash test reads this line
                }
            }
        }
    }
}
