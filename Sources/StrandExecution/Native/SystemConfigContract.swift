import StrandPrimitives
import StrandTypes

/// The execution side of the SystemConfig system contract (its interface is in StrandTypes): a
/// call decoded before it runs. It reads `_sys_config_`'s grants, a list of any length, so it
/// runs as a barrier.
extension SystemConfig {
    /// Gas on top of the intrinsic gas.
    static let gasCost: UInt64 = 20_000

    enum Call: Sendable {
        /// `setValueByKey` of a known key; `value` is nil when FISCO would refuse it.
        case set(key: Key, value: UInt64?, caller: Address)
        /// A key FISCO 2.x does not know.
        case unknownKey(caller: Address)
        /// Calldata that names no function of the contract or does not decode: the call reverts.
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "SystemConfig: calldata too short") }
            guard UInt32(bigEndian: data.loadUnaligned(as: UInt32.self)) == setValueByKey else {
                return .invalid(reason: "SystemConfig: unknown function")
            }
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            do throws(ABI.DecodingError) {
                let keyText = String(decoding: try arguments.string(0, maxLength: 64), as: UTF8.self)
                let valueText = String(decoding: try arguments.string(1, maxLength: 64), as: UTF8.self)
                guard let key = Key(rawValue: keyText) else { return .unknownKey(caller: caller) }
                return .set(key: key, value: parse(valueText, for: key), caller: caller)
            } catch {
                return .invalid(reason: "SystemConfig: malformed calldata")
            }
        }
    }

    /// Runs a call: FISCO's code as the `int256` output, the value written only when the caller
    /// governs (and holds `_sys_config_`'s grant, once it has any) and the value is in range.
    static func execute<View: StateAccess>(_ call: Call, view: inout View, blockNumber: UInt64) -> NativeOutcome {
        switch call {
        case .invalid(let reason):
            return .revert(reason)
        case .unknownKey(let caller):
            return .returned(view.read(ChainGovernance.memberKey(caller)).isZero ? .permissionDenied : .invalidConfiguration)
        case .set(let key, let value, let caller):
            guard !view.read(ChainGovernance.memberKey(caller)).isZero,
                  Permission.allows(caller, table: Permission.config, inBlock: blockNumber, reading: { view.read($0) }) else {
                return .returned(.permissionDenied)
            }
            guard let value else { return .returned(.invalidConfiguration) }
            view.write(key.stateKey, UInt256(value))
            return .returned(.success)
        }
    }
}

extension NativeOutcome {
    /// A FISCO code as the `int256` output; the receipt's status is success whatever the code, as FISCO's.
    static func returned(_ code: FiscoCode) -> NativeOutcome {
        .success(output: ABI.encode(ContractCalldata.int256(code.rawValue)))
    }
}
