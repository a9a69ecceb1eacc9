import ArgumentParser
import Foundation
import StrandEVM
import StrandPrimitives
import StrandStateTest

/// `strand statetest`: runs Ethereum's GeneralStateTests like geth's `evm statetest`.
struct StateTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statetest",
        abstract: "Run Ethereum general state tests against Strand's EVM.",
        discussion: """
            Runs every test, fork entry and index of each FILE (or every .json file below each DIR): \
            applies the transaction to the pre-state and compares the post-state Merkle-Patricia root \
            and the logs hash with the expected values (an entry with expectException must be an \
            invalid transaction). Prints one line per failure, then `N passed, N failed`; exits 1 if \
            any failed.
            """
    )

    @Argument(help: "Test files or directories of test files.")
    var paths: [String]

    @Option(help: "The fork whose post-states to check; the EVM implements Cancun's rules only.")
    var fork = "Cancun"

    @Option(name: .customLong("run"), help: "Only run tests whose name contains this text.")
    var nameFilter: String?

    @Flag(help: "Print one JSON object per case instead of failure lines.")
    var json = false

    func validate() throws {
        guard fork == "Cancun" else {
            throw ValidationError("--fork \(fork): Strand's EVM implements Cancun only; its results would not mean \(fork)'s")
        }
    }

    func run() throws {
        try reportingErrors {
            let files = try paths.flatMap(Self.testFiles)
            guard !files.isEmpty else { throw CLIError("no .json test files under \(paths.joined(separator: ", "))") }
            let fork = self.fork, filter = nameFilter, json = self.json
            let (passed, failed) = try DeepStackThread.run { () -> Result<(Int, Int), Error> in
                Result { try Self.runAll(files, fork: fork, filter: filter, json: json) }
            }.get()
            print("\(passed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    private static func runAll(_ files: [URL], fork: String, filter: String?, json: Bool) throws -> (Int, Int) {
        var passed = 0, failed = 0
        for (number, file) in files.enumerated() {
            if files.count > 50 && number % 100 == 0 {
                printToStandardError("[\(number)/\(files.count)] \(file.lastPathComponent)")
            }
            for test in try StateTest.load(file) where filter.map(test.name.contains) ?? true {
                for result in test.run(fork: fork) {
                    if result.passed { passed += 1 } else { failed += 1 }
                    if json {
                        print(jsonLine(result))
                    } else if let failure = result.failure {
                        print("FAIL \(result.name)[\(result.fork)/\(result.index)]: \(failure)")
                    }
                }
            }
        }
        return (passed, failed)
    }

    private static func jsonLine(_ result: StateTest.CaseResult) -> String {
        var object: [String: Any] = ["name": result.name, "fork": result.fork, "index": result.index, "pass": result.passed]
        if let failure = result.failure { object["error"] = failure }
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    private static func testFiles(_ path: String) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("no such file or directory: \(path)")
        }
        let url = URL(fileURLWithPath: path)
        guard isDirectory.boolValue else { return [url] }
        let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
        return (walker?.compactMap { $0 as? URL } ?? []).filter { $0.pathExtension == "json" }
            .sorted { $0.path < $1.path }
    }
}
