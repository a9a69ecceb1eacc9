import StrandCrypto

/// The validators (FISCO's sealers) in force at one height, in the order that leader rotation
/// and seal indexes use. Genesis fixes the first; the Consensus system contract changes it, and
/// the set for height h is the one the state after block h − 1 holds (`ConsensusRoster`).
public struct ValidatorSet: Sendable, Hashable, CustomStringConvertible {
    public let members: [NodeID]

    public init(_ members: [NodeID]) {
        self.members = members
    }

    public var count: Int { members.count }
    /// f: how many validators may fail or lie while the chain stays safe and live.
    public var faultTolerance: Int { (members.count - 1) / 3 }
    /// Q = n − f: signatures a seal needs (1 of 1 for a solo chain).
    public var quorum: Int { members.count - faultTolerance }

    public func index(of node: NodeID) -> Int? { members.firstIndex(of: node) }
    public func contains(_ node: NodeID) -> Bool { members.contains(node) }

    /// The member at a message's or seal's validator index, nil when there is none.
    public subscript(index: UInt32) -> NodeID? {
        Int(index) < members.count ? members[Int(index)] : nil
    }

    public var description: String { "\(members.count) validators, quorum \(quorum)" }
}
