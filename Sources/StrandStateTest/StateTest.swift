import Foundation
import StrandCrypto
import StrandEVM
import StrandPrimitives
import StrandTypes

/// One file of Ethereum's GeneralStateTests: named tests, each a pre-state, a block
/// environment, a transaction template and, per fork, the expected post-states of every
/// (data, gas, value) combination.
///
/// `@unchecked Sendable`: the parsed JSON is never mutated after loading.
public struct StateTest: @unchecked Sendable {
    public let name: String
    let environment: [String: Any]
    let pre: [String: Any]
    let transaction: [String: Any]
    let post: [String: [[String: Any]]]

    /// Why a test file could not be read.
    public struct FormatError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The tests of one file.
    public static func load(_ url: URL) throws -> [StateTest] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let tests = object as? [String: Any] else { throw FormatError(message: "\(url.path): not a JSON object") }
        return try tests.keys.sorted().map { name in
            guard let test = tests[name] as? [String: Any], let env = test["env"] as? [String: Any],
                  let pre = test["pre"] as? [String: Any], let tx = test["transaction"] as? [String: Any],
                  let post = test["post"] as? [String: Any] else {
                throw FormatError(message: "\(url.path): \(name): missing env, pre, transaction or post")
            }
            return StateTest(
                name: name, environment: env, pre: pre, transaction: tx,
                post: post.mapValues { ($0 as? [Any] ?? []).map { $0 as? [String: Any] ?? [:] } }
            )
        }
    }

    /// The result of one post-state entry.
    public struct CaseResult: Sendable {
        public let name: String
        public let fork: String
        public let index: Int
        public let failure: String?
        public var passed: Bool { failure == nil }
    }

    /// Runs every entry of `fork`. Call on a thread with a deep stack (`DeepStackThread`).
    public func run(fork: String) -> [CaseResult] {
        guard let entries = post[fork] else { return [] }
        return entries.enumerated().map { index, entry in
            let failure: String?
            do { failure = try runEntry(entry) } catch { failure = "\(error)" }
            return CaseResult(name: name, fork: fork, index: index, failure: failure)
        }
    }

    private func runEntry(_ entry: [String: Any]) throws -> String? {
        let state = try preState()
        let indexes = entry["indexes"] as? [String: Any] ?? [:]
        let (tx, sender, parseFailure) = try transaction(
            data: indexes["data"] as? Int ?? 0, gas: indexes["gas"] as? Int ?? 0, value: indexes["value"] as? Int ?? 0
        )
        let expectException = entry["expectException"] as? String
        let world = WorldState(source: state)
        let evm = EVM(state: world, block: try block())
        var logs: [Log] = []
        var invalid: String? = parseFailure
        if invalid == nil, let tx {
            do { logs = try evm.transact(tx, sender: sender).logs } catch { invalid = "\(error)" }
        }
        if let expectException, invalid == nil { return "expected exception \(expectException), transaction was valid" }
        if expectException == nil, let invalid { return "unexpected invalid transaction: \(invalid)" }
        state.apply(world.diff())
        let expectedRoot = try Hash(hex: entry["hash"] as? String ?? "")
        let expectedLogs = try Hash(hex: entry["logs"] as? String ?? "")
        let root = state.stateRoot
        if root != expectedRoot { return "state root \(root), expected \(expectedRoot)" }
        let logsHash = Log.listHash(logs)
        if logsHash != expectedLogs { return "logs hash \(logsHash), expected \(expectedLogs)" }
        return nil
    }

    // MARK: Parsing

    private func preState() throws -> InMemoryEVMState {
        let state = InMemoryEVMState()
        for (key, value) in pre {
            guard let account = value as? [String: Any] else { throw FormatError(message: "pre: \(key) is not an object") }
            var slots: [UInt256: UInt256] = [:]
            for (slot, slotValue) in account["storage"] as? [String: Any] ?? [:] {
                slots[try number(slot)] = try number(slotValue)
            }
            state.setAccount(
                try Address(hex: key), nonce: try number(account["nonce"] ?? "0x0").uint64 ?? .max,
                balance: try number(account["balance"] ?? "0x0"), code: try bytes(account["code"] ?? "0x"),
                storage: slots
            )
        }
        return state
    }

    private func block() throws -> BlockEnvironment {
        let env = environment
        let excessBlobGas = try env["currentExcessBlobGas"].map(number) ?? .zero
        return BlockEnvironment(
            number: try number(env["currentNumber"] ?? "0x0").uint64 ?? 0,
            timestamp: try number(env["currentTimestamp"] ?? "0x0").uint64 ?? 0,
            gasLimit: try number(env["currentGasLimit"] ?? "0x0").uint64 ?? .max,
            coinbase: try Address(hex: env["currentCoinbase"] as? String ?? ""),
            baseFee: try env["currentBaseFee"].map(number) ?? .zero,
            prevRandao: try (env["currentRandom"] ?? env["currentDifficulty"]).map(number) ?? .zero,
            chainID: .one,
            blobBaseFee: Self.blobBaseFee(excessBlobGas: excessBlobGas),
            // The state tests' convention (geth's vmTestBlockHash): keccak of the decimal number.
            blockHash: { Keccak256.hash(Array(String($0).utf8)) }
        )
    }

    /// The transaction for one index triple, its sender, and why it is invalid if it cannot
    /// even be built (a gas limit beyond 64 bits, say).
    private func transaction(data: Int, gas: Int, value: Int) throws -> (UnsignedTransaction?, Address, String?) {
        let tx = transaction
        let sender: Address
        if let secret = tx["secretKey"] as? String {
            sender = try PrivateKey(hex: secret).address
        } else {
            sender = try Address(hex: tx["sender"] as? String ?? "")
        }
        let datas = tx["data"] as? [String] ?? []
        let gasLimits = tx["gasLimit"] as? [String] ?? []
        let values = tx["value"] as? [String] ?? []
        guard data < datas.count, gas < gasLimits.count, value < values.count else {
            throw FormatError(message: "index out of range")
        }
        guard let gasLimit = try number(gasLimits[gas]).uint64 else { return (nil, sender, "gas limit exceeds 64 bits") }
        guard let nonce = try number(tx["nonce"] ?? "0x0").uint64 else { return (nil, sender, "nonce exceeds 64 bits") }
        let toText = tx["to"] as? String ?? ""
        let to = toText.isEmpty ? nil : try Address(hex: toText)
        var accessList: [AccessListEntry] = []
        var type = TransactionType.legacy
        if let lists = tx["accessLists"] as? [Any], data < lists.count, let list = lists[data] as? [[String: Any]] {
            type = .accessList
            for entry in list {
                accessList.append(AccessListEntry(
                    address: try Address(hex: entry["address"] as? String ?? ""),
                    storageKeys: try (entry["storageKeys"] as? [String] ?? []).map { try Hash(hex: $0) }
                ))
            }
        }
        let maxFee: UInt256, priorityFee: UInt256
        if let fee = tx["maxFeePerGas"] {
            type = .dynamicFee
            maxFee = try number(fee)
            priorityFee = try number(tx["maxPriorityFeePerGas"] ?? "0x0")
        } else {
            maxFee = try number(tx["gasPrice"] ?? "0x0")
            priorityFee = maxFee
        }
        // A value wider than 256 bits is a transaction no chain could carry: invalid, as the
        // test expects, not a malformed file.
        let amount: UInt256
        do { amount = try number(values[value]) } catch NumberParseError.overflow {
            return (nil, sender, "value exceeds 256 bits")
        }
        let unsigned = UnsignedTransaction(
            type: type, chainID: 1, nonce: nonce, maxPriorityFeePerGas: priorityFee, maxFeePerGas: maxFee,
            gasLimit: gasLimit, to: to, value: amount, data: try bytes(datas[data]),
            accessList: accessList
        )
        return (unsigned, sender, nil)
    }

    /// EIP-4844's blob base fee: fake_exponential(1, excess, 3338477).
    static func blobBaseFee(excessBlobGas: UInt256) -> UInt256 {
        let denominator = UInt256(3_338_477)
        var output = UInt256.zero
        var accumulator = denominator
        var i = UInt256.one
        while !accumulator.isZero {
            output = output &+ accumulator
            accumulator = (accumulator &* excessBlobGas) / (denominator &* i)
            i = i &+ .one
        }
        return output / denominator
    }
}

private func number(_ value: Any) throws -> UInt256 {
    if let int = value as? Int { return UInt256(int) }
    guard let text = value as? String else { throw StateTest.FormatError(message: "expected a number, got \(value)") }
    if text == "0x" || text.isEmpty { return .zero }
    if text.hasPrefix("0x:bigint ") { return try UInt256(parsing: text.dropFirst(10)) }
    return try UInt256(parsing: text)
}

private func bytes(_ value: Any) throws -> [UInt8] {
    guard let text = value as? String else { throw StateTest.FormatError(message: "expected hex bytes, got \(value)") }
    return try Hex.decode(text)
}
