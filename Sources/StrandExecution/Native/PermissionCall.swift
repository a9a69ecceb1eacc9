import StrandPrimitives
import StrandTypes

/// The execution side of the Permission system contract (its interface and storage are in
/// StrandTypes). A table's grants are a list of any length, so a call runs as a barrier.
extension Permission {
    /// Gas on top of the intrinsic gas.
    static let gasCost: UInt64 = 40_000

    enum Call: Sendable {
        /// `account` is nil when the argument is no address.
        case grant(table: String, account: Address?, caller: Address)
        case revoke(table: String, account: Address?, caller: Address)
        case query(table: String)
        /// Calldata that names no function of the contract or does not decode: the call reverts.
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "Permission: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            func text(_ index: Int) throws(ABI.DecodingError) -> String {
                String(decoding: try arguments.string(index, maxLength: 256), as: UTF8.self)
            }
            do throws(ABI.DecodingError) {
                switch selector {
                case insert: return .grant(table: try text(0), account: try? Address(hex: try text(1)), caller: caller)
                case remove: return .revoke(table: try text(0), account: try? Address(hex: try text(1)), caller: caller)
                case queryByName: return .query(table: try text(0))
                default: return .invalid(reason: "Permission: unknown function")
                }
            } catch {
                return .invalid(reason: "Permission: malformed calldata")
            }
        }
    }

    /// Runs a call in the block numbered `blockNumber`: a grant is in force from the next block.
    static func execute<View: StateAccess>(_ call: Call, view: inout View, blockNumber: UInt64) -> NativeOutcome {
        switch call {
        case .invalid(let reason):
            return .revert(reason)
        case .query(let table):
            return .success(output: ABI.encode(string: json(table: table, grants(table: table) { view.read($0) })))
        case .grant(let table, let account, let caller), .revoke(let table, let account, let caller):
            guard !view.read(ChainGovernance.memberKey(caller)).isZero else { return .returned(.permissionDenied) }
            guard let account else { return .returned(.invalidAddress) }
            let before = grants(table: table) { view.read($0) }
            var after = before
            if case .grant = call {
                guard !before.contains(where: { $0.account == account }) else { return .returned(.alreadyGranted) }
                after.append(Grant(account: account, enableNumber: blockNumber + 1))
            } else {
                guard before.contains(where: { $0.account == account }) else { return .returned(.grantNotFound) }
                after.removeAll { $0.account == account }
            }
            for (key, value) in storage(table: table, replacing: before, with: after) { view.write(key, value) }
            return .returned(.success)
        }
    }
}
