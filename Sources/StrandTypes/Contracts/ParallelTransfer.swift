import StrandPrimitives

/// A native contract for parallel transfers between named users, at
/// `0x0000000000000000000000000000000000005002`, with FISCO BCOS DagTransfer's interface:
///
///     userAdd(string user, uint256 balance)           create a user
///     userSave(string user, uint256 amount)           deposit, creating the user if needed
///     userDraw(string user, uint256 amount)           withdraw
///     userBalance(string user) returns (uint256)      read a balance
///     userTransfer(string from, string to, uint256 amount)
///
/// A user is a storage slot of the contract named after the user (see `userSlot`); its
/// value is the balance plus one, so that a user with zero balance still exists and small
/// balances stay small in the change log. Balances are therefore at most 2²⁵⁶ − 2. The
/// access set of a call is exact from its calldata: the slots it names.
/// Failures revert with an `Error(string)` reason and change nothing but the sender's nonce.
public enum ParallelTransfer {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000005002")

    /// Longest user name accepted.
    public static let maxNameLength = 256

    /// A call, as a client writes it.
    public enum Request: Hashable, Sendable {
        case userAdd(user: String, balance: UInt256)
        case userSave(user: String, amount: UInt256)
        case userDraw(user: String, amount: UInt256)
        case userBalance(user: String)
        case userTransfer(from: String, to: String, amount: UInt256)

        /// The ABI-encoded calldata.
        public var calldata: [UInt8] {
            switch self {
            case .userAdd(let user, let balance): Self.encode(ParallelTransfer.Selector.add, strings: [user], amount: balance)
            case .userSave(let user, let amount): Self.encode(ParallelTransfer.Selector.save, strings: [user], amount: amount)
            case .userDraw(let user, let amount): Self.encode(ParallelTransfer.Selector.draw, strings: [user], amount: amount)
            case .userBalance(let user): Self.encode(ParallelTransfer.Selector.balance, strings: [user], amount: nil)
            case .userTransfer(let from, let to, let amount):
                Self.encode(ParallelTransfer.Selector.transfer, strings: [from, to], amount: amount)
            }
        }

        private static func encode(_ selector: UInt32, strings: [String], amount: UInt256?) -> [UInt8] {
            ContractCalldata.encode(selector, strings: strings, words: amount.map { [$0] } ?? [])
        }
    }

    public enum Selector {
        static func selector(_ signature: String) -> UInt32 { ContractCalldata.selector(signature) }

        public static let add = selector("userAdd(string,uint256)")
        public static let save = selector("userSave(string,uint256)")
        public static let draw = selector("userDraw(string,uint256)")
        public static let balance = selector("userBalance(string)")
        public static let transfer = selector("userTransfer(string,string,uint256)")
    }
}
