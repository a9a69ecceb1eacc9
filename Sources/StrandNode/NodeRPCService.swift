import Foundation
import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandRPC
import StrandStorage
import StrandTxPool
import StrandTypes

/// The node's JSON-RPC methods: Ethereum's `eth_*` names and FISCO BCOS's beside them.
final class NodeRPCService: RPCService {
    let ledger: Ledger
    let pool: TransactionPool
    let metrics: NodeMetrics
    let feesEnabled: Bool
    let recent: RecentBlocks
    let clock: any NodeClock
    static let clientVersion = "Strand/0.1.0/linux/swift6"
    /// Widest block range `eth_getLogs` scans in one call.
    static let maxLogRange: UInt64 = 10_000

    init(ledger: Ledger, pool: TransactionPool, metrics: NodeMetrics, feesEnabled: Bool, recent: RecentBlocks, clock: any NodeClock) {
        self.recent = recent
        self.clock = clock
        self.ledger = ledger
        self.pool = pool
        self.metrics = metrics
        self.feesEnabled = feesEnabled
    }

    func metricsText() -> String { metrics.text(poolSize: pool.count) }

    func handle(_ calls: [RPCCall]) -> [RPCOutcome] {
        // eth_call and eth_estimateGas run contract code, which recurses on the native stack:
        // a batch that holds any runs on one deep-stack thread, not one thread per call.
        guard calls.contains(where: { $0.method == "eth_call" || $0.method == "eth_estimateGas" }) else {
            return handleHere(calls)
        }
        return DeepStackThread.ensuring { handleHere(calls) }
    }

    private func handleHere(_ calls: [RPCCall]) -> [RPCOutcome] {
        var outcomes = [RPCOutcome](repeating: .error(.internalError("unanswered")), count: calls.count)
        // Raw transactions of the whole batch are admitted together: one batch recovery.
        var raws: [(index: Int, bytes: [UInt8])] = []
        for (index, call) in calls.enumerated() {
            if call.method == "eth_sendRawTransaction" || call.method == "sendRawTransaction" {
                do {
                    let params = RPCParameters(call.params)
                    // FISCO's form puts a group id first.
                    let position = call.method == "sendRawTransaction" && call.params.count > 1 ? 1 : 0
                    raws.append((index, try params.data(position, "raw transaction")))
                } catch {
                    outcomes[index] = .error(error)
                }
            } else {
                do { outcomes[index] = .value(try answer(call)) } catch { outcomes[index] = .error(error) }
            }
        }
        if !raws.isEmpty { admit(raws, into: &outcomes) }
        return outcomes
    }

    private func admit(_ raws: [(index: Int, bytes: [UInt8])], into outcomes: inout [RPCOutcome]) {
        metrics.received.wrappingAdd(UInt64(raws.count), ordering: .relaxed)
        let snapshot: LedgerSnapshot
        do { snapshot = try ledger.snapshot() } catch {
            for raw in raws { outcomes[raw.index] = .error(.internalError("\(error)")) }
            return
        }
        for (raw, result) in zip(raws, pool.admit(raws.map(\.bytes), accounts: snapshot)) {
            switch result {
            case .success(let hash): outcomes[raw.index] = .value(hash.description)
            case .failure(let error):
                metrics.reject(error.code)
                outcomes[raw.index] = .error(.rejected(error.message, cause: error.code.rawValue))
            }
        }
    }

    // MARK: Dispatch

    private func answer(_ call: RPCCall) throws(RPCError) -> Any {
        let p = RPCParameters(call.params)
        switch call.method {
        case "web3_clientVersion", "getClientVersion":
            return call.method == "getClientVersion" ? ["Client Version": Self.clientVersion, "Chain Id": String(ledger.chainID)]
                : Self.clientVersion
        case "net_version": return String(ledger.chainID)
        case "net_listening": return true
        case "net_peerCount": return "0x0"
        case "eth_chainId": return quantity(ledger.chainID)
        case "eth_syncing": return false
        case "eth_accounts": return [Any]()
        case "eth_blockNumber": return quantity(ledger.head.number)
        case "getBlockNumber": return quantity(ledger.head.number)
        case "getTotalTransactionCount":
            let head = ledger.head
            return ["blockNumber": quantity(head.number), "txSum": quantity(head.transactionCount), "failedTxSum": "0x0"]
        case "getPendingTxSize": return quantity(UInt64(pool.count))
        case "getSealerList": return ledger.config.validators.map(\.description)
        case "getSyncStatus":
            let head = ledger.head
            return ["isSyncing": false, "blockNumber": head.number, "latestHash": head.hash.description,
                    "genesisHash": ledger.genesisHash.description, "peers": [Any]()]
        case "getPeers": return [Any]()
        case "getPbftView": return "0x0"
        case "eth_gasPrice", "eth_maxPriorityFeePerGas": return "0x0"
        case "eth_feeHistory": return try feeHistory(p)
        case "eth_getBalance":
            let address = try p.address(0, "address")
            return try atLatest(p, 1) { snapshot throws(RPCError) in snapshot.value(of: .balance(address)).hexString }
        case "eth_getTransactionCount": return try transactionCount(p)
        case "eth_getCode":
            return try atLatest(p, 1) { snapshot throws(RPCError) in
                let codeHash = snapshot.value(of: .codeHash(try p.address(0, "address")))
                if codeHash.isZero { return "0x" }
                return Hex.encode(snapshot.code(hash: Hash(codeHash)) ?? [])
            }
        case "eth_getStorageAt":
            return try atLatest(p, 2) { snapshot throws(RPCError) in
                let slot = Hash(try RPCParameters.quantity(try p.require(1, "slot"), "slot"))
                return Hex.encode(Hash(snapshot.value(of: .storage(try p.address(0, "address"), slot))).bytes)
            }
        case "eth_call": return try simulate(p, estimate: false)
        case "eth_estimateGas": return try simulate(p, estimate: true)
        case "eth_getTransactionByHash": return try transaction(p)
        case "eth_getTransactionReceipt", "getTransactionReceipt":
            return try receipt(p, hashIndex: call.method == "getTransactionReceipt" && call.params.count > 1 ? 1 : 0)
        case "eth_getBlockByNumber": return try block(p, byHash: false)
        case "eth_getBlockByHash": return try block(p, byHash: true)
        case "eth_getLogs": return try logs(p)
        default: throw .methodNotFound(call.method)
        }
    }

    // MARK: State

    private func snapshot() throws(RPCError) -> LedgerSnapshot {
        do { return try ledger.snapshot() } catch { throw .internalError("\(error)") }
    }

    /// Runs `body` on the latest state; the flat state keeps no history, so other blocks are refused.
    private func atLatest(_ p: RPCParameters, _ tagIndex: Int, _ body: (LedgerSnapshot) throws(RPCError) -> Any) throws(RPCError) -> Any {
        let snapshot = try snapshot()
        let tag = try BlockTag(p.optional(tagIndex), name: "block")
        if case .number(let n) = tag, n != snapshot.head.number {
            throw RPCError(code: -32000, message: "state of block \(n) is not kept; this node answers for the latest block (\(snapshot.head.number)) only")
        }
        if tag == .earliest && snapshot.head.number != 0 {
            throw RPCError(code: -32000, message: "state of block 0 is not kept; this node answers for the latest block only")
        }
        return try body(snapshot)
    }

    private func transactionCount(_ p: RPCParameters) throws(RPCError) -> Any {
        let address = try p.address(0, "address")
        let tag = try BlockTag(p.optional(1), name: "block")
        if tag == .pending, let pending = pool.pendingNonce(of: address) { return quantity(pending) }
        return try atLatest(p, 1) { snapshot throws(RPCError) in snapshot.value(of: .nonce(address)).hexString }
    }

    private func feeHistory(_ p: RPCParameters) throws(RPCError) -> Any {
        let count = min(try RPCParameters.uint64(try p.require(0, "block count"), "block count"), 1024)
        let head = ledger.head.number
        guard count > 0 else { return ["oldestBlock": quantity(head), "baseFeePerGas": [String](), "gasUsedRatio": [Double]()] }
        let oldest = head >= count ? head - count + 1 : 0
        let blocks = Int(head - oldest + 1)
        var result: [String: Any] = [
            "oldestBlock": quantity(oldest),
            "baseFeePerGas": Array(repeating: "0x0", count: blocks + 1),
            "gasUsedRatio": Array(repeating: 0.0, count: blocks),
        ]
        if let percentiles = p.optional(2) as? [Any] {
            result["reward"] = Array(repeating: Array(repeating: "0x0", count: percentiles.count), count: blocks)
        }
        return result
    }

    /// eth_call and eth_estimateGas: the call runs on the latest state through the serial
    /// executor, as if it were the next block's only transaction, and is not kept.
    private func simulate(_ p: RPCParameters, estimate: Bool) throws(RPCError) -> Any {
        let object = try p.object(0, "call")
        let snapshot = try snapshot()
        let from = try (object["from"] as? String).map { text throws(RPCError) in try RPCParameters.address(text, "from") } ?? .zero
        let to = try (object["to"] as? String).map { text throws(RPCError) in try RPCParameters.address(text, "to") }
        let input = (object["data"] ?? object["input"]) as? String
        let data = try input.map { text throws(RPCError) in try RPCParameters.data(text, "data") } ?? []
        let value = try object["value"].map { v throws(RPCError) in try RPCParameters.quantity(v, "value") } ?? .zero
        let gas = try object["gas"].map { v throws(RPCError) in try RPCParameters.uint64(v, "gas") } ?? pool.config.blockGasLimit
        let nonce = snapshot.value(of: .nonce(from)).uint64 ?? 0
        let content = UnsignedTransaction(type: .dynamicFee, chainID: ledger.chainID, nonce: nonce, gasLimit: gas, to: to,
                                          value: value, data: data)
        // Simulated in the block the transaction will plausibly land in: the next one, in a
        // later second than the head's (a contract may do more when TIMESTAMP has moved, as
        // Uniswap's price accumulators do; estimating in the head's second would then fall short).
        let headSeconds = ((try? snapshot.header(number: snapshot.head.number)) ?? nil)?.evmTimestamp ?? 0
        let timestamp = max(clock.wallMilliseconds() / 1000, headSeconds + 1)
        // The executor never looks at signatures: the caller is the sender.
        var context = BlockContext(
            number: snapshot.head.number + 1, timestamp: timestamp,
            sealer: ledger.config.suite.address(of: ledger.config.validators[0]), gasLimit: pool.config.blockGasLimit, feesEnabled: false,
            chainID: ledger.chainID,
            blockHash: ChainTip.blockHashes(ledger: ledger, parent: (snapshot.head.number, snapshot.head.hash)))
        context.isSimulation = true
        func run(gasLimit: UInt64) throws(RPCError) -> Receipt {
            var limited = content
            limited.gasLimit = gasLimit
            let tx = RecoveredTransaction(Transaction(limited, signature: RecoverableSignature(r: .one, s: .one, recoveryID: 0)), sender: from)
            let result = SerialExecutor().execute([tx], on: snapshot, context: context)
            if let excluded = result.excluded.first { throw RPCError(code: -32000, message: excluded.reason.description) }
            return result.receipts[0]
        }
        let receipt = try run(gasLimit: gas)
        if receipt.status == .failure {
            throw .reverted(ABI.revertReason(receipt.output), data: Hex.encode(receipt.output))
        }
        guard estimate else { return Hex.encode(receipt.output) }
        // Gas used after refunds may be too little as a limit (refunds, the 63/64 rule of calls):
        // find the least limit that succeeds.
        guard try run(gasLimit: receipt.gasUsed).status == .failure else { return quantity(receipt.gasUsed) }
        var (failing, passing) = (receipt.gasUsed, gas)
        while passing - failing > 1 {
            let middle = failing + (passing - failing) / 2
            if try run(gasLimit: middle).status == .success { passing = middle } else { failing = middle }
        }
        return quantity(passing)
    }

    // MARK: Blocks, transactions, receipts

    /// The cached block holding `hash`, and the transaction's index in it.
    private func locate(_ hash: Hash, in snapshot: LedgerSnapshot) throws(RPCError) -> (RecentBlocks.Entry, Int)? {
        do {
            guard let location = try snapshot.location(ofTransaction: hash),
                  let entry = try recent.entry(number: location.blockNumber, in: snapshot),
                  let index = entry.positions[hash] else { return nil }
            return (entry, index)
        } catch { throw .internalError("\(error)") }
    }

    private func transaction(_ p: RPCParameters) throws(RPCError) -> Any {
        let hash = try p.hash(0, "transaction hash")
        let snapshot = try snapshot()
        if let (entry, index) = try locate(hash, in: snapshot) {
            return transactionJSON(entry.block.transactions[index], sender: entry.senders[index], block: entry.block.header,
                                   blockHash: entry.hash, index: UInt32(index))
        }
        if let pending = pool.transaction(hash) {
            return transactionJSON(pending.transaction, sender: pending.sender, block: nil, blockHash: nil, index: nil)
        }
        return NSNull()
    }

    private func receipt(_ p: RPCParameters, hashIndex: Int) throws(RPCError) -> Any {
        let hash = try p.hash(hashIndex, "transaction hash")
        guard let (entry, index) = try locate(hash, in: try snapshot()) else { return NSNull() }
        // Log indexes count from the start of the block, as in eth_getLogs.
        let firstLogIndex = entry.receipts[..<index].reduce(0) { $0 + $1.logs.count }
        return receiptJSON(entry.receipts[index], tx: entry.block.transactions[index], sender: entry.senders[index],
                           block: entry.block.header, blockHash: entry.hash, firstLogIndex: firstLogIndex)
    }

    private func block(_ p: RPCParameters, byHash: Bool) throws(RPCError) -> Any {
        let snapshot = try snapshot()
        let full = try p.bool(1, "full transactions", default: false)
        do {
            let number: UInt64?
            if byHash {
                number = try snapshot.number(ofBlock: try p.hash(0, "block hash"))
            } else {
                switch try BlockTag(try p.require(0, "block"), name: "block") {
                case .latest, .pending: number = snapshot.head.number
                case .earliest: number = 0
                case .number(let n): number = n
                }
            }
            guard let number, let entry = try recent.entry(number: number, in: snapshot) else { return NSNull() }
            return blockJSON(entry, full: full)
        } catch let error as RPCError { throw error } catch { throw .internalError("\(error)") }
    }

    private func logs(_ p: RPCParameters) throws(RPCError) -> Any {
        let filter = try p.object(0, "filter")
        let snapshot = try snapshot()
        let head = snapshot.head.number
        func bound(_ key: String) throws(RPCError) -> UInt64 {
            switch try BlockTag(filter[key], name: key) {
            case .latest, .pending: head
            case .earliest: 0
            case .number(let n): min(n, head)
            }
        }
        var from = try bound("fromBlock"), to = try bound("toBlock")
        if let blockHash = filter["blockHash"] as? String {
            let hash: Hash
            do { hash = try Hash(hex: blockHash) } catch { throw .invalidParams("blockHash: \(error)") }
            guard let number = try? snapshot.number(ofBlock: hash) else { return [Any]() }
            (from, to) = (number, number)
        }
        guard from <= to else { return [Any]() }
        guard to - from < Self.maxLogRange else {
            throw .invalidParams("block range of \(to - from + 1) exceeds \(Self.maxLogRange) blocks")
        }
        var addresses: Set<Address>?
        switch filter["address"] {
        case let text as String: addresses = [try RPCParameters.address(text, "address")]
        case let list as [Any]:
            addresses = Set(try list.map { item throws(RPCError) -> Address in
                guard let text = item as? String else { throw .invalidParams("address list must hold strings") }
                return try RPCParameters.address(text, "address")
            })
        case nil, is NSNull: addresses = nil
        default: throw .invalidParams("address must be a string or a list")
        }
        var topics: [Set<Hash>?] = []
        if let list = filter["topics"] as? [Any] {
            for entry in list {
                switch entry {
                case is NSNull: topics.append(nil)
                case let text as String:
                    do { topics.append([try Hash(hex: text)]) } catch { throw .invalidParams("topic: \(error)") }
                case let options as [Any]:
                    var set = Set<Hash>()
                    for option in options {
                        guard let text = option as? String, let hash = try? Hash(hex: text) else { throw .invalidParams("bad topic") }
                        set.insert(hash)
                    }
                    topics.append(set)
                default: throw .invalidParams("topics must be strings, lists or null")
                }
            }
        }
        var results: [Any] = []
        do {
            for number in from...to {
                guard let receipts = try snapshot.receipts(blockNumber: number), receipts.contains(where: { !$0.logs.isEmpty }),
                      let header = try snapshot.header(number: number) else { continue }
                var logIndex = 0
                for receipt in receipts {
                    for log in receipt.logs {
                        defer { logIndex += 1 }
                        if let addresses, !addresses.contains(log.address) { continue }
                        let matches = topics.enumerated().allSatisfy { i, wanted in
                            wanted == nil || (i < log.topics.count && wanted!.contains(log.topics[i]))
                        }
                        if !matches { continue }
                        results.append(logJSON(log, receipt: receipt, header: header, blockHash: header.hash, index: logIndex))
                    }
                }
            }
        } catch { throw .internalError("\(error)") }
        return results
    }

    // MARK: JSON shapes (as Ethereum clients write them)

    private func quantity(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Ethereum clients refuse extra data past 32 bytes (web3.py's proof-of-authority check);
    /// the genesis block's holds the chain config, so longer data is shown as its Keccak-256.
    static func ethereumExtraData(_ bytes: [UInt8]) -> String {
        bytes.count <= 32 ? Hex.encode(bytes) : Keccak256.hash(bytes).description
    }

    private static let emptyBloom = "0x" + String(repeating: "0", count: 512)

    private func blockJSON(_ entry: RecentBlocks.Entry, full: Bool) -> [String: Any] {
        let block = entry.block
        let header = block.header
        let hash = entry.hash
        return [
            "number": quantity(header.number), "hash": hash.description, "parentHash": header.parentHash.description,
            "nonce": "0x0000000000000000", "mixHash": Hash.zero.description,
            "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
            "logsBloom": Self.emptyBloom, "transactionsRoot": header.transactionsRoot.description,
            "stateRoot": header.stateRoot.description, "receiptsRoot": header.receiptsRoot.description,
            "miner": header.sealer.description, "difficulty": "0x0", "totalDifficulty": "0x0",
            "extraData": Self.ethereumExtraData(header.extraData), "size": quantity(UInt64(header.encoded.count + block.encodedBody.count)),
            "gasLimit": quantity(header.gasLimit), "gasUsed": quantity(header.gasUsed), "timestamp": quantity(header.evmTimestamp),
            "baseFeePerGas": "0x0", "uncles": [Any](),
            "transactions": full
                ? block.transactions.enumerated().map {
                    transactionJSON($1, sender: entry.senders[$0], block: header, blockHash: hash, index: UInt32($0))
                }
                : block.transactions.map { $0.hash.description },
        ]
    }

    private func transactionJSON(_ tx: Transaction, sender: Address?, block: BlockHeader?, blockHash: Hash?, index: UInt32?) -> [String: Any] {
        var object: [String: Any] = [
            "hash": tx.hash.description, "nonce": quantity(tx.nonce), "from": sender?.description ?? NSNull(),
            "to": tx.to?.description ?? NSNull(), "value": tx.value.hexString, "gas": quantity(tx.gasLimit),
            "gasPrice": tx.maxFeePerGas.hexString, "input": Hex.encode(tx.data), "type": quantity(UInt64(tx.type.rawValue)),
            "v": tx.v.hexString, "r": tx.signature.r.hexString, "s": tx.signature.s.hexString,
            "blockHash": blockHash?.description ?? NSNull(), "blockNumber": block.map { quantity($0.number) } ?? NSNull(),
            "transactionIndex": index.map { quantity(UInt64($0)) } ?? NSNull(),
        ]
        if let chainID = tx.chainID { object["chainId"] = quantity(chainID) }
        if tx.type != .legacy {
            object["yParity"] = quantity(UInt64(tx.signature.recoveryID))
            object["accessList"] = tx.accessList.map { ["address": $0.address.description, "storageKeys": $0.storageKeys.map(\.description)] }
        }
        if tx.type == .dynamicFee {
            object["maxFeePerGas"] = tx.maxFeePerGas.hexString
            object["maxPriorityFeePerGas"] = tx.maxPriorityFeePerGas.hexString
        }
        return object
    }

    private func receiptJSON(
        _ receipt: Receipt, tx: Transaction, sender: Address?, block: BlockHeader, blockHash: Hash, firstLogIndex: Int
    ) -> [String: Any] {
        var object: [String: Any] = [
            "transactionHash": receipt.transactionHash.description, "transactionIndex": quantity(UInt64(receipt.transactionIndex)),
            "blockHash": blockHash.description, "blockNumber": quantity(block.number),
            "from": sender?.description ?? NSNull(), "to": tx.to?.description ?? NSNull(),
            "cumulativeGasUsed": quantity(receipt.cumulativeGasUsed), "gasUsed": quantity(receipt.gasUsed),
            "effectiveGasPrice": feesEnabled ? min(tx.maxFeePerGas, tx.maxPriorityFeePerGas).hexString : "0x0",
            "contractAddress": receipt.contractAddress?.description ?? NSNull(),
            "logs": receipt.logs.enumerated().map {
                logJSON($1, receipt: receipt, header: block, blockHash: blockHash, index: firstLogIndex + $0)
            },
            "logsBloom": Self.emptyBloom, "status": quantity(UInt64(receipt.status.rawValue)),
            "type": quantity(UInt64(tx.type.rawValue)), "output": Hex.encode(receipt.output),
        ]
        if receipt.status == .failure, let reason = ABI.revertReason(receipt.output) { object["revertReason"] = reason }
        return object
    }

    private func logJSON(_ log: Log, receipt: Receipt, header: BlockHeader, blockHash: Hash, index: Int) -> [String: Any] {
        [
            "address": log.address.description, "topics": log.topics.map(\.description), "data": Hex.encode(log.data),
            "blockNumber": quantity(header.number), "blockHash": blockHash.description,
            "transactionHash": receipt.transactionHash.description, "transactionIndex": quantity(UInt64(receipt.transactionIndex)),
            "logIndex": quantity(UInt64(index)), "removed": false,
        ]
    }
}
