import StrandPrimitives

/// FISCO BCOS 2.x's ChainGovernance at `0x…1008`: the committee that may change the chain.
///
///     grantCommitteeMember(address) / revokeCommitteeMember(address) returns (int256)
///     updateCommitteeMemberWeight(address, int256) / updateThreshold(int256) returns (int256)
///     listCommitteeMembers() returns (string)                  // JSON: address and weight
///     queryCommitteeMemberWeight(address) returns (bool, int256)
///     queryThreshold() returns (int256)
///
/// Its first members are named in genesis (`chain init --governor`); unlike FISCO 2.x, an empty
/// committee makes nobody its owner. A change of the committee is voted: each member's call is its
/// vote for that change, and the change is made once the voters' weight exceeds the threshold's
/// share of the committee's weight (50 % unless changed); a lone member decides alone. A vote
/// counts for `voteLifetime` blocks. The call answers 1 when the change is made, 0 while it waits
/// for votes. Operators and frozen accounts: `ChainGovernance+Accounts.swift`.
public enum ChainGovernance {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000001008")
    public static let grantCommitteeMember = ContractCalldata.selector("grantCommitteeMember(address)")
    public static let revokeCommitteeMember = ContractCalldata.selector("revokeCommitteeMember(address)")
    public static let updateCommitteeMemberWeight = ContractCalldata.selector("updateCommitteeMemberWeight(address,int256)")
    public static let updateThreshold = ContractCalldata.selector("updateThreshold(int256)")
    public static let listCommitteeMembers = ContractCalldata.selector("listCommitteeMembers()")
    public static let queryCommitteeMemberWeight = ContractCalldata.selector("queryCommitteeMemberWeight(address)")
    public static let queryThreshold = ContractCalldata.selector("queryThreshold()")
    public static let defaultThreshold: Int64 = 50

    /// A member's slot: its address as a word; the value is its weight (≥ 1). Every system
    /// contract asks it whether the caller governs.
    public static func memberKey(_ account: Address) -> StateKey {
        .storage(address, Hash(UInt256(account)))
    }

    /// The threshold plus one (zero: never set, the default holds).
    public static let thresholdKey = StateKey.storage(address, Keccak256.hash(Array("threshold".utf8)))
    static let listBase = StorageBlob.base(["committee"])

    public struct Committee: Sendable, Equatable {
        public var members: [(account: Address, weight: UInt64)]
        public var threshold: Int64

        public var totalWeight: UInt64 { members.reduce(0) { $0 + $1.weight } }
        public func weight(of account: Address) -> UInt64? { members.first { $0.account == account }?.weight }

        public static func == (lhs: Committee, rhs: Committee) -> Bool {
            lhs.threshold == rhs.threshold && lhs.members.elementsEqual(rhs.members) { $0.account == $1.account && $0.weight == $1.weight }
        }
    }

    /// The committee in the state `value` reads: the list a change wrote, or genesis's governors
    /// (with the weights their slots hold) while none was made.
    public static func committee(genesis: [Address], reading value: (StateKey) -> UInt256) -> Committee {
        let listed = StorageBlob.read(address, at: listBase, reading: value)
        let accounts = listed.isEmpty ? genesis : StorageBlob.addresses(listed)
        let members = accounts.map { ($0, value(memberKey($0)).uint64 ?? 1) }.filter { $0.1 > 0 }
        let stored = value(thresholdKey).uint64 ?? 0
        return Committee(members: members, threshold: stored == 0 ? defaultThreshold : Int64(stored) - 1)
    }

    /// The slots that hold `committee` in place of `previous`: the list, each member's weight
    /// (zero for one gone), the threshold.
    public static func storage(_ committee: Committee, replacing previous: Committee) -> [(StateKey, UInt256)] {
        let list = committee.members.flatMap(\.account.bytes)
        var writes = StorageBlob.writes(list, address, at: listBase, previousLength: previous.members.count * 20)
        for member in previous.members where committee.weight(of: member.account) == nil { writes.append((memberKey(member.account), .zero)) }
        for member in committee.members { writes.append((memberKey(member.account), UInt256(member.weight))) }
        writes.append((thresholdKey, UInt256(UInt64(committee.threshold + 1))))
        return writes
    }

    /// The votes cast for the change that `proposal` names: a `Ballot` each.
    public static func ballotsBase(_ proposal: Hash) -> UInt256 { StorageBlob.base(["ballots", proposal.description]) }

    /// Blocks a vote counts for, from the one that includes it (FISCO's default validity).
    public static let voteLifetime: UInt64 = 10_000

    /// A member's vote for a change: counted in blocks before `expiry`.
    public struct Ballot: Sendable, Equatable {
        public var voter: Address
        public var expiry: UInt64

        public init(voter: Address, expiry: UInt64) {
            self.voter = voter
            self.expiry = expiry
        }

        static let encodedCount = 28

        /// voter ‖ expiry (big-endian), 28 bytes a ballot.
        public static func encode(_ ballots: [Ballot]) -> [UInt8] {
            ballots.flatMap { $0.voter.bytes + UInt256($0.expiry).bigEndianBytes.suffix(8) }
        }

        public static func decode(_ bytes: [UInt8]) -> [Ballot] {
            stride(from: 0, to: bytes.count - bytes.count % encodedCount, by: encodedCount).compactMap { start in
                guard let voter = Address(bytes[start..<start + 20]) else { return nil }
                let expiry = bytes[start + 20..<start + encodedCount].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                return Ballot(voter: voter, expiry: expiry)
            }
        }
    }

    /// FISCO's answer to `listCommitteeMembers`.
    public static func json(_ committee: Committee) -> String {
        "[" + committee.members.map { "{\"address\":\"\($0.account)\",\"weight\":\"\($0.weight)\"}" }.joined(separator: ",") + "]"
    }
}
