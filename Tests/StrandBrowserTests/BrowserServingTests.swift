import Foundation
import StrandPrimitives
@testable import StrandBrowser
import Testing

@Suite struct BrowserServingTests {
    @Test func routesServeThePageAndItsAssets() throws {
        for path in ["/", "/nodes", "/block/12", "/tx/0xab", "/address/0x01"] {
            #expect(BrowserPage.page(for: path)?.contentType.hasPrefix("text/html") == true, "\(path)")
        }
        #expect(BrowserPage.page(for: "/assets/browser.js")?.contentType.hasPrefix("text/javascript") == true)
        #expect(BrowserPage.page(for: "/assets/browser.css")?.contentType.hasPrefix("text/css") == true)
        for path in ["/block/", "/favicon.ico", "/assets/other.js", "/../etc/passwd"] {
            #expect(BrowserPage.page(for: path) == nil, "\(path)")
        }
    }

    @Test func theRegistryKeepsABIsAcrossRestarts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strand-abi-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let codeHash = Keccak256.hash(Array("code".utf8))
        let abi = #"[{"type":"function","name":"set","inputs":[{"name":"v","type":"string"}]}]"#
        do {
            let registry = try ContractABIRegistry(directory: directory, hash: Keccak256.hash)
            try registry.register(codeHash: codeHash, name: "Hello", abi: abi)
            #expect(throws: ABIType.Invalid.self) { try registry.register(codeHash: codeHash, name: "Bad", abi: "[{\"inputs\": 5") }
            #expect(throws: ABIType.Invalid.self) {
                try registry.register(codeHash: codeHash, name: "Big", abi: String(repeating: " ", count: ContractABIRegistry.maxABIBytes + 1))
            }
        }
        let reopened = try ContractABIRegistry(directory: directory, hash: Keccak256.hash)
        #expect(reopened.entry(codeHash: codeHash)?.name == "Hello")
        #expect(reopened.entry(codeHash: codeHash)?.interface.functions.count == 1)
        #expect(reopened.count == 1)
    }
}
