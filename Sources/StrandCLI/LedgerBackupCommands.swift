import ArgumentParser
import Foundation
import StrandStorage

extension LedgerCommand {
    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a ledger to one file, consistently, while its node runs.",
            discussion: """
                Writes LMDB's compacted copy of the data directory's ledger as one read transaction \
                sees it: whole blocks only, the node not stopped nor slowed beyond the copy's reads. \
                The file is written under FILE.partial, synced, then renamed. A validator's consensus \
                journal is not part of it. Restore with `strand ledger restore`.
                """
        )

        @Option(name: .customLong("data"), help: "The ledger's data directory (a node may be running on it).")
        var directory: String

        @Option(help: "The snapshot file to write; must not exist.")
        var out: String

        func run() throws {
            try reportingErrors {
                let started = Date()
                let head = try LedgerBackup.snapshot(directory: directory, to: out)
                let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
                print("snapshot \(out): block \(head.number) (\(head.hash)), \(size >> 20) MiB, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a data directory the ledger of a snapshot file.",
            discussion: """
                Copies FILE (from `strand ledger snapshot`) into DIR as its ledger; refuses a DIR that \
                holds a ledger already (move it away first). Start the node on it: it syncs the blocks \
                after the snapshot from its peers. A validator keeps its own consensus journal in DIR.
                """
        )

        @Option(name: .customLong("from"), help: "The snapshot file.")
        var file: String

        @Option(name: .customLong("data"), help: "The data directory to restore into.")
        var directory: String

        func run() throws {
            try reportingErrors {
                let head = try LedgerBackup.restore(from: file, into: directory)
                print("restored \(directory): block \(head.number) (\(head.hash)); start the node to sync the rest from its peers")
            }
        }
    }
}
