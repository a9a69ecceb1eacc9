import StrandBrowser
import StrandChain
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTypes

/// The browser's JSON for blocks, transactions and accounts: plain numbers where a page
/// computes with them, decimal strings for values, success or failure with its reason, and
/// calls and events decoded where the catalog knows the contract.
struct BrowserShapes {
    let node: RPCContext
    let catalog: ContractCatalog

    func blockSummary(_ entry: RecentBlocks.Entry) -> JSONValue {
        let header = entry.block.header
        return [
            "number": .integer(Int64(header.number)), "hash": .string(entry.hash.description),
            "timestamp": .integer(Int64(header.timestamp)), "transactions": .integer(Int64(entry.block.transactions.count)),
            "failed": .integer(Int64(entry.receipts.filter { $0.status != .success }.count)),
            "gasUsed": .integer(Int64(header.gasUsed)), "sealer": .string(header.sealer.description),
        ]
    }

    func block(_ entry: RecentBlocks.Entry, in snapshot: LedgerSnapshot, listing limit: Int) -> JSONValue {
        let header = entry.block.header
        guard case .object(var object) = blockSummary(entry) else { return .null }
        object["parentHash"] = .string(header.parentHash.description)
        object["stateRoot"] = .string(header.stateRoot.description)
        object["transactionsRoot"] = .string(header.transactionsRoot.description)
        object["receiptsRoot"] = .string(header.receiptsRoot.description)
        object["gasLimit"] = .integer(Int64(header.gasLimit))
        object["view"] = .integer(Int64(header.seal.view))
        object["sealSignatures"] = .array(header.seal.signatures.map { .integer(Int64($0.validatorIndex)) })
        object["isHead"] = .bool(header.number == snapshot.head.number)
        let shown = min(limit, entry.block.transactions.count)
        object["transactionList"] = .array((0..<shown).map { transactionSummary(at: $0, in: entry, snapshot: snapshot) })
        return .object(object)
    }

    /// One line of a list: who, to whom, what was called, whether it worked. `sender` when the
    /// entry has none (a block peeked at, not cached).
    func transactionSummary(at index: Int, in entry: RecentBlocks.Entry, snapshot: LedgerSnapshot, sender: Address? = nil) -> JSONValue {
        let transaction = entry.block.transactions[index], receipt = entry.receipts[index]
        var object: JSONObject = [
            "hash": .string(transaction.hash.description), "block": .integer(Int64(entry.block.number)), "index": .integer(Int64(index)),
            "from": (entry.senders[index] ?? sender).map { .string($0.description) } ?? .null,
            "to": transaction.to.map { .string($0.description) } ?? .null,
            "success": .bool(receipt.status == .success), "format": .string(Self.format(transaction)),
        ]
        if let created = receipt.contractAddress { object["contractAddress"] = .string(created.description) }
        if let to = transaction.to, case .object(let call)? = interface(of: to, snapshot)?.decodeCall(transaction.data) {
            object["method"] = call["function"]
            object["contract"] = call["contract"]
        } else if transaction.to == nil {
            object["method"] = "deploy"
        }
        return .object(object)
    }

    func transaction(at index: Int, in entry: RecentBlocks.Entry, snapshot: LedgerSnapshot) -> JSONValue {
        let transaction = entry.block.transactions[index], receipt = entry.receipts[index]
        var object = details(transaction, sender: entry.senders[index], snapshot: snapshot)
        object["state"] = "committed"
        object["block"] = .integer(Int64(entry.block.number))
        object["blockHash"] = .string(entry.hash.description)
        object["index"] = .integer(Int64(index))
        object["timestamp"] = .integer(Int64(entry.block.header.timestamp))
        object["success"] = .bool(receipt.status == .success)
        let code = FiscoStatus.code(of: receipt, gasLimit: transaction.gasLimit)
        object["fiscoStatus"] = .integer(Int64(code))
        if receipt.status != .success {
            object["reason"] = .string(ContractInterface.revertReason(receipt.output) ?? Self.statusText(code))
        }
        object["gasUsed"] = .integer(Int64(receipt.gasUsed))
        object["output"] = .string(Hex.encode(receipt.output))
        if let created = receipt.contractAddress { object["contractAddress"] = .string(created.description) }
        object["logs"] = .array(receipt.logs.map { log in
            var shown: JSONObject = [
                "address": .string(log.address.description), "topics": .array(log.topics.map { .string($0.description) }),
                "data": .string(Hex.encode(log.data)),
            ]
            shown["decoded"] = interface(of: log.address, snapshot)?.decodeLog(topics: log.topics, data: log.data) ?? .null
            return .object(shown)
        })
        return .object(object)
    }

    func pending(_ transaction: Transaction, sender: Address, snapshot: LedgerSnapshot) -> JSONValue {
        var object = details(transaction, sender: sender, snapshot: snapshot)
        object["state"] = "pending"
        return .object(object)
    }

    /// An account or contract, with its transactions among the last `blocks` blocks. Blocks
    /// the node has not cached cost a recovery of their senders; past `recoveryBudget` of those
    /// the search stops, and says how far it went.
    func account(_ address: Address, in snapshot: LedgerSnapshot, searching blocks: Int, recoveryBudget: Int) throws(RPCError) -> JSONValue {
        let codeHash = Hash(snapshot.value(of: .codeHash(address)))
        let code = codeHash == .zero ? [] : snapshot.code(hash: codeHash) ?? []
        var object: JSONObject = [
            "address": .string(address.description), "balance": .string(snapshot.value(of: .balance(address)).description),
            "nonce": .integer(Int64(snapshot.value(of: .nonce(address)).uint64 ?? 0)),
            "kind": .string(catalog.isSystem(address) ? "system contract" : codeHash == .zero ? "account" : "EVM contract"),
            "codeSize": .integer(Int64(code.count)),
        ]
        if codeHash != .zero { object["codeHash"] = .string(codeHash.description) }
        if let interface = catalog.interface(at: address, codeHash: codeHash) {
            object["contract"] = .string(interface.name)
            object["functions"] = .array(interface.functions.values.map(\.signature).sorted().map { .string($0) })
        }
        var found: [JSONValue] = []
        var searched = 0, budget = recoveryBudget
        var number = snapshot.head.number
        while searched < blocks && found.count < 50 {
            guard let entry = try snapshot.readingLedger({ try node.recent.peek(number: number, in: $0) }) else { break }
            var senders = entry.senders
            if senders.contains(where: { $0 == nil }) && !entry.block.transactions.isEmpty {
                guard budget >= entry.block.transactions.count else { break }
                budget -= entry.block.transactions.count
                senders = node.recent.recoverSenders(entry.block.transactions)
            }
            for index in entry.block.transactions.indices.reversed() where found.count < 50 {
                if entry.block.transactions[index].to == address || senders[index] == address || entry.receipts[index].contractAddress == address {
                    found.append(transactionSummary(at: index, in: entry, snapshot: snapshot, sender: senders[index]))
                }
            }
            searched += 1
            if number == 0 { break }
            number -= 1
        }
        object["transactions"] = .array(found)
        object["searchedBlocks"] = .integer(Int64(searched))
        return .object(object)
    }

    private func details(_ transaction: Transaction, sender: Address?, snapshot: LedgerSnapshot) -> JSONObject {
        var object: JSONObject = [
            "hash": .string(transaction.hash.description), "format": .string(Self.format(transaction)),
            "from": sender.map { .string($0.description) } ?? .null, "to": transaction.to.map { .string($0.description) } ?? .null,
            "value": .string(transaction.value.description), "gasLimit": .integer(Int64(transaction.gasLimit)),
            "input": .string(Hex.encode(transaction.data)),
        ]
        if let fisco = transaction.content.fisco {
            object["randomId"] = .string(fisco.randomID.description)
            object["blockLimit"] = .integer(Int64(fisco.blockLimit))
            object["groupId"] = .integer(Int64(fisco.groupID))
        } else {
            object["nonce"] = .integer(Int64(transaction.nonce))
        }
        if let chainID = transaction.chainID { object["chainId"] = .integer(Int64(chainID)) }
        if let to = transaction.to {
            object["call"] = interface(of: to, snapshot)?.decodeCall(transaction.data) ?? .null
        }
        return object
    }

    private func interface(of address: Address, _ snapshot: LedgerSnapshot) -> ContractInterface? {
        catalog.interface(at: address, codeHash: Hash(snapshot.value(of: .codeHash(address))))
    }

    static func format(_ transaction: Transaction) -> String {
        switch transaction.type {
        case .fisco: "FISCO BCOS 2.x"
        case .legacy: transaction.chainID == nil ? "Ethereum legacy (no chain id)" : "Ethereum legacy (EIP-155)"
        case .accessList: "Ethereum EIP-2930"
        case .dynamicFee: "Ethereum EIP-1559"
        }
    }

    /// FISCO's words for its receipt status codes.
    static func statusText(_ code: UInt64) -> String {
        switch code {
        case FiscoStatus.success: "success"
        case FiscoStatus.outOfGas: "out of gas"
        case FiscoStatus.revertInstruction: "reverted (no reason given)"
        case 18: "permission denied: this account may not deploy contracts"
        case 30: "contract frozen (ContractLifeCycle)"
        case 31: "account frozen (ChainGovernance)"
        default: "failed (FISCO status \(code))"
        }
    }
}
