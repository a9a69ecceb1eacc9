import Foundation
import StrandPrimitives
import Synchronization

/// The ABIs this node knows for EVM contracts, by the hash of their code: a contract deployed
/// many times decodes everywhere once registered, and a registration never applies to code it
/// was not made for. Registered through CNS (every node learns it from the chain) or through
/// `strand_registerAbi` (this node only). Kept under the data directory, one file per code hash,
/// each written whole before it replaces the last.
public final class ContractABIRegistry: Sendable {
    public static let maxABIBytes = 256 << 10
    public static let maxEntries = 10_000

    public struct Entry: Sendable {
        public let name: String
        public let abi: String
        public let interface: ContractInterface
    }

    private let directory: URL?
    private let hash: @Sendable ([UInt8]) -> Hash
    private let entries = Mutex<[Hash: Entry]>([:])

    /// Reads what `directory` holds (made if missing); nil keeps registrations in memory only.
    public init(directory: URL?, hash: @escaping @Sendable ([UInt8]) -> Hash) throws {
        self.directory = directory
        self.hash = hash
        guard let directory else { return }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var loaded: [Hash: Entry] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".json") {
            guard let codeHash = try? Hash(hex: String(file.dropLast(5))),
                  let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: String],
                  let name = object["name"], let abi = object["abi"],
                  let interface = try? ContractInterface(name: name, json: abi, hash: hash) else { continue }
            loaded[codeHash] = Entry(name: name, abi: abi, interface: interface)
        }
        entries.withLock { $0 = loaded }
    }

    public func entry(codeHash: Hash) -> Entry? { entries.withLock { $0[codeHash] } }

    public var count: Int { entries.withLock { $0.count } }

    /// Records `abi` for the code whose hash is `codeHash`, replacing an earlier registration.
    public func register(codeHash: Hash, name: String, abi: String) throws(ABIType.Invalid) {
        guard abi.utf8.count <= Self.maxABIBytes else { throw ABIType.Invalid("ABI larger than \(Self.maxABIBytes) bytes") }
        guard name.utf8.count <= 128 else { throw ABIType.Invalid("contract name longer than 128 bytes") }
        let interface = try ContractInterface(name: name, json: abi, hash: hash)
        let full = entries.withLock { $0[codeHash] == nil && $0.count >= Self.maxEntries }
        guard !full else { throw ABIType.Invalid("the registry holds \(Self.maxEntries) ABIs already") }
        if let directory {
            let file = directory.appendingPathComponent(codeHash.description + ".json")
            do {
                let data = try JSONSerialization.data(withJSONObject: ["name": name, "abi": abi], options: [.sortedKeys])
                try data.write(to: file, options: .atomic)
            } catch {
                throw ABIType.Invalid("cannot store the ABI: \(error.localizedDescription)")
            }
        }
        entries.withLock { $0[codeHash] = Entry(name: name, abi: abi, interface: interface) }
    }
}
