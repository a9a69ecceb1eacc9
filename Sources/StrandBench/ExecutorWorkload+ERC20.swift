import StrandEVM
import StrandExecution
import StrandPrimitives
import StrandWorkloads
import StrandTypes

extension ExecutorWorkload {
    /// The token's address in the ERC-20 workloads: deployed by sender 0 with nonce 0.
    public static func erc20Token() -> Address {
        Address.contract(createdBy: sender(0), nonce: 0)
    }

    /// A state in which sender 0 deployed the ERC-20 and gave each of `holders` senders
    /// (1…holders) `tokens` tokens; every sender also holds some ether.
    public static func erc20Genesis(holders: Int, tokens: UInt256, artifact: ERC20Artifact) -> InMemoryState {
        var values: [StateKey: UInt256] = [:]
        for s in 0...holders { values[.balance(sender(s))] = UInt256(1) << 80 }
        var state = InMemoryState(values)
        let context = BlockContext(number: 0, timestamp: 0, sealer: .zero, gasLimit: .max)
        let supply = tokens &* UInt256(UInt64(holders)) &+ UInt256(1_000_000)
        let deploy = transaction(sender: 0, nonce: 0, to: nil, data: artifact.deployment(supply: supply), gasLimit: 5_000_000)
        state.apply(SerialExecutor().execute([deploy], on: state, context: context).changes)
        let token = erc20Token()
        let grants = (1...max(holders, 1)).map { h in
            transaction(sender: 0, nonce: UInt64(h), to: token, data: ERC20Artifact.transfer(to: sender(h), amount: tokens))
        }
        state.apply(SerialExecutor().execute(grants, on: state, context: context).changes)
        return state
    }

    /// ERC-20 transfers: transaction i is sent by holder 1 + i (each its own sender) to a
    /// holder no other transaction touches, except that a fraction `conflict` go to one hot
    /// holder, whose balance slot they then all write: one chain.
    ///
    /// With `creationEvery`, every n-th transaction deploys a new token instead (from its own
    /// sender): creations are not barriers, and this shows what they cost.
    public static func erc20Transfers(
        count: Int, conflict: Double, artifact: ERC20Artifact, creationEvery: Int? = nil, seed: UInt64 = 1
    ) -> ExecutorWorkload {
        var generator = SeededGenerator(seed: seed)
        let holders = 2 * count + 1
        let state = erc20Genesis(holders: holders, tokens: UInt256(1_000_000), artifact: artifact)
        let token = erc20Token()
        let hotEvery = conflict > 0 ? max(1.0, 1.0 / conflict) : .infinity
        var nextHot = 0.0
        let transactions = (0..<count).map { i in
            var to = sender(count + 1 + i)
            if Double(i) >= nextHot {
                to = sender(holders)
                nextHot += hotEvery
            }
            let amount = UInt256(1 + generator.next() % 100)
            if let creationEvery, i % creationEvery == creationEvery - 1 {
                return transaction(sender: 1 + i, nonce: 0, to: nil, data: artifact.deployment(supply: amount), gasLimit: 3_000_000)
            }
            return transaction(sender: 1 + i, nonce: 0, to: token, data: ERC20Artifact.transfer(to: to, amount: amount))
        }
        return ExecutorWorkload(state: state, transactions: transactions)
    }

    /// A random EVM mix for differential tests over `holders` token holders: ERC-20 transfers
    /// between random holders (a fraction `conflict` through one hot holder; some for more than
    /// the sender holds, so they revert), balance reads, new token deployments, ether sent to
    /// holders and to the token (which has no payable fallback: reverts), ParallelTransfer
    /// calls and wrong nonces; holders send several transactions each.
    public static func erc20Mixed(count: Int, holders: Int, conflict: Double, artifact: ERC20Artifact, seed: UInt64) -> ExecutorWorkload {
        var generator = SeededGenerator(seed: seed)
        func roll(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        let state = erc20Genesis(holders: holders, tokens: UInt256(500), artifact: artifact)
        let token = erc20Token()
        var nonces = [UInt64](repeating: 0, count: holders + 1)
        var transactions: [RecoveredTransaction] = []
        for _ in 0..<count {
            let s = 1 + roll(holders)
            var nonce = nonces[s]
            switch roll(30) {
            case 0: nonce += 1
            case 1 where nonce > 0: nonce -= 1
            default: nonces[s] += 1
            }
            func holder() -> Address { roll(100) < Int(conflict * 100) ? sender(1) : sender(1 + roll(holders)) }
            var to: Address? = token
            var value = UInt256.zero
            var data: [UInt8]
            switch roll(20) {
            case 0...11: data = ERC20Artifact.transfer(to: holder(), amount: UInt256(UInt64(roll(roll(10) == 0 ? 5_000 : 200))))
            case 12...13: data = ERC20Artifact.balanceOf(holder())
            case 14: to = nil; data = artifact.deployment(supply: UInt256(UInt64(1 + roll(1_000))))
            case 15...16: to = holder(); value = UInt256(UInt64(roll(1_000))); data = []
            case 17: value = UInt256(1); data = []
            default:
                to = ParallelTransfer.address
                data = ParallelTransfer.Request.userAdd(user: userName(roll(50)), balance: UInt256(7)).calldata
            }
            transactions.append(transaction(sender: s, nonce: nonce, to: to, value: value, data: data,
                                            gasLimit: to == nil ? 3_000_000 : 200_000))
        }
        return ExecutorWorkload(state: state, transactions: transactions)
    }
}
