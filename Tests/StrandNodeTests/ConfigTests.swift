import Foundation
@testable import StrandNode
import Testing

@Suite struct ConfigTests {
    @Test func parsesTheSubsetAndNamesBadLines() throws {
        let file = try ConfigFile(parsing: """
            # comment
            [rpc]
            host = "127.0.0.1"   # trailing comment
            port = 8_545
            [sealer]
            skip_empty_blocks = false
            """)
        #expect(file.string("rpc.host") == "127.0.0.1")
        #expect(file.integer("rpc.port") == 8545)
        #expect(file.boolean("sealer.skip_empty_blocks") == false)
        #expect(try ConfigFile(parsing: file.text) == file)
        #expect(throws: ConfigFile.ParseError(line: 2, message: "expected key = value")) { try ConfigFile(parsing: "[a]\noops") }
        #expect(throws: ConfigFile.ParseError.self) { try ConfigFile(parsing: "x = \"open") }
        #expect(throws: ConfigFile.ParseError.self) { try ConfigFile(parsing: "x = 1\nx = 2") }
        #expect(throws: ConfigFile.ParseError.self) { try ConfigFile(parsing: "x = maybe") }
    }

    @Test func chainInitWritesAConfigTheNodeReads() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-init-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var setup = ChainSetup(directory: directory)
        setup.developmentAccounts = 2
        setup.rpcPort = 18_600
        let written = try setup.write()
        let config = try NodeConfig(file: written.configs[0])
        #expect(config.rpcPort == 18_600)
        #expect(config.genesisPath == directory + "/genesis.json")
        #expect(config.durability == .durable)
        #expect(throws: ChainSetup.Failure.self) { try setup.write() }  // never overwrites a chain

        let bad = directory + "/bad.toml"
        try "[rpc]\nport = 0\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: NodeConfig.Invalid.self) { try NodeConfig(file: bad) }
        try "[chain]\ngenesis = \"g\"\n[node]\ndata = \"d\"\nkey = \"k\"\n[rpc]\nbogus = 1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: NodeConfig.Invalid.self) { try NodeConfig(file: bad) }
    }
}

/// A tool changing one setting of an operator's file leaves the rest as it was.
@Suite struct ConfigFileEditTests {
    static let text = """
        # my node
        [node]
        data = "data"   # the ledger

        [p2p]
        listen_port = 30300
        peers = "a@h:1"

        [rpc]
        port = 8545
        """

    @Test func aSettingIsReplacedAddedOrRemovedInItsSection() throws {
        let added = ConfigFile.setting("p2p.revoked", to: .string("x,y"), in: Self.text)
        #expect(added.contains("peers = \"a@h:1\"\nrevoked = \"x,y\"\n\n[rpc]"))
        #expect(added.contains("# my node") && added.contains("data = \"data\"   # the ledger"))
        #expect(try ConfigFile(parsing: added).values["p2p.revoked"] == .string("x,y"))
        let replaced = ConfigFile.setting("p2p.revoked", to: .string("z"), in: added)
        #expect(try ConfigFile(parsing: replaced).values["p2p.revoked"] == .string("z"))
        #expect(replaced.components(separatedBy: "revoked").count == 2)
        #expect(ConfigFile.setting("p2p.revoked", to: nil, in: replaced) == Self.text)
        let newSection = ConfigFile.setting("fees.enabled", to: .boolean(true), in: Self.text)
        #expect(try ConfigFile(parsing: newSection).values["fees.enabled"] == .boolean(true))
        #expect(try ConfigFile(parsing: newSection).values["rpc.port"] == .integer(8545))
    }
}
