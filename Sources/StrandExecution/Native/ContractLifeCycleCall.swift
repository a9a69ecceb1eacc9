import StrandPrimitives
import StrandTypes

/// The execution side of ContractLifeCycle (its interface and storage are in StrandTypes).
extension ContractLifeCycle {
    static let gasCost: UInt64 = 20_000

    enum Call: Sendable {
        case freeze(Address, caller: Address)
        case unfreeze(Address, caller: Address)
        case grantManager(contract: Address, user: Address, caller: Address)
        case status(Address)
        case managers(Address)
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "ContractLifeCycle: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            func account(_ index: Int) throws(ABI.DecodingError) -> Address { try arguments.address(index) }
            do throws(ABI.DecodingError) {
                switch selector {
                case freeze: return .freeze(try account(0), caller: caller)
                case unfreeze: return .unfreeze(try account(0), caller: caller)
                case grantManager: return .grantManager(contract: try account(0), user: try account(1), caller: caller)
                case getStatus: return .status(try account(0))
                case listManager: return .managers(try account(0))
                default: return .invalid(reason: "ContractLifeCycle: unknown function")
                }
            } catch {
                return .invalid(reason: error.reason)
            }
        }
    }

    static func execute<View: StateAccess>(_ call: Call, view: inout View, genesisGovernors: [Address]) -> NativeOutcome {
        switch call {
        case .invalid(let reason):
            return .revert(reason)
        case .status(let contract):
            let status = status(of: contract, view: &view)
            return .success(output: UInt256.zero.bigEndianBytes + UInt256(64).bigEndianBytes + Array(ABI.encode(string: status.rawValue).dropFirst(32)))
        case .managers(let contract):
            let code: FiscoCode? = switch status(of: contract, view: &view) {
            case .nonexistent: .noSuchAccount
            case .notAContract: .notAContract
            default: nil
            }
            let managers = code == nil ? managers(of: contract) { view.read($0) } : []
            return .success(output: ContractCalldata.int256(code?.rawValue ?? 0).bigEndianBytes + UInt256(64).bigEndianBytes
                + UInt256(UInt64(managers.count)).bigEndianBytes + managers.flatMap { UInt256($0).bigEndianBytes })
        case .freeze(let contract, let caller), .unfreeze(let contract, let caller), .grantManager(let contract, _, let caller):
            let status = status(of: contract, view: &view)
            if status == .nonexistent { return .returned(.noSuchAccount) }
            if status == .notAContract { return .returned(.notAContract) }
            let managers = managers(of: contract) { view.read($0) }
            let committee = ChainGovernance.committee(genesis: genesisGovernors) { view.read($0) }
            guard managers.contains(caller) || committee.weight(of: caller) != nil else { return .returned(.notAManager) }
            let frozen = frozenContracts { view.read($0) }
            let writes: [(StateKey, UInt256)]
            switch call {
            case .freeze:
                guard status == .available else { return .returned(.contractFrozen) }
                writes = frozenStorage(frozen + [contract], replacingCount: frozen.count)
            case .unfreeze:
                guard status == .frozen else { return .returned(.contractAvailable) }
                writes = frozenStorage(frozen.filter { $0 != contract }, replacingCount: frozen.count)
            case .grantManager(_, let user, _):
                guard !managers.contains(user) else { return .returned(.managerExists) }
                writes = StorageBlob.writes((managers + [user]).flatMap(\.bytes), address, at: managersBase(contract),
                                            previousLength: managers.count * 20)
            default:
                preconditionFailure("handled above")
            }
            for (key, value) in writes { view.write(key, value) }
            return .returned(.success)
        }
    }

    private static func status<View: StateAccess>(of contract: Address, view: inout View) -> Status {
        guard !view.read(.codeHash(contract)).isZero else {
            return view.read(.nonce(contract)).isZero && view.read(.balance(contract)).isZero ? .nonexistent : .notAContract
        }
        return frozenContracts { view.read($0) }.contains(contract) ? .frozen : .available
    }
}
