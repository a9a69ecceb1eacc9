import ArgumentParser
import StrandPrimitives
import StrandRPCClient
import StrandTypes

/// `strand gov`'s calls to ContractLifeCycle: contracts frozen, unfrozen and their managers.
extension GovCommand {
    static let contractsHelp = """
        The committee's members and the contract's managers may do this. In force from the block \
        after the one that includes the call: then a transaction to a frozen contract gets FISCO's \
        status 30 (nodes refuse new ones) and a call of it from another contract fails.
        """

    struct FreezeContract: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "freeze-contract", abstract: "Freeze a contract (ContractLifeCycle.freeze).", discussion: GovCommand.contractsHelp)
        @Argument(help: "The contract's address.") var contract: String
        @OptionGroup var governor: GovernorOptions
        func run() throws { try reportingErrors { try GovCommand.callNaming(governor, ContractLifeCycle.address, ContractLifeCycle.freeze, [contract], what: "freeze-contract") } }
    }

    struct UnfreezeContract: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unfreeze-contract", abstract: "Unfreeze a contract (ContractLifeCycle.unfreeze).", discussion: GovCommand.contractsHelp)
        @Argument(help: "The contract's address.") var contract: String
        @OptionGroup var governor: GovernorOptions
        func run() throws { try reportingErrors { try GovCommand.callNaming(governor, ContractLifeCycle.address, ContractLifeCycle.unfreeze, [contract], what: "unfreeze-contract") } }
    }

    struct GrantContractManager: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-contract-manager",
            abstract: "Let an account freeze and unfreeze a contract (ContractLifeCycle.grantManager).",
            discussion: "A member of the committee or one of the contract's managers grants it.")
        @Argument(help: "The contract's address.") var contract: String
        @Argument(help: "The account's address.") var account: String
        @OptionGroup var governor: GovernorOptions
        func run() throws {
            try reportingErrors { try GovCommand.callNaming(governor, ContractLifeCycle.address, ContractLifeCycle.grantManager, [contract, account], what: "grant-contract-manager") }
        }
    }

    struct ContractStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contract-status", abstract: "Say whether a contract is frozen, and who manages it (ContractLifeCycle.getStatus, listManager).")
        @Argument(help: "The contract's address.") var contract: String
        @Option(help: "A node's JSON-RPC URL.") var rpc = "http://127.0.0.1:8545"
        func run() throws {
            try reportingErrors {
                let client = try RPCClient(url: rpc)
                let address = try GovCommand.account(contract)
                let status = try GovernorOptions.callOutput(client, ContractLifeCycle.address,
                                                            ContractCalldata.encode(ContractLifeCycle.getStatus, strings: [], words: [address]))
                // (int256, string): the string's words follow the head's two.
                print(try GovernorOptions.string(in: Array(status.dropFirst(32))))
                let listed = try GovernorOptions.callOutput(client, ContractLifeCycle.address,
                                                            ContractCalldata.encode(ContractLifeCycle.listManager, strings: [], words: [address]))
                let managers = stride(from: 96, to: listed.count - 31, by: 32).map { Address(truncating: UInt256(bigEndian: listed[$0..<$0 + 32])!) }
                print("managers: \(managers.isEmpty ? "none (the committee's members only)" : managers.map(\.description).joined(separator: ", "))")
            }
        }
    }
}
