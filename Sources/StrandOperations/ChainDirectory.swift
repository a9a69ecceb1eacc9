import Foundation
import StrandNode
import StrandRPCClient
import StrandTypes

/// The nodes of a chain directory written by `strand chain init`: DIR itself for a one-node
/// chain, else DIR/node0, DIR/node1, … in order.
public struct ChainDirectory {
    public struct Member {
        public let name: String
        public let directory: String
        public let config: NodeConfig
        public var configPath: String { directory + "/node.toml" }
        public var pidPath: String { directory + "/node.pid" }
        public var logPath: String { directory + "/node.log" }
        public var rpcURL: String { "http://\(config.rpcHost):\(config.rpcPort)" }

        /// What the pid file and /proc say of this node's process.
        public var liveness: NodeLiveness { NodeLiveness.check(pidFile: pidPath, configPath: configPath) }

        /// This node's ID, from its key and the chain's crypto suite; nil if either is unreadable.
        public var nodeID: String? {
            guard let genesis = FileManager.default.contents(atPath: config.genesisPath),
                  let chain = try? Genesis(json: genesis).config, let key = try? KeyFile.read(config.keyPath) else { return nil }
            return chain.suite.nodeID(of: key).description
        }

        /// The node's answer to `GET /health`, if something answers on its RPC port.
        public func health(timeoutSeconds: Int = 2) -> NodeHealthAnswer? {
            guard let client = try? RPCClient(url: rpcURL, timeoutSeconds: timeoutSeconds),
                  let (status, body) = try? client.get("/health"),
                  let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
            return NodeHealthAnswer(serving: status == 200, fields: object)
        }
    }

    public let path: String
    public let members: [Member]

    public init(_ path: String) throws {
        let fileManager = FileManager.default
        var directories: [(String, String)] = []
        if fileManager.fileExists(atPath: path + "/node.toml") {
            directories = [("node", path)]
        } else {
            let names = (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
            directories = names.compactMap { name -> (Int, String)? in
                guard name.hasPrefix("node"), let index = Int(name.dropFirst(4)),
                      fileManager.fileExists(atPath: "\(path)/\(name)/node.toml") else { return nil }
                return (index, name)
            }.sorted { $0.0 < $1.0 }.map { ($0.1, "\(path)/\($0.1)") }
        }
        guard !directories.isEmpty else {
            throw OperationsError("\(path) holds no chain (no node.toml in it or in its node* folders); run `strand chain init` first")
        }
        self.path = path
        members = try directories.map { name, directory in
            let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
            return Member(name: name, directory: absolute, config: try NodeConfig(file: absolute + "/node.toml"))
        }
    }
}

extension ChainDirectory {
    /// The members named (all when `names` is empty); an unknown name is refused.
    public func selecting(_ names: [String]) throws -> [Member] {
        guard !names.isEmpty else { return members }
        for name in names where !members.contains(where: { $0.name == name }) {
            throw OperationsError("\(path) has no node named \(name) (it has \(members.map(\.name).joined(separator: ", ")))")
        }
        return members.filter { names.contains($0.name) }
    }
}

/// What a node said at `GET /health`.
public struct NodeHealthAnswer {
    /// 200: the node can serve; 503: it cannot, for `reason`.
    public let serving: Bool
    public let fields: [String: Any]

    public var nodeID: String? { fields["nodeId"] as? String }
    public var reason: String? { fields["reason"] as? String }
    public var peers: Int { (fields["peers"] as? NSNumber)?.intValue ?? 0 }
    public var height: Int { (fields["height"] as? NSNumber)?.intValue ?? -1 }
}

/// A refusal of an operator's command, said in one line.
public struct OperationsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
