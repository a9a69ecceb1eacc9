import ArgumentParser
import Foundation
import StrandCrypto
import StrandNode
import StrandPrimitives
import StrandRPCClient
import StrandTypes

/// `strand gov`: a governor's calls to the system contracts, as FISCO's console makes them.
struct GovCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gov",
        abstract: "Change the chain as one of its governors.",
        discussion: """
            Signs a FISCO transaction to a system contract (SystemConfig, Consensus, Permission, \
            ChainGovernance, ContractLifeCycle) with \
            a governor's key (a file holding the private key in hex, as `strand keygen` writes it), \
            sends it to a node, waits for its receipt and prints FISCO's return code in words; exit \
            status 1 unless it is 1 (done). A change is in force from the block after the one that \
            includes it. Governors are named in genesis \
            (`strand chain init --governor`; with --accounts the first development account is one).
            """,
        subcommands: [SetConfig.self, AddObserver.self, AddSealer.self, Remove.self, Grant.self, Revoke.self, Grants.self,
                      GrantMember.self, RevokeMember.self, MemberWeight.self, Threshold.self, Members.self,
                      GrantOperator.self, RevokeOperator.self, Operators.self, Freeze.self, Unfreeze.self, AccountStatus.self,
                      FreezeContract.self, UnfreezeContract.self, GrantContractManager.self, ContractStatus.self]
    )

    static let tablesHelp = """
        TABLE is one of FISCO's system tables — _sys_tables_ (deploying contracts), _sys_consensus_ \
        (the Consensus contract), _sys_config_ (SystemConfig), _sys_cns_ (CNS) — or a user table. A \
        table with no grant is open to every account (for system tables: every governor); once it \
        has one, only its grantees, from the block after the grant.
        """

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant an account the right to write a table (Permission.insert).", discussion: GovCommand.tablesHelp)

        @Argument(help: "The table.")
        var table: String
        @Argument(help: "The account's address.")
        var account: String
        @OptionGroup var governor: GovernorOptions

        func run() throws {
            try reportingErrors { try governor.changePermission(Permission.insert, table: table, account: account, what: "grant") }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a grant back (Permission.remove); the last grant gone, the table is open again.",
            discussion: GovCommand.tablesHelp)

        @Argument(help: "The table.")
        var table: String
        @Argument(help: "The account's address.")
        var account: String
        @OptionGroup var governor: GovernorOptions

        func run() throws {
            try reportingErrors { try governor.changePermission(Permission.remove, table: table, account: account, what: "revoke") }
        }
    }

    struct Grants: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a table's grants (Permission.queryByName), as FISCO's JSON.", discussion: GovCommand.tablesHelp)

        @Argument(help: "The table.")
        var table: String
        @Option(help: "A node's JSON-RPC URL.")
        var rpc = "http://127.0.0.1:8545"

        func run() throws {
            try reportingErrors {
                let client = try RPCClient(url: rpc)
                print(try GovernorOptions.callString(client, Permission.address, ContractCalldata.encode(Permission.queryByName, strings: [table])))
            }
        }
    }

    struct AddObserver: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-observer",
            abstract: "Make a node an observer (Consensus.addObserver): it follows the chain without voting.",
            discussion: """
                A node new to the chain joins this way, syncs, and may then become a sealer; a sealer \
                named here stops voting (never the last one). In force from the block after the one \
                that includes the call.
                """
        )

        @Argument(help: "The node's ID (128 hex digits; `strand chain add-node` and the node's log print it).")
        var nodeID: String
        @OptionGroup var governor: GovernorOptions

        func run() throws { try reportingErrors { try governor.changeRoster(ConsensusContract.addObserver, nodeID, what: "add-observer") } }
    }

    struct AddSealer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-sealer",
            abstract: "Make an observer a sealer (Consensus.addSealer): it votes from the next block on.",
            discussion: """
                Only an observer can become a sealer (FISCO 3.1's rule): add it as an observer first and \
                let it reach the head, since the quorum grows with it.
                """
        )

        @Argument(help: "The node's ID (128 hex digits).")
        var nodeID: String
        @OptionGroup var governor: GovernorOptions

        func run() throws { try reportingErrors { try governor.changeRoster(ConsensusContract.addSealer, nodeID, what: "add-sealer") } }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Take a node off the chain (Consensus.remove): it neither votes nor is listed.",
            discussion: "The last sealer cannot be removed. Revoke its certificate as well (`strand chain revoke`) to refuse its links."
        )

        @Argument(help: "The node's ID (128 hex digits).")
        var nodeID: String
        @OptionGroup var governor: GovernorOptions

        func run() throws { try reportingErrors { try governor.changeRoster(ConsensusContract.remove, nodeID, what: "remove") } }
    }

    struct SetConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-config",
            abstract: "Set a chain-wide setting (SystemConfig.setValueByKey).",
            discussion: """
                KEY is tx_count_limit (most transactions in a block, 1…2147483647, never above genesis's \
                maxBlockTransactions), tx_gas_limit (most gas one transaction may ask for, \
                100000…2147483647, never above the block gas limit) or consensus_timeout (seconds a PBFT \
                view lasts before a view change, 3…600). The new value is in force from the block after \
                the one that includes the call. Exit status 1 unless the code is 1 (done).
                """
        )

        @Argument(help: "tx_count_limit, tx_gas_limit or consensus_timeout.")
        var key: String
        @Argument(help: "The new value, a decimal integer.")
        var value: String
        @OptionGroup var governor: GovernorOptions

        func run() throws {
            try reportingErrors {
                let code = try governor.call(SystemConfig.address, SystemConfig.calldata(key: key, value: value))
                try GovernorOptions.report(code, what: "\(key) = \(value)")
            }
        }
    }
}

/// Who signs and where the call goes.
struct GovernorOptions: ParsableArguments {
    @Option(help: "The governor's private key file.")
    var key: String
    @Option(help: "A node's JSON-RPC URL.")
    var rpc = "http://127.0.0.1:8545"
    @Option(help: "Seconds to wait for the receipt.")
    var timeout = 30

    /// Sends the call and returns FISCO's code from its receipt.
    func call(_ contract: Address, _ data: [UInt8]) throws -> Int64 {
        let signer = try KeyFile.read(key)
        let client = try RPCClient(url: rpc)
        guard let chainText = try client.call("eth_chainId", []) as? String, let chainID = UInt64(chainText.dropFirst(2), radix: 16) else {
            throw CLIError("\(rpc): eth_chainId gave no chain id")
        }
        guard let groups = try client.call("getGroupList", []) as? [Any], let group = (groups.first as? NSNumber)?.uint64Value else {
            throw CLIError("\(rpc): getGroupList gave no group")
        }
        // A 国密 chain takes SM2-signed transactions; the node says which its chain is.
        let version = try client.call("getClientVersion", [group]) as? [String: Any]
        let suite = (version?["Crypto Suite"] as? String).flatMap(CryptoSuite.init(rawValue:)) ?? .secp256k1
        do { try suite.validate(signer) } catch { throw CLIError("\(key) is not an SM2 key, and \(rpc) serves a 国密 chain") }
        guard let headText = try client.call("getBlockNumber", [group]) as? String, let head = UInt64(headText.dropFirst(2), radix: 16) else {
            throw CLIError("\(rpc): getBlockNumber gave no height")
        }
        var random = SystemRandomNumberGenerator()
        let fields = FiscoFields(randomID: UInt256(random.next()), blockLimit: head + 500, groupID: group)
        // The smallest tx_gas_limit a governor can set, so that a governor's call always fits.
        let gasLimit = SystemConfig.Key.txGasLimit.range.lowerBound
        let transaction = UnsignedTransaction.fisco(fields, chainID: chainID, gasLimit: gasLimit, to: contract, data: data).signed(with: signer, suite: suite)
        guard let hash = try client.call("sendRawTransaction", [group, Hex.encode(transaction.encoded)]) as? String else {
            throw CLIError("\(rpc): sendRawTransaction gave no hash")
        }
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Date() < deadline {
            if let receipt = try client.call("getTransactionReceipt", [group, hash]) as? [String: Any] {
                guard receipt["status"] as? String == "0x0" else {
                    throw CLIError("transaction \(hash) failed: status \(receipt["status"] ?? "?"), output \(receipt["output"] ?? "?")")
                }
                guard let output = receipt["output"] as? String, let bytes = try? Hex.decode(output),
                      let code = ContractCalldata.decodeInt256(bytes) else {
                    throw CLIError("transaction \(hash): the receipt holds no return code")
                }
                return code
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw CLIError("no receipt for \(hash) within \(timeout) s; it may still be included")
    }

    /// Grants or revokes `account`'s write of `table` (Permission).
    func changePermission(_ selector: UInt32, table: String, account: String, what: String) throws {
        let code = try call(Permission.address, ContractCalldata.encode(selector, strings: [table, account]))
        try Self.report(code, what: "\(what) \(table) \(account)")
    }

    /// Calls the Consensus contract for one node; the contract answers -51100 for a malformed ID.
    func changeRoster(_ selector: UInt32, _ nodeID: String, what: String) throws {
        let code = try call(ConsensusContract.address, ContractCalldata.encode(selector, strings: [nodeID]))
        try Self.report(code, what: "\(what) \(nodeID.prefix(16))…")
    }

    static func report(_ code: Int64, what: String, acceptable: Set<Int64> = [FiscoCode.success.rawValue]) throws {
        let meaning = FiscoCode(rawValue: code)?.meaning ?? "unknown code"
        print("\(what): \(code) (\(meaning))")
        if !acceptable.contains(code) { throw ExitCode(1) }
    }

    /// What a read-only call of `contract` returns (`eth_call` on the head).
    static func callOutput(_ client: RPCClient, _ contract: Address, _ data: [UInt8]) throws -> [UInt8] {
        guard let output = try client.call("eth_call", [["to": contract.description, "data": Hex.encode(data)], "latest"]) as? String,
              let bytes = try? Hex.decode(output) else {
            throw CLIError("eth_call of \(contract) gave no output")
        }
        return bytes
    }

    /// The `string` a read-only call returns.
    static func callString(_ client: RPCClient, _ contract: Address, _ data: [UInt8]) throws -> String {
        try string(in: try callOutput(client, contract, data))
    }

    /// The `string` that ABI output holds as its first value.
    static func string(in bytes: [UInt8]) throws -> String {
        guard bytes.count >= 64, let length = UInt256(bigEndian: bytes[32..<64])?.uint64, bytes.count >= 64 + Int(length) else {
            throw CLIError("the call gave no string")
        }
        return String(decoding: bytes[64..<(64 + Int(length))], as: UTF8.self)
    }
}
