import StrandPrimitives
import StrandTypes

/// The execution side of ParallelConfig (its interface and storage are in StrandTypes).
extension ParallelConfig {
    static let gasCost: UInt64 = 20_000

    enum Call: Sendable {
        case register(contract: Address, function: String, criticalSize: UInt256, caller: Address)
        case unregister(contract: Address, function: String, caller: Address)
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "ParallelConfig: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            do throws(ABI.DecodingError) {
                let contract = try arguments.address(0)
                let function = String(decoding: try arguments.string(1, maxLength: 1024), as: UTF8.self)
                switch selector {
                case register: return .register(contract: contract, function: function, criticalSize: try arguments.word(2), caller: caller)
                case unregister: return .unregister(contract: contract, function: function, caller: caller)
                default: return .invalid(reason: "ParallelConfig: unknown function")
                }
            } catch {
                return .invalid(reason: error.reason)
            }
        }
    }

    static func execute<View: StateAccess>(_ call: Call, view: inout View) -> NativeOutcome {
        switch call {
        case .invalid(let reason):
            return .revert(reason)
        case .register(let contract, let function, let criticalSize, let caller):
            guard let size = criticalSize.uint64, size <= 32 else { return .revert("ParallelConfig: criticalSize above 32") }
            return declare(Declaration(selector: ContractCalldata.selector(function), criticalSize: UInt8(size)),
                           of: contract, caller: caller, replacing: ContractCalldata.selector(function), view: &view)
        case .unregister(let contract, let function, let caller):
            return declare(nil, of: contract, caller: caller, replacing: ContractCalldata.selector(function), view: &view)
        }
    }

    /// Replaces the declaration of `selector` with `declaration` (none: removed).
    private static func declare<View: StateAccess>(_ declaration: Declaration?, of contract: Address, caller: Address,
                                                   replacing selector: UInt32, view: inout View) -> NativeOutcome {
        guard caller == contract else { return .returned(.permissionDenied) }
        let before = declarations(of: contract) { view.read($0) }
        let after = before.filter { $0.selector != selector } + (declaration.map { [$0] } ?? [])
        for (key, value) in StorageBlob.writes(encode(after), address, at: base(of: contract), previousLength: before.count * 5) {
            view.write(key, value)
        }
        return .returned(.success)
    }
}
