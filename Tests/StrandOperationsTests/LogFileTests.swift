import Foundation
import Logging
@testable import StrandOperations
import Testing

/// Log files a node keeps for months: reopened by name after logrotate moved them, rotated by
/// size, levels per module; and the service unit's command line.
@Suite struct LogFileTests {
    private func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "logs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    private func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func reopensByNameAfterLogrotateMovedTheFile() throws {
        let directory = try scratch()
        let log = try LogFile(path: directory + "/node.log")
        log.write("one")
        try FileManager.default.moveItem(atPath: directory + "/node.log", toPath: directory + "/node.log.1")
        log.write("two")
        log.reopen()
        log.write("three")
        #expect(lines(directory + "/node.log.1") == ["one", "two"])
        #expect(lines(directory + "/node.log") == ["three"])
    }

    @Test func rotatesBySizeKeepingSoMany() throws {
        let directory = try scratch()
        let path = directory + "/node.log"
        let log = try LogFile(path: path, maxBytes: 100, keep: 2)
        let line = String(repeating: "x", count: 59)
        for index in 0..<7 { log.write("\(index)" + line) }
        #expect(lines(path).map { $0.prefix(1) } == ["6"])
        #expect(lines(path + ".1").map { $0.prefix(1) } == ["5"])
        #expect(lines(path + ".2").map { $0.prefix(1) } == ["4"])
        #expect(!FileManager.default.fileExists(atPath: path + ".3"))
    }

    @Test func levelsPerModule() throws {
        let levels = try LogLevels("warning,consensus=debug,rpc=error")
        #expect(levels.level(for: "strand") == .warning)
        #expect(levels.level(for: "strand.consensus") == .debug)
        #expect(levels.level(for: "strand.rpc") == .error)
        #expect(levels.level(for: "strand.network") == .warning)
        #expect(try LogLevels("info").level(for: "strand.sync") == .info)
        #expect { try LogLevels("loud") } throws: { "\($0)".contains("unknown log level") }
        #expect { try LogLevels("info,mempool=debug") } throws: { "\($0)".contains("unknown module") }
    }

    @Test func handlerWritesOneLinePerRecordAtItsModulesLevel() throws {
        let directory = try scratch()
        let sink = try LogFile(path: directory + "/node.log")
        let levels = try LogLevels("info,network=error")
        let network = Logger(label: "strand.network") { NodeLogHandler(label: $0, sink: sink, levels: levels) }
        let chain = Logger(label: "strand.chain") { NodeLogHandler(label: $0, sink: sink, levels: levels) }
        network.info("dropped")
        network.error("refused")
        chain.info("committed", metadata: ["block": "7"])
        let written = lines(directory + "/node.log")
        #expect(written.count == 2)
        #expect(written[0].hasSuffix("error strand.network: refused"))
        #expect(written[1].hasSuffix("info strand.chain: committed block=7"))
        #expect(written[0].count > 24 && written[0].dropFirst(23).hasPrefix("Z "), "an ISO 8601 UTC time first")
    }

    @Test func unitsQuotePathsWithSpaces() {
        let unit = SystemdUnit(name: "strand-node0", executable: "/opt/strand bin/strand", configPath: "/srv/chain/node0/node.toml",
                               workingDirectory: "/srv/chain/node0")
        #expect(unit.text.contains(#"ExecStart="/opt/strand bin/strand" node --config /srv/chain/node0/node.toml"#))
        #expect(unit.fileName == "strand-node0.service")
    }
}
