import StrandPrimitives
import StrandTypes

/// The execution side of the CNS system contract (its interface and storage are in StrandTypes).
/// What it touches depends on how many versions a name has and how long they are, so a call runs
/// as a barrier, like the Consensus contract's.
extension CNS {
    /// Gas for a call of `calldataCount` bytes on top of the intrinsic gas: what it stores or
    /// reads grows with what it names.
    static func gasCost(calldataCount: Int) -> UInt64 { 20_000 + 16 * UInt64(calldataCount) }

    enum Call: Sendable {
        case insert(Entry, caller: Address)
        case selectByName(String)
        case selectByNameAndVersion(String, String)
        /// Calldata that names no function of the contract or does not decode: the call reverts.
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "CNS: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            func text(_ index: Int, maxLength: Int = 256) throws(ABI.DecodingError) -> String {
                String(decoding: try arguments.string(index, maxLength: maxLength), as: UTF8.self)
            }
            do throws(ABI.DecodingError) {
                switch selector {
                case insert:
                    return .insert(Entry(name: try text(0), version: try text(1), address: try text(2), abi: try text(3, maxLength: 1 << 18)),
                                   caller: caller)
                case selectByName:
                    return .selectByName(try text(0))
                case selectByNameAndVersion:
                    return .selectByNameAndVersion(try text(0), try text(1))
                default:
                    return .invalid(reason: "CNS: unknown function")
                }
            } catch {
                return .invalid(reason: "CNS: malformed calldata")
            }
        }
    }

    /// Runs a call; a registration needs `_sys_cns_`'s grant once that table has any.
    static func execute<View: StateAccess>(_ call: Call, view: inout View, blockNumber: UInt64) -> NativeOutcome {
        switch call {
        case .invalid(let reason):
            return .revert(reason)
        case .insert(let entry, let caller):
            guard Permission.allows(caller, table: Permission.cns, inBlock: blockNumber, reading: { view.read($0) }) else {
                return .returned(.permissionDenied)
            }
            guard entry.version.count <= maxVersionLength else { return .returned(.cnsVersionTooLong) }
            let existing = entries(named: entry.name) { view.read($0) }
            guard !existing.contains(where: { $0.version == entry.version }) else { return .returned(.cnsVersionExists) }
            for (key, value) in storage(appending: entry, at: existing.count) { view.write(key, value) }
            return .returned(.success)
        case .selectByName(let name):
            return .success(output: ABI.encode(string: json(entries(named: name) { view.read($0) })))
        case .selectByNameAndVersion(let name, let version):
            let found = entries(named: name) { view.read($0) }.filter { $0.version == version }
            return .success(output: ABI.encode(string: json(found)))
        }
    }
}
