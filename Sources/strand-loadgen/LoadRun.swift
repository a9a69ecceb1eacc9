import Foundation
import Histogram
import StrandCrypto
import StrandPrimitives
import StrandRPCClient
import StrandWorkloads
import StrandTypes
import Synchronization

/// One run of the load generator: setup, signing, the timed phase, the report and the checks.
final class LoadRun: @unchecked Sendable {
    let options: LoadGen
    let workers = WorkerThreads()
    let control: RPCClient
    var chainID: UInt64 = 0
    /// FISCO transactions: the block limit they carry, and random ids unique to this run.
    var fiscoBlockLimit: UInt64 = 0
    let randomIDSalt = UInt64.random(in: 1...UInt64.max)
    let nextRandomID = Atomic<UInt64>(0)

    init(options: LoadGen) throws {
        self.options = options
        control = try RPCClient(url: options.rpcURLs[0])
    }

    func progress(_ line: String) {
        if !options.json { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Runs everything; returns whether verification passed.
    func execute() throws -> Bool {
        chainID = try RPCParameters.quantity(try control.call("eth_chainId", []))
        fiscoBlockLimit = try RPCParameters.quantity(try control.call("eth_blockNumber", [])) + 500
        let accountCount = options.accounts ?? max(64, (options.txs + 31) / 32)
        progress("setup: \(accountCount) accounts, workload \(options.workload.rawValue), \(options.format.rawValue) format, chain \(chainID)")
        let senders = makeKeys(accountCount)
        var nonces = [UInt64](repeating: 0, count: senders.count)
        let users = (0..<options.users).map { "u\(UInt32.random(in: 0...UInt32.max))-\($0)" }

        var token = Address.zero
        if options.workload == .transfer {
            try fund(senders.map(address))
        } else if options.workload == .erc20 {
            token = try deployToken(from: senders, nonces: &nonces)
        } else {
            progress("setup: adding \(users.count) ParallelTransfer users")
            var adds = [[[UInt8]]](repeating: [], count: senders.count)
            for (i, user) in users.enumerated() {
                let s = i % senders.count
                adds[s].append(sign(senders[s], nonce: nonces[s], to: ParallelTransfer.address, value: .zero,
                                    data: ParallelTransfer.Request.userAdd(user: user, balance: UInt256(1_000_000_000)).calldata))
                nonces[s] += 1
            }
            try sendInWaves(adds, what: "user")
        }

        // Sign the timed transactions on all cores, in sending order (round r = nonce r of every sender).
        progress("signing \(options.txs) transactions on \(workers.parallelism) cores…")
        var plan: [(sender: Int, nonce: UInt64, to: Address, value: UInt256, data: [UInt8])] = []
        plan.reserveCapacity(options.txs)
        var generator = SystemRandomNumberGenerator()
        for i in 0..<options.txs {
            let s = i % senders.count
            let nonce = nonces[s]
            nonces[s] += 1
            switch options.workload {
            case .dagTransfer:
                let n = users.count
                let request = ParallelTransfer.Request.userTransfer(
                    from: users[i % n], to: users[(i + n / 2) % n], amount: UInt256(UInt64.random(in: 1...100, using: &generator)))
                plan.append((s, nonce, ParallelTransfer.address, .zero, request.calldata))
            case .transfer:
                plan.append((s, nonce, address(senders[(s + 1) % senders.count]), UInt256(UInt64.random(in: 1...100)), []))
            case .erc20:
                // FISCO's pattern over token holders: from = holders[i % n], to = holders[(i + n/2) % n].
                let n = senders.count
                let to = address(senders[(s + n / 2) % n])
                plan.append((s, nonce, token, .zero,
                             ERC20Artifact.transfer(to: to, amount: UInt256(UInt64.random(in: 1...100, using: &generator)))))
            case .hotspot:
                // Like dag-transfer, but a fraction --conflict of the transfers come from one hot user.
                let n = users.count
                let from = Double.random(in: 0..<1, using: &generator) < options.conflict ? users[0] : users[i % n]
                let request = ParallelTransfer.Request.userTransfer(
                    from: from, to: users[(i + n / 2) % n], amount: UInt256(UInt64.random(in: 1...100, using: &generator)))
                plan.append((s, nonce, ParallelTransfer.address, .zero, request.calldata))
            }
        }
        let signed = signAll(plan.map { (senders[$0.sender], $0.nonce, $0.to, $0.value, $0.data) })

        let holders = senders.map(address)
        let tokensBefore = options.workload == .erc20 ? try tokenBalances(token, holders) : []
        let before = try conservedTotal(senders: holders, users: users, token: token)
        let outcome = try timedPhase(signed)
        let after = try conservedTotal(senders: holders, users: users, token: token)
        // Asked for block by block, so that the node reads each block once.
        let byBlock = outcome.accepted.map(\.hash).sorted { (outcome.commitBlocks[$0] ?? .max) < (outcome.commitBlocks[$1] ?? .max) }
        let receipts = try receiptStatuses(byBlock)
        let missing = receipts.filter { $0 == nil }.count
        let failedReceipts = receipts.filter { $0 == false }.count
        var balanced = before == after
        if options.workload == .erc20 {
            // Every holder's balance, from the accepted transfers alone.
            var expected = tokensBefore
            let accepted = Set(outcome.accepted.map(\.hash))
            for (index, item) in plan.enumerated() where accepted.contains(signed[index].hash) {
                let amount = UInt256(bigEndian: item.data[36..<68])!
                let recipient = (item.sender + senders.count / 2) % senders.count
                expected[item.sender] = expected[item.sender] &- amount
                expected[recipient] = expected[recipient] &+ amount
            }
            let actual = try tokenBalances(token, holders)
            balanced = balanced && actual == expected
        }
        let passed = missing == 0 && balanced && (options.workload == .transfer || failedReceipts == 0)
        report(outcome, missing: missing, failedReceipts: failedReceipts, balanced: balanced, before: before, after: after, passed: passed)
        if let path = options.report {
            try picture(outcome, missing: missing, failedReceipts: failedReceipts, balanced: balanced, passed: passed).write(to: path)
            progress("report: \(path)")
        }
        return passed
    }

    // MARK: Keys and signing

    func makeKeys(_ count: Int) -> [PrivateKey] {
        var keys = [PrivateKey?](repeating: nil, count: count)
        keys.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            workers.parallelFor(count, chunkSize: 64) { range in
                for i in range { out[i] = suite.newPrivateKey() }
            }
        }
        return keys.map { $0! }
    }

    var suite: CryptoSuite { options.crypto }

    /// The account of `key` on this chain (by SM3 on a 国密 one).
    func address(_ key: PrivateKey) -> Address { suite.address(of: key) }

    func sign(_ key: PrivateKey, nonce: UInt64, to: Address?, value: UInt256, data: [UInt8], gasLimit: UInt64? = nil) -> [UInt8] {
        guard options.format == .fisco else {
            return UnsignedTransaction(type: .dynamicFee, chainID: chainID, nonce: nonce, gasLimit: gasLimit ?? (data.isEmpty ? 21_000 : 100_000),
                                       to: to, value: value, data: data).signed(with: key).encoded
        }
        let id = (UInt256(randomIDSalt) << 64) | UInt256(nextRandomID.wrappingAdd(1, ordering: .relaxed).oldValue)
        let fields = FiscoFields(randomID: id, blockLimit: fiscoBlockLimit, groupID: options.groupID)
        return UnsignedTransaction.fisco(fields, chainID: chainID, gasPrice: .zero, gasLimit: 30_000_000, to: to, value: value,
                                         data: data).signed(with: key, suite: suite).encoded
    }

    func signAll(_ items: [(PrivateKey, UInt64, Address, UInt256, [UInt8])]) -> [(hex: String, hash: Hash)] {
        var out = [(hex: String, hash: Hash)](repeating: ("", .zero), count: items.count)
        let done = Atomic<Int>(0)
        let total = items.count
        out.withUnsafeMutableBufferPointer { buffer in
            let results = buffer
            workers.parallelFor(items.count, chunkSize: 256) { range in
                for i in range {
                    let (key, nonce, to, value, data) = items[i]
                    let raw = sign(key, nonce: nonce, to: to, value: value, data: data)
                    results[i] = (Hex.encode(raw), suite.hash(raw))
                }
                let finished = done.wrappingAdd(range.count, ordering: .relaxed).newValue
                if finished * 10 / total != (finished - range.count) * 10 / total {
                    progress("  signed \(finished) of \(total)")
                }
            }
        }
        return out
    }

    // MARK: Setup

    /// Funds `addresses` with 1 ether each from the development keys, 50 per key and block
    /// (the pool queues at most 64 nonces ahead of an account).
    func fund(_ addresses: [Address]) throws {
        guard let path = options.keys, let data = FileManager.default.contents(atPath: path),
              let list = try? JSONSerialization.jsonObject(with: data) as? [[String: String]] else {
            throw RPCClient.Failure(description: "cannot read development keys from \(options.keys ?? "(none)")")
        }
        let funders = try list.compactMap { $0["privateKey"] }.map { try PrivateKey(hex: $0) }
        guard !funders.isEmpty else { throw RPCClient.Failure(description: "\(path) holds no keys") }
        var nonces = try funders.map { try RPCParameters.quantity(try control.call("eth_getTransactionCount", [address($0).description, "pending"])) }
        var pending = addresses[...]
        var wave = 0
        while !pending.isEmpty {
            wave += 1
            var raws: [[UInt8]] = []
            for (f, funder) in funders.enumerated() {
                for _ in 0..<50 {
                    guard let target = pending.popFirst() else { break }
                    raws.append(sign(funder, nonce: nonces[f], to: target, value: UInt256(1_000_000_000_000_000_000), data: []))
                    nonces[f] += 1
                }
            }
            progress("setup: funding wave \(wave): \(raws.count) accounts, \(pending.count) to go")
            try sendAndWait(raws)
        }
    }

    /// Sends each sender's transactions (in nonce order) in waves of at most `LoadGen.maxNonceGap`
    /// per sender, each committed before the next: a node queues no more than that many nonces
    /// ahead of an account. FISCO transactions have no nonce and go in one wave.
    func sendInWaves(_ bySender: [[[UInt8]]], what: String) throws {
        let size = options.format == .fisco ? Int.max : LoadGen.maxNonceGap
        let longest = bySender.map(\.count).max() ?? 0
        var sent = 0
        var wave = 0
        while sent < longest {
            wave += 1
            let raws = bySender.flatMap { $0.dropFirst(sent).prefix(size) }
            sent += min(size, longest - sent)
            if longest > size { progress("setup: \(what) wave \(wave): \(raws.count) transactions") }
            try sendAndWait(raws)
        }
    }

    /// Sends raw transactions in batches and waits until every accepted one has a receipt.
    func sendAndWait(_ raws: [[UInt8]]) throws {
        var hashes: [String] = []
        for answer in try batch("eth_sendRawTransaction", raws.map { [Hex.encode($0)] }) {
            guard let hash = answer["result"] as? String else {
                throw RPCClient.Failure(description: "setup transaction refused: \((answer["error"] as? [String: Any])?["message"] ?? answer)")
            }
            hashes.append(hash)
        }
        let deadline = Date().addingTimeInterval(options.timeout)
        var waiting = Set(hashes)
        while !waiting.isEmpty {
            guard Date() < deadline else { throw RPCClient.Failure(description: "setup: \(waiting.count) transactions not committed in time") }
            Thread.sleep(forTimeInterval: 0.2)
            let list = Array(waiting)
            let statuses = try receiptStatuses(list.map { try Hash(hex: $0) })
            for (hash, status) in zip(list, statuses) where status != nil { waiting.remove(hash) }
        }
    }

    // MARK: The timed phase

    struct Outcome {
        var accepted: [(hash: Hash, sentAt: Double)] = []
        var rejected: [String: Int] = [:]
        var firstSend = 0.0, lastSend = 0.0
        var commitTimes: [Hash: Double] = [:]
        /// The block each committed transaction was seen in.
        var commitBlocks: [Hash: UInt64] = [:]
        var blocks: [(number: UInt64, seenAt: Double, count: Int)] = []
        /// Each loaded node's height, sampled every quarter second, by URL.
        var heights: [String: [(t: Double, height: UInt64)]] = [:]
    }

    func timedPhase(_ signed: [(hex: String, hash: Hash)]) throws -> Outcome {
        let clock = ContinuousClock()
        let origin = clock.now
        let now: @Sendable () -> Double = {
            let d = clock.now - origin
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        let startBlock = try RPCParameters.quantity(try control.call("eth_blockNumber", []))
        let batches = stride(from: 0, to: signed.count, by: options.batch).map { $0..<min($0 + options.batch, signed.count) }
        let nextBatch = Atomic<Int>(0)
        let results = Mutex(Outcome())
        let sendingDone = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        progress("sending \(signed.count) transactions in \(batches.count) batches over \(options.connections) connections…")

        // Follows new blocks and times each of our transactions' commit.
        let ours = Set(signed.map(\.hash))
        let followerDone = spawn { [self] in
            do {
                let client = try RPCClient(url: options.rpcURLs[0])
                var next = startBlock + 1
                var idleSince: Double?
                while true {
                    let head = try RPCParameters.quantity(try client.call("eth_blockNumber", []))
                    while next <= head {
                        guard let block = try client.call("eth_getBlockByNumber", ["0x" + String(next, radix: 16), false]) as? [String: Any],
                              let hashes = block["transactions"] as? [String] else { break }
                        let seen = now()
                        var count = 0
                        results.withLock { outcome in
                            for text in hashes {
                                guard let hash = try? Hash(hex: text), ours.contains(hash) else { continue }
                                outcome.commitTimes[hash] = seen
                                outcome.commitBlocks[hash] = next
                                count += 1
                            }
                            outcome.blocks.append((next, seen, count))
                        }
                        next += 1
                    }
                    let (committed, accepted) = results.withLock { ($0.commitTimes.count, $0.accepted.count) }
                    if sendingDone.load(ordering: .acquiring) {
                        if committed >= accepted { return }
                        idleSince = idleSince ?? now()
                        if now() - idleSince! > options.timeout { return }
                    }
                    Thread.sleep(forTimeInterval: 0.01)
                }
            } catch {
                failures.withLock { $0.append("following blocks: \(error)") }
            }
        }
        let followingDone = Atomic<Bool>(false)
        let samplerDone = spawn { [self] in
            let clients = Array(Set(options.rpcURLs)).sorted().compactMap { url in (try? RPCClient(url: url, timeoutSeconds: 2)).map { (url, $0) } }
            while !followingDone.load(ordering: .acquiring) {
                for (url, client) in clients {
                    guard let answer = try? client.call("eth_blockNumber", []), let height = try? RPCParameters.quantity(answer) else { continue }
                    let t = now()
                    results.withLock { $0.heights[url, default: []].append((t, height)) }
                }
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
        let senders = (0..<options.connections).map { c in spawn { [self] in
            do {
                let client = try RPCClient(url: options.rpcURLs[c % options.rpcURLs.count])
                while true {
                    let b = nextBatch.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard b < batches.count else { return }
                    let range = batches[b]
                    if options.qps > 0 {
                        let due = Double(range.lowerBound) / Double(options.qps)
                        let wait = due - now()
                        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                    }
                    if options.duration > 0 && now() > options.duration { return }
                    // Written by hand: the hex needs no escaping, and Foundation's writer is slow.
                    var body = "["
                    for i in range {
                        if i > range.lowerBound { body += "," }
                        body += #"{"jsonrpc":"2.0","id":\#(i),"method":"eth_sendRawTransaction","params":[""#
                        body += signed[i].hex
                        body += #""]}"#
                    }
                    body += "]"
                    let sentAt = now()
                    let raw = try client.postRaw(Data(body.utf8))
                    // An answer without any error accepted the whole batch: no need to parse it.
                    let allAccepted = raw.range(of: Data(#""error""#.utf8)) == nil && raw.first == UInt8(ascii: "[")
                    let answers = allAccepted ? [] : (try JSONSerialization.jsonObject(with: raw) as? [[String: Any]] ?? [])
                    results.withLock { outcome in
                        if outcome.accepted.isEmpty && outcome.rejected.isEmpty { outcome.firstSend = sentAt }
                        outcome.firstSend = min(outcome.firstSend, sentAt)
                        outcome.lastSend = max(outcome.lastSend, now())
                        if allAccepted {
                            for i in range { outcome.accepted.append((signed[i].hash, sentAt)) }
                        }
                        for answer in answers {
                            guard let id = answer["id"] as? Int else { continue }
                            if answer["result"] != nil {
                                outcome.accepted.append((signed[id].hash, sentAt))
                            } else {
                                let error = answer["error"] as? [String: Any]
                                let reason = (error?["data"] as? String) ?? (error?["message"] as? String) ?? "unknown"
                                outcome.rejected[reason, default: 0] += 1
                            }
                        }
                    }
                }
            } catch {
                failures.withLock { $0.append("sending: \(error)") }
            }
        } }
        for done in senders { done.wait() }
        sendingDone.store(true, ordering: .releasing)
        followerDone.wait()
        followingDone.store(true, ordering: .releasing)
        samplerDone.wait()
        if let failure = failures.withLock({ $0.first }) { throw RPCClient.Failure(description: failure) }
        return results.withLock { $0 }
    }

    // MARK: Checks

    /// Calls `method` once per parameter list, 500 calls to a batch; the answers (result or
    /// error objects) in the order of `calls`.
    func batch(_ method: String, _ calls: [[Any]]) throws -> [[String: Any]] {
        var answers: [[String: Any]] = []
        answers.reserveCapacity(calls.count)
        for start in stride(from: 0, to: calls.count, by: 500) {
            let chunk = calls[start..<min(start + 500, calls.count)]
            let body = chunk.enumerated().map { ["jsonrpc": "2.0", "id": $0, "method": method, "params": $1] as [String: Any] }
            var byID = [[String: Any]](repeating: [:], count: chunk.count)
            for answer in try control.post(try JSONSerialization.data(withJSONObject: body)) as? [[String: Any]] ?? [] {
                if let id = answer["id"] as? Int, byID.indices.contains(id) { byID[id] = answer }
            }
            answers += byID
        }
        return answers
    }

    /// What the workload must conserve: the senders' total balance (transfers among them,
    /// no fees by default), or the ParallelTransfer users' total.
    func conservedTotal(senders: [Address], users: [String], token: Address) throws -> UInt256 {
        let values: [UInt256]
        switch options.workload {
        case .transfer: values = try numbers(batch("eth_getBalance", senders.map { [$0.description, "latest"] }))
        case .erc20: values = try tokenBalances(token, senders)
        case .dagTransfer, .hotspot:
            values = try numbers(batch("eth_call", users.map { user in
                [["to": ParallelTransfer.address.description,
                  "data": Hex.encode(ParallelTransfer.Request.userBalance(user: user).calldata)], "latest"] as [Any]
            }))
        }
        return values.reduce(.zero, &+)
    }

    func tokenBalances(_ token: Address, _ holders: [Address]) throws -> [UInt256] {
        try numbers(batch("eth_call", holders.map { holder in
            [["to": token.description, "data": Hex.encode(ERC20Artifact.balanceOf(holder))], "latest"] as [Any]
        }))
    }

    private func numbers(_ answers: [[String: Any]]) throws -> [UInt256] {
        try answers.map { answer in
            guard let hex = answer["result"] as? String else { throw RPCClient.Failure(description: "balance query failed: \(answer)") }
            return try UInt256(parsing: hex)
        }
    }

    /// erc20 setup (untimed): the first sender deploys the token with the whole supply, then
    /// holders that have tokens pass part to up to 50 that have none, wave after wave (each
    /// wave one block or so), until every sender holds some.
    func deployToken(from senders: [PrivateKey], nonces: inout [UInt64]) throws -> Address {
        let artifact = try ERC20Artifact(path: options.erc20)
        let supply = UInt256(1) << 200
        let deployer = senders[0]
        progress("setup: deploying the ERC-20 from \(address(deployer))")
        try sendAndWait([sign(deployer, nonce: nonces[0], to: nil, value: .zero, data: artifact.deployment(supply: supply), gasLimit: 5_000_000)])
        // A fresh account: its account nonce (which a FISCO creation counts too) is the one sent.
        let token = Address.contract(createdBy: address(deployer), nonce: nonces[0], suite: suite)
        nonces[0] += 1
        let code = try control.call("eth_getCode", [token.description, "latest"]) as? String ?? "0x"
        guard code.count > 2 else { throw RPCClient.Failure(description: "the ERC-20 deployment left no code at \(token)") }
        var balances = [UInt256](repeating: .zero, count: senders.count)
        balances[0] = supply
        var funded = [0], next = 1, wave = 0
        while next < senders.count {
            wave += 1
            var raws: [[UInt8]] = []
            var newlyFunded: [Int] = []
            for giver in funded {
                let recipients = next..<min(next + 50, senders.count)
                next = recipients.upperBound
                for r in recipients {
                    let amount = balances[giver] / UInt256(2)
                    raws.append(sign(senders[giver], nonce: nonces[giver], to: token, value: .zero,
                                     data: ERC20Artifact.transfer(to: address(senders[r]), amount: amount)))
                    nonces[giver] += 1
                    balances[giver] = balances[giver] &- amount
                    balances[r] = amount
                    newlyFunded.append(r)
                }
                if next >= senders.count { break }
            }
            funded += newlyFunded
            progress("setup: token wave \(wave): \(raws.count) holders, \(senders.count - next) to go")
            try sendAndWait(raws)
        }
        return token
    }

    /// For each hash: nil without a receipt, else whether it succeeded.
    func receiptStatuses(_ hashes: [Hash]) throws -> [Bool?] {
        try batch("eth_getTransactionReceipt", hashes.map { [$0.description] }).map { answer in
            (answer["result"] as? [String: Any]).map { ($0["status"] as? String) == "0x1" }
        }
    }

    // MARK: Report

    func picture(_ outcome: Outcome, missing: Int, failedReceipts: Int, balanced: Bool, passed: Bool) -> LoadReport {
        let o = options
        var legend = [
            "workload \(o.workload.rawValue)\(o.workload == .hotspot ? " (\(Int(o.conflict * 100)) % hot)" : ""), \(o.format.rawValue) format, "
                + "\(o.txs) transactions, \(o.connections) connections × batches of \(o.batch)\(o.qps > 0 ? ", \(o.qps) tx/s offered" : "")",
            "nodes: \(Array(Set(o.rpcURLs)).sorted().joined(separator: ", "))",
            "\(outcome.accepted.count) accepted, \(outcome.commitTimes.count) committed in \(outcome.blocks.filter { $0.count > 0 }.count) blocks, "
                + "rejected: \(outcome.rejected.isEmpty ? "none" : outcome.rejected.map { "\($0.key) \($0.value)" }.joined(separator: ", "))",
            "receipts: \(missing) missing, \(failedReceipts) failed; balances \(balanced ? "add up" : "DO NOT add up")",
        ]
        let latencies = outcome.accepted.compactMap { tx in outcome.commitTimes[tx.hash].map { ($0 - tx.sentAt) * 1000 } }.sorted()
        if let lastCommit = outcome.commitTimes.values.max(), !latencies.isEmpty {
            let tps = Double(latencies.count) / max(lastCommit - outcome.firstSend, 1e-6)
            func at(_ p: Double) -> Int { Int(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) }
            legend.append("committed TPS \(Int(tps)) (first send to last commit); latency p50 \(at(0.5)) ms, p99 \(at(0.99)) ms, max \(Int(latencies.last!)) ms")
        }
        return LoadReport(
            title: "strand-loadgen: \(o.workload.rawValue), \(o.txs) transactions", legend: legend, passed: passed,
            accepted: outcome.accepted.map { ($0.sentAt, outcome.commitTimes[$0.hash]) },
            heights: outcome.heights.sorted { $0.key < $1.key }.map { (node: $0.key, points: $0.value) }, origin: outcome.firstSend)
    }

    func report(_ outcome: Outcome, missing: Int, failedReceipts: Int, balanced: Bool, before: UInt256, after: UInt256, passed: Bool) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: .three)
        var lastCommit = 0.0
        for (hash, sentAt) in outcome.accepted {
            guard let committedAt = outcome.commitTimes[hash] else { continue }
            _ = histogram.record(UInt64(max(0, (committedAt - sentAt) * 1000).rounded()))
            lastCommit = max(lastCommit, committedAt)
        }
        let committed = outcome.commitTimes.count
        let sendSpan = max(outcome.lastSend - outcome.firstSend, 1e-6)
        let commitSpan = max(lastCommit - outcome.firstSend, 1e-6)
        let submittedTPS = Double(outcome.accepted.count + outcome.rejected.values.reduce(0, +)) / sendSpan
        let committedTPS = Double(committed) / commitSpan
        let latency = ["p50": histogram.valueAtPercentile(50), "p90": histogram.valueAtPercentile(90),
                       "p99": histogram.valueAtPercentile(99), "max": histogram.max]
        let verdict = passed ? "success" : "failed"
        if options.json {
            let object: [String: Any] = [
                "workload": options.workload.rawValue, "format": options.format.rawValue, "txs": options.txs, "accepted": outcome.accepted.count,
                "committed": committed, "submittedTPS": submittedTPS.rounded(), "committedTPS": committedTPS.rounded(),
                "latencyMs": latency, "rejected": outcome.rejected, "verify": verdict,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("""
            workload:        \(options.workload.rawValue)\(options.workload == .hotspot ? " (\(Int(options.conflict * 100)) % from one hot user)" : ""), \(options.format.rawValue) format
            transactions:    \(options.txs) sent, \(outcome.accepted.count) accepted, \(committed) committed in \(outcome.blocks.filter { $0.count > 0 }.count) blocks
            submitted TPS:   \(Int(submittedTPS))
            committed TPS:   \(Int(committedTPS))  (first send to last commit)
            latency (ms):    p50 \(latency["p50"]!)  p90 \(latency["p90"]!)  p99 \(latency["p99"]!)  max \(latency["max"]!)
            rejected:        \(outcome.rejected.isEmpty ? "none" : outcome.rejected.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
            receipts:        \(missing) missing, \(failedReceipts) failed
            balances:        \(balanced ? "add up" : "DO NOT add up") (\(before) before, \(after) after)
            verify_\(verdict)
            """)
    }
}

/// Runs `body` on a new thread; the semaphore is signalled when it returns.
func spawn(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread {
        body()
        done.signal()
    }.start()
    return done
}

/// Reading quantities from JSON-RPC answers.
enum RPCParameters {
    static func quantity(_ value: Any) throws -> UInt64 {
        guard let text = value as? String, let number = try? UInt256(parsing: text).uint64 else {
            throw RPCClient.Failure(description: "expected a quantity, got \(value)")
        }
        return number
    }
}
