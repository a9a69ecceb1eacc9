import ArgumentParser
import StrandOperations

extension ChainCommand {
    struct AddNode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-node",
            abstract: "Write a new node into a chain directory: key, certificate from an agency, config.",
            discussion: """
                Writes DIR/node<N>/ (N one past the highest) with a consensus key, a TLS certificate \
                from agency K naming its node ID, and a config listing every current node as a peer; \
                prints its node ID. `strand chain start --dir DIR` starts it: it links to the others \
                but is served no blocks and no consensus messages until a governor adds it: \
                `strand gov add-observer NODE_ID` (it then syncs to the head), and once it has, \
                `strand gov add-sealer NODE_ID` (it votes from the block after). For a node on another \
                machine, copy DIR/node<N>, DIR/ca/ca.crt and DIR/genesis.json there, keeping the layout.
                """
        )

        @Option(help: "The chain's directory (written by `strand chain init --nodes N`, N ≥ 2).")
        var dir: String
        @Option(help: "The agency (institution) that certifies the node: agency<K> in DIR.")
        var agency = 0
        @Option(help: "The node's host address (default: the last node's).")
        var host: String?
        @Option(help: "Its RPC port (default: one past the highest in DIR).")
        var rpcPort: Int?
        @Option(help: "Its P2P port (default: one past the highest in DIR).")
        var p2pPort: Int?

        func run() throws {
            try reportingErrors {
                var addition = NodeAddition(directory: dir)
                addition.agency = agency
                addition.host = host
                addition.rpcPort = rpcPort
                addition.p2pPort = p2pPort
                let added = try addition.write()
                printToStandardError("\(added.name): \(added.directory) (agency\(agency)); not a member until a governor adds it")
                print(added.nodeID.description)
            }
        }
    }
}
