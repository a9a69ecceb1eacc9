import ArgumentParser
import StrandPrimitives
import StrandRPCClient
import StrandTypes

/// `strand gov`'s calls to ChainGovernance: the committee's votes, operators and frozen accounts.
extension GovCommand {
    static let votingHelp = """
        A change of the committee is voted: this call is the governor's vote, and the change is made \
        once the voters' weight exceeds the threshold's share of the committee's weight (50 % unless \
        changed; a lone governor decides alone). Prints 1 when the change is made, 0 while it waits \
        for other members' votes (both exit 0).
        """

    /// Signs one member's vote on the committee and reports it.
    static func vote(_ governor: GovernorOptions, _ selector: UInt32, words: [UInt256], what: String) throws {
        let code = try governor.call(ChainGovernance.address, ContractCalldata.encode(selector, strings: [], words: words))
        try GovernorOptions.report(code, what: what, acceptable: [FiscoCode.success.rawValue, FiscoCode.unchanged.rawValue])
    }

    static func account(_ text: String) throws -> UInt256 {
        do { return UInt256(try Address(hex: text)) } catch { throw CLIError("\(text): not an address (\(error))") }
    }

    struct GrantMember: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-member", abstract: "Vote to add a governor (ChainGovernance.grantCommitteeMember), weight 1.",
            discussion: GovCommand.votingHelp)
        @Argument(help: "The account's address.") var account: String
        @OptionGroup var governor: GovernorOptions
        func run() throws {
            try reportingErrors { try GovCommand.vote(governor, ChainGovernance.grantCommitteeMember, words: [try GovCommand.account(account)], what: "grant-member \(account)") }
        }
    }

    struct RevokeMember: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-member", abstract: "Vote to remove a governor (ChainGovernance.revokeCommitteeMember); the last one stays.",
            discussion: GovCommand.votingHelp)
        @Argument(help: "The account's address.") var account: String
        @OptionGroup var governor: GovernorOptions
        func run() throws {
            try reportingErrors { try GovCommand.vote(governor, ChainGovernance.revokeCommitteeMember, words: [try GovCommand.account(account)], what: "revoke-member \(account)") }
        }
    }

    struct MemberWeight: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "member-weight", abstract: "Vote to change a governor's weight (ChainGovernance.updateCommitteeMemberWeight).",
            discussion: GovCommand.votingHelp)
        @Argument(help: "The governor's address.") var account: String
        @Argument(help: "Its new weight, at least 1.") var weight: Int64
        @OptionGroup var governor: GovernorOptions
        func run() throws {
            try reportingErrors {
                try GovCommand.vote(governor, ChainGovernance.updateCommitteeMemberWeight,
                                    words: [try GovCommand.account(account), ContractCalldata.int256(weight)], what: "member-weight \(account) \(weight)")
            }
        }
    }

    struct Threshold: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vote to change the committee's threshold, a percentage 0–99 (ChainGovernance.updateThreshold).",
            discussion: GovCommand.votingHelp)
        @Argument(help: "The new threshold.") var threshold: Int64
        @OptionGroup var governor: GovernorOptions
        func run() throws {
            try reportingErrors { try GovCommand.vote(governor, ChainGovernance.updateThreshold, words: [ContractCalldata.int256(threshold)], what: "threshold \(threshold)") }
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the committee (ChainGovernance.listCommitteeMembers), as FISCO's JSON, and its threshold.")
        @Option(help: "A node's JSON-RPC URL.") var rpc = "http://127.0.0.1:8545"
        func run() throws {
            try reportingErrors {
                let client = try RPCClient(url: rpc)
                print(try GovernorOptions.callString(client, ChainGovernance.address, ContractCalldata.encode(ChainGovernance.listCommitteeMembers, strings: [])))
                let threshold = try GovernorOptions.callOutput(client, ChainGovernance.address, ContractCalldata.encode(ChainGovernance.queryThreshold, strings: []))
                print("threshold: \(ContractCalldata.decodeInt256(threshold).map(String.init) ?? "?") %")
            }
        }
    }

    static let accountsHelp = """
        A committee member acts alone here, without a vote. In force from the block after the one \
        that includes the call.
        """

    /// Signs a call of `contract` whose arguments are `addresses` and reports FISCO's code (a
    /// member's unvoted act on an account, a contract's life cycle).
    static func callNaming(_ governor: GovernorOptions, _ contract: Address, _ selector: UInt32, _ addresses: [String], what: String) throws {
        let words = try addresses.map(GovCommand.account)
        let code = try governor.call(contract, ContractCalldata.encode(selector, strings: [], words: words))
        try GovernorOptions.report(code, what: "\(what) \(addresses.joined(separator: " "))")
    }

    struct GrantOperator: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-operator",
            abstract: "Make an account an operator (ChainGovernance.grantOperator): it may deploy, create tables and register names.",
            discussion: "Grants it _sys_tables_ and _sys_cns_; from then on only operators deploy. A committee member cannot be one. "
                + GovCommand.accountsHelp)
        @Argument(help: "The account's address.") var account: String
        @OptionGroup var governor: GovernorOptions
        func run() throws { try reportingErrors { try GovCommand.callNaming(governor, ChainGovernance.address, ChainGovernance.grantOperator, [account], what: "grant-operator") } }
    }

    struct RevokeOperator: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-operator", abstract: "Take an operator's grants back (ChainGovernance.revokeOperator).",
            discussion: "The last operator gone, deploying is open again. " + GovCommand.accountsHelp)
        @Argument(help: "The account's address.") var account: String
        @OptionGroup var governor: GovernorOptions
        func run() throws { try reportingErrors { try GovCommand.callNaming(governor, ChainGovernance.address, ChainGovernance.revokeOperator, [account], what: "revoke-operator") } }
    }

    struct Operators: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the operators (ChainGovernance.listOperators), as FISCO's JSON.")
        @Option(help: "A node's JSON-RPC URL.") var rpc = "http://127.0.0.1:8545"
        func run() throws {
            try reportingErrors {
                let client = try RPCClient(url: rpc)
                print(try GovernorOptions.callString(client, ChainGovernance.address, ContractCalldata.encode(ChainGovernance.listOperators, strings: [])))
            }
        }
    }

    struct Freeze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Freeze an account (ChainGovernance.freezeAccount): nodes refuse its transactions.",
            discussion: "One already pending is included with FISCO's status 31 and changes nothing but its nonce. "
                + "A committee member or a contract cannot be frozen. " + GovCommand.accountsHelp)
        @Argument(help: "The account's address.") var account: String
        @OptionGroup var governor: GovernorOptions
        func run() throws { try reportingErrors { try GovCommand.callNaming(governor, ChainGovernance.address, ChainGovernance.freezeAccount, [account], what: "freeze") } }
    }

    struct Unfreeze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unfreeze an account (ChainGovernance.unfreezeAccount).", discussion: GovCommand.accountsHelp)
        @Argument(help: "The account's address.") var account: String
        @OptionGroup var governor: GovernorOptions
        func run() throws { try reportingErrors { try GovCommand.callNaming(governor, ChainGovernance.address, ChainGovernance.unfreezeAccount, [account], what: "unfreeze") } }
    }

    struct AccountStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "account-status", abstract: "Say whether an account is frozen (ChainGovernance.getAccountStatus), in FISCO's words.")
        @Argument(help: "The account's address.") var account: String
        @Option(help: "A node's JSON-RPC URL.") var rpc = "http://127.0.0.1:8545"
        func run() throws {
            try reportingErrors {
                let client = try RPCClient(url: rpc)
                let data = ContractCalldata.encode(ChainGovernance.getAccountStatus, strings: [], words: [try GovCommand.account(account)])
                print(try GovernorOptions.callString(client, ChainGovernance.address, data))
            }
        }
    }
}
