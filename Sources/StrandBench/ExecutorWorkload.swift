import StrandCrypto
import StrandExecution
import StrandPrimitives
import StrandWorkloads
import StrandTypes

/// Blocks of transactions with their senders, and the state they start from, for executor
/// benchmarks and differential tests.
///
/// The executor takes senders as already recovered and never looks at signatures, so these
/// transactions carry a placeholder signature that only makes each hash unique; recovery
/// has its own benchmark.
public struct ExecutorWorkload: Sendable {
    public var state: InMemoryState
    public var transactions: [RecoveredTransaction]

    public static let chainID: UInt64 = 20200

    /// The sender of index `i`: an address derived from the index alone.
    public static func sender(_ i: Int) -> Address {
        Address(lastBytesOf: Keccak256.hash(Array("strand workload sender \(i)".utf8)))
    }

    public static func userName(_ i: Int) -> String { "user\(i)" }

    /// The storage key of a ParallelTransfer user, as the contract stores it.
    public static func userKey(_ name: String) -> StateKey { ParallelTransfer.userKey(name) }

    /// How ParallelTransfer stores a user's balance: plus one, so that zero means no user.
    public static func userStored(_ balance: UInt256) -> UInt256 { balance &+ .one }

    /// A transaction from sender number `sender`, with a placeholder signature (see the type);
    /// with `fiscoRandomID`, in FISCO BCOS 2.x's format (no nonce), with that random id.
    public static func transaction(
        sender: Int, nonce: UInt64, to: Address?, value: UInt256 = .zero, data: [UInt8] = [], gasLimit: UInt64 = 100_000,
        maxFee: UInt256 = .zero, priorityFee: UInt256 = .zero, fiscoRandomID: UInt64? = nil
    ) -> RecoveredTransaction {
        let content = fiscoRandomID.map { id in
            UnsignedTransaction.fisco(FiscoFields(randomID: UInt256(id), blockLimit: 1_000), chainID: chainID, gasPrice: maxFee,
                                      gasLimit: gasLimit, to: to, value: value, data: data)
        } ?? UnsignedTransaction(
            type: .dynamicFee, chainID: chainID, nonce: nonce, maxPriorityFeePerGas: priorityFee, maxFeePerGas: maxFee,
            gasLimit: gasLimit, to: to, value: value, data: data)
        let placeholder = RecoverableSignature(r: UInt256(UInt64(sender) + 1), s: .one, recoveryID: 0)
        return RecoveredTransaction(Transaction(content, signature: placeholder), sender: Self.sender(sender))
    }

    /// Who signs the transfers of `parallelTransfers`.
    public enum Signers: Sendable {
        /// Each transaction its own sender.
        case separate
        /// One account signs all, in Ethereum's format: one nonce chain.
        case oneEthereumAccount
        /// One account signs all, in FISCO's format: no nonce orders them.
        case oneFiscoAccount
    }

    /// ParallelTransfer `userTransfer`s over users who all exist with a large balance. A
    /// fraction `conflict` of them (spread evenly) send from one hot user, so those form one
    /// chain; the rest touch users no other transaction touches.
    public static func parallelTransfers(count: Int, conflict: Double, signers: Signers = .separate, seed: UInt64 = 1) -> ExecutorWorkload {
        var generator = SeededGenerator(seed: seed)
        let hot = userName(0)
        var values: [StateKey: UInt256] = [userKey(hot): userStored(UInt256.one << 128)]
        var transactions: [RecoveredTransaction] = []
        transactions.reserveCapacity(count)
        let hotEvery = conflict > 0 ? max(1.0, 1.0 / conflict) : .infinity
        var nextHot = 0.0
        for i in 0..<count {
            let from: String
            if Double(i) >= nextHot {
                from = hot
                nextHot += hotEvery
            } else {
                from = userName(2 * i + 1)
            }
            let to = userName(2 * i + 2)
            values[userKey(from)] = userStored(UInt256.one << 128)
            values[userKey(to)] = userStored(UInt256(1_000))
            let amount = UInt256(1 + generator.next() % 100)
            let data = ParallelTransfer.Request.userTransfer(from: from, to: to, amount: amount).calldata
            let tx = switch signers {
            case .separate: transaction(sender: i, nonce: 0, to: ParallelTransfer.address, data: data)
            case .oneEthereumAccount: transaction(sender: 0, nonce: UInt64(i), to: ParallelTransfer.address, data: data)
            case .oneFiscoAccount:
                transaction(sender: 0, nonce: 0, to: ParallelTransfer.address, data: data, gasLimit: 30_000_000,
                            fiscoRandomID: UInt64(i))
            }
            transactions.append(tx)
        }
        return ExecutorWorkload(state: InMemoryState(values), transactions: transactions)
    }

    /// A random mix for differential tests: ParallelTransfer adds (some of existing users),
    /// saves, draws (some overdrawn), balance reads, transfers (a fraction `conflict` through
    /// one hot user), plain value transfers (some unaffordable), malformed calldata, out-of-gas
    /// calls, payable calls, wrong nonces and contract creations; `senders` accounts, so
    /// some transactions share a sender and so a nonce.
    ///
    /// A fraction `fisco` of them are in FISCO's format: they take no nonce, and their creations
    /// count on the sender's account nonce as Ethereum's do.
    public static func mixed(count: Int, users: Int, senders: Int, conflict: Double, fees: Bool, seed: UInt64,
                             fisco: Double = 0) -> ExecutorWorkload {
        var generator = SeededGenerator(seed: seed)
        func roll(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        var values: [StateKey: UInt256] = [:]
        for u in 0..<users where u % 3 != 2 {  // a third of the users do not exist yet
            values[userKey(userName(u))] = userStored(UInt256(UInt64(roll(500))))
        }
        for s in 0..<senders {
            values[.balance(sender(s))] = UInt256(UInt64(roll(3) == 0 ? 1_000 : 10_000_000_000))
        }
        var nonces = [UInt64](repeating: 0, count: senders)
        var transactions: [RecoveredTransaction] = []
        for _ in 0..<count {
            let s = roll(senders)
            var nonce = nonces[s]
            let fiscoRandomID = roll(100) < Int(fisco * 100) ? UInt64(transactions.count) : nil
            switch roll(40) {
            case _ where fiscoRandomID != nil: break
            case 0: nonce += 1  // too high
            case 1 where nonce > 0: nonce -= 1  // too low
            default: nonces[s] += 1
            }
            func user() -> String { roll(100) < Int(conflict * 100) ? userName(0) : userName(roll(users)) }
            let amount = UInt256(UInt64(roll(300)))
            let price = fees ? UInt256(UInt64(roll(3))) : .zero
            let request: ParallelTransfer.Request?
            var to: Address? = ParallelTransfer.address
            var value = UInt256.zero
            var data: [UInt8] = []
            var gasLimit: UInt64 = 100_000
            switch roll(20) {
            case 0...1: request = .userAdd(user: user(), balance: amount)
            case 2...3: request = .userSave(user: user(), amount: amount)
            case 4...5: request = .userDraw(user: user(), amount: amount)
            case 6: request = .userBalance(user: user())
            case 7...12: request = .userTransfer(from: user(), to: user(), amount: amount)
            case 13...15:
                request = nil
                to = sender(roll(senders))
                value = UInt256(UInt64(roll(5_000)))
            case 16:
                request = nil
                data = [0xde, 0xad, 0xbe, 0xef]
            case 17:
                request = .userTransfer(from: user(), to: user(), amount: amount)
                gasLimit = 25_000  // out of gas
            case 18:
                request = .userSave(user: user(), amount: amount)
                value = UInt256(1)  // not payable
            default:
                request = nil
                to = nil  // contract creation: not supported yet
                data = [0x60, 0x00]
            }
            transactions.append(transaction(
                sender: s, nonce: nonce, to: to, value: value, data: request?.calldata ?? data, gasLimit: gasLimit,
                maxFee: price, priorityFee: price, fiscoRandomID: fiscoRandomID))
        }
        return ExecutorWorkload(state: InMemoryState(values), transactions: transactions)
    }
}
