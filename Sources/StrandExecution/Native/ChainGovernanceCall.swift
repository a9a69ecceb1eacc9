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
        /// A member's own act, unvoted (`ChainGovernance+Accounts`).
        case account(AccountCall, caller: Address)
        case listOperators
        case accountStatus(Address)
        case invalid(reason: StaticString)
    }

    enum AccountCall: Sendable {
        case grantOperator(Address)
        case revokeOperator(Address)
        case freeze(Address)
        case unfreeze(Address)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "ChainGovernance: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            func account(_ index: Int) throws(ABI.DecodingError) -> Address { try arguments.address(index) }
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
                case grantOperator: return .account(.grantOperator(try account(0)), caller: caller)
                case revokeOperator: return .account(.revokeOperator(try account(0)), caller: caller)
                case freezeAccount: return .account(.freeze(try account(0)), caller: caller)
                case unfreezeAccount: return .account(.unfreeze(try account(0)), caller: caller)
                case listOperators: return .listOperators
                case getAccountStatus: return .accountStatus(try account(0))
                default: return .invalid(reason: "ChainGovernance: unknown function")
                }
            } catch {
                return .invalid(reason: error.reason)
            }
        }
    }

    /// Runs a call in the block numbered `blockNumber`.
    static func execute<View: StateAccess>(_ call: Call, view: inout View, genesis: [Address], blockNumber: UInt64) -> NativeOutcome {
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
        case .listOperators:
            return .success(output: ABI.encode(string: json(operators: operators { view.read($0) })))
        case .accountStatus(let account):
            return .success(output: ABI.encode(string: status(of: account, view: &view).rawValue))
        case .account(let call, let caller):
            guard committee.weight(of: caller) != nil else { return .returned(.permissionDenied) }
            return .returned(act(call, committee: committee, view: &view, blockNumber: blockNumber))
        case .vote(let change, let caller):
            guard committee.weight(of: caller) != nil else { return .returned(.permissionDenied) }
            if case .grant(let account) = change, holdsOperatorGrant(account, view: &view) { return .returned(.operatorCannotBeMember) }
            let changed: Committee
            switch apply(change, to: committee) {
            case .success(let result): changed = result
            case .failure(let code): return .returned(code)
            }
            // The caller's vote joins those still valid for this change, of members still on the committee.
            let base = ballotsBase(change.id)
            let cast = StorageBlob.read(address, at: base) { view.read($0) }
            var ballots = Ballot.decode(cast).filter { $0.expiry > blockNumber && $0.voter != caller }
            ballots.append(Ballot(voter: caller, expiry: blockNumber + voteLifetime))
            let weight = ballots.compactMap { committee.weight(of: $0.voter) }.reduce(0, +)
            if weight * 100 > UInt64(committee.threshold) * committee.totalWeight {
                for (key, value) in StorageBlob.writes([], address, at: base, previousLength: cast.count) { view.write(key, value) }
                for (key, value) in storage(changed, replacing: committee) { view.write(key, value) }
                return .returned(.success)
            }
            for (key, value) in StorageBlob.writes(Ballot.encode(ballots), address, at: base, previousLength: cast.count) {
                view.write(key, value)
            }
            return .returned(.unchanged)
        }
    }

    /// A member's unvoted act on an operator or an account.
    private static func act<View: StateAccess>(_ call: AccountCall, committee: Committee, view: inout View, blockNumber: UInt64) -> FiscoCode {
        switch call {
        case .grantOperator(let account):
            guard committee.weight(of: account) == nil else { return .memberCannotBeOperator }
            guard !operators(reading: { view.read($0) }).contains(where: { $0.account == account }) else { return .operatorExists }
            for table in operatorTables { changeGrant(of: account, table: table, granted: true, view: &view, blockNumber: blockNumber) }
        case .revokeOperator(let account):
            guard holdsOperatorGrant(account, view: &view) else { return .operatorNotFound }
            for table in operatorTables { changeGrant(of: account, table: table, granted: false, view: &view, blockNumber: blockNumber) }
        case .freeze(let account), .unfreeze(let account):
            // FISCO refuses to freeze a member; unfreezing one is harmless.
            if case .freeze = call, committee.weight(of: account) != nil { return .permissionDenied }
            let before = frozenAccounts { view.read($0) }
            switch (status(of: account, view: &view), call) {
            case (.contract, _): return .notAnExternalAccount
            case (.frozen, .freeze): return .accountFrozen
            case (.available, .unfreeze): return .accountAlreadyAvailable
            case (_, .freeze): write(frozen: before + [account], replacing: before, view: &view)
            default: write(frozen: before.filter { $0 != account }, replacing: before, view: &view)
            }
        }
        return .success
    }

    private static func status<View: StateAccess>(of account: Address, view: inout View) -> AccountStatus {
        if !view.read(.codeHash(account)).isZero { return .contract }
        return frozenAccounts { view.read($0) }.contains(account) ? .frozen : .available
    }

    /// Whether `account` holds a grant of either operator table (FISCO's test for "operator"
    /// where one is revoked or refused membership).
    private static func holdsOperatorGrant<View: StateAccess>(_ account: Address, view: inout View) -> Bool {
        operatorTables.contains { table in Permission.grants(table: table) { view.read($0) }.contains { $0.account == account } }
    }

    private static func changeGrant<View: StateAccess>(of account: Address, table: String, granted: Bool, view: inout View, blockNumber: UInt64) {
        let before = Permission.grants(table: table) { view.read($0) }
        var after = before.filter { $0.account != account }
        if granted { after.append(Permission.Grant(account: account, enableNumber: blockNumber + 1)) }
        for (key, value) in Permission.storage(table: table, replacing: before, with: after) { view.write(key, value) }
    }

    private static func write<View: StateAccess>(frozen accounts: [Address], replacing previous: [Address], view: inout View) {
        for (key, value) in frozenStorage(accounts, replacingCount: previous.count) { view.write(key, value) }
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
