import StrandPrimitives
import StrandTypes

/// The execution side of ChainGovernance (its interface and storage are in StrandTypes): votes
/// on changes of the committee. What a call touches depends on the committee and its votes, so it
/// runs as a barrier.
extension ChainGovernance {
    static let gasCost: UInt64 = 40_000

    /// A change of the committee, which its members vote for.
    enum Change: Sendable, Equatable {
        case grant(Address)
        case revoke(Address)
        case weight(Address, Int64)
        case threshold(Int64)

        /// What names the change among the votes.
        var id: Hash {
            switch self {
            case .grant(let account): Keccak256.hash([1] + account.bytes)
            case .revoke(let account): Keccak256.hash([2] + account.bytes)
            case .weight(let account, let weight): Keccak256.hash([3] + account.bytes + ContractCalldata.int256(weight).bigEndianBytes)
            case .threshold(let threshold): Keccak256.hash([4] + ContractCalldata.int256(threshold).bigEndianBytes)
            }
        }
    }

    enum Call: Sendable {
        case vote(Change, caller: Address)
        case list
        case queryWeight(Address)
        case queryThreshold
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "ChainGovernance: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            func account(_ index: Int) throws(ABI.DecodingError) -> Address {
                let word = try arguments.word(index)
                guard word >> 160 == .zero else { throw ABI.DecodingError(reason: "ChainGovernance: not an address") }
                return Address(lastBytesOf: Hash(word))
            }
            func integer(_ index: Int) throws(ABI.DecodingError) -> Int64 {
                guard let value = ContractCalldata.decodeInt256(try arguments.word(index).bigEndianBytes) else {
                    throw ABI.DecodingError(reason: "ChainGovernance: integer out of range")
                }
                return value
            }
            do throws(ABI.DecodingError) {
                switch selector {
                case grantCommitteeMember: return .vote(.grant(try account(0)), caller: caller)
                case revokeCommitteeMember: return .vote(.revoke(try account(0)), caller: caller)
                case updateCommitteeMemberWeight: return .vote(.weight(try account(0), try integer(1)), caller: caller)
                case updateThreshold: return .vote(.threshold(try integer(0)), caller: caller)
                case listCommitteeMembers: return .list
                case queryCommitteeMemberWeight: return .queryWeight(try account(0))
                case queryThreshold: return .queryThreshold
                default: return .invalid(reason: "ChainGovernance: unknown function")
                }
            } catch {
                return .invalid(reason: error.reason)
            }
        }
    }

    static func execute<View: StateAccess>(_ call: Call, view: inout View, genesis: [Address]) -> NativeOutcome {
        let committee = committee(genesis: genesis) { view.read($0) }
        switch call {
        case .invalid(let reason):
            return .revert(reason)
        case .list:
            return .success(output: ABI.encode(string: json(committee)))
        case .queryThreshold:
            return .count(Int(committee.threshold))
        case .queryWeight(let account):
            let weight = committee.weight(of: account)
            return .success(output: UInt256(weight == nil ? 0 : 1).bigEndianBytes + UInt256(weight ?? 0).bigEndianBytes)
        case .vote(let change, let caller):
            guard committee.weight(of: caller) != nil else { return .returned(.permissionDenied) }
            let changed: Committee
            switch apply(change, to: committee) {
            case .success(let result): changed = result
            case .failure(let code): return .returned(code)
            }
            // The caller's vote joins those already cast for this change, of members still on the committee.
            let base = votesBase(change.id)
            let cast = StorageBlob.read(address, at: base) { view.read($0) }
            var voters = StorageBlob.addresses(cast)
            if !voters.contains(caller) { voters.append(caller) }
            let weight = voters.compactMap(committee.weight(of:)).reduce(0, +)
            if weight * 100 > UInt64(committee.threshold) * committee.totalWeight {
                for (key, value) in StorageBlob.writes([], address, at: base, previousLength: cast.count) { view.write(key, value) }
                for (key, value) in storage(changed, replacing: committee) { view.write(key, value) }
                return .returned(.success)
            }
            for (key, value) in StorageBlob.writes(voters.flatMap(\.bytes), address, at: base, previousLength: cast.count) {
                view.write(key, value)
            }
            return .returned(.unchanged)
        }
    }

    /// The committee after `change`, or FISCO's code for why it cannot be made.
    static func apply(_ change: Change, to committee: Committee) -> Result<Committee, FiscoCode> {
        var next = committee
        switch change {
        case .grant(let account):
            guard committee.weight(of: account) == nil else { return .failure(.committeeMemberExists) }
            next.members.append((account, 1))
        case .revoke(let account):
            guard committee.weight(of: account) != nil else { return .failure(.committeeMemberNotFound) }
            guard committee.members.count > 1 else { return .failure(.invalidCommitteeRequest) }
            next.members.removeAll { $0.account == account }
        case .weight(let account, let weight):
            guard let index = committee.members.firstIndex(where: { $0.account == account }) else { return .failure(.committeeMemberNotFound) }
            guard weight >= 1 else { return .failure(.invalidCommitteeRequest) }
            next.members[index].weight = UInt64(weight)
        case .threshold(let threshold):
            guard (0...99).contains(threshold) else { return .failure(.invalidThreshold) }
            next.threshold = threshold
        }
        return .success(next)
    }
}
