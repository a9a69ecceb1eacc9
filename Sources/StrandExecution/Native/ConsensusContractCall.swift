import StrandCrypto
import StrandPrimitives
import StrandTypes

/// The execution side of the Consensus system contract (its interface and storage are in
/// StrandTypes). Its access set depends on the roster's length, which only state tells, so a
/// call runs as a barrier: alone, after every transaction before it and before every one after.
extension ConsensusContract {
    /// Gas on top of the intrinsic gas.
    static let gasCost: UInt64 = 40_000

    enum Change: Sendable {
        case addSealer, addObserver, remove
    }

    enum Call: Sendable {
        /// `node` is nil when the argument is not 128 hex digits (FISCO's -51100).
        case change(Change, node: NodeID?, caller: Address)
        /// Calldata that names no function of the contract or does not decode: the call reverts.
        case invalid(reason: StaticString)
    }

    static func decode(_ calldata: [UInt8], caller: Address) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "Consensus: calldata too short") }
            let change: Change
            switch UInt32(bigEndian: data.loadUnaligned(as: UInt32.self)) {
            case addSealer: change = .addSealer
            case addObserver: change = .addObserver
            case remove: change = .remove
            default: return .invalid(reason: "Consensus: unknown function")
            }
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            do throws(ABI.DecodingError) {
                let text = String(decoding: try arguments.string(0, maxLength: 256), as: UTF8.self)
                let node = text.utf8.count == 2 * NodeID.byteCount ? try? NodeID(hex: text) : nil
                return .change(change, node: node, caller: caller)
            } catch {
                return .invalid(reason: "Consensus: malformed calldata")
            }
        }
    }

    /// Runs a call: FISCO's code as the `int256` output; the roster written only when it changed.
    /// The caller governs, and holds `_sys_consensus_`'s grant once that table has any.
    static func execute<View: StateAccess>(_ call: Call, view: inout View, genesis: [NodeID], blockNumber: UInt64) -> NativeOutcome {
        guard case .change(let change, let node, let caller) = call else {
            if case .invalid(let reason) = call { return .revert(reason) }
            return .revert("Consensus: unknown call")
        }
        guard !view.read(ChainGovernance.memberKey(caller)).isZero,
              Permission.allows(caller, table: Permission.consensus, inBlock: blockNumber, reading: { view.read($0) }) else {
            return .returned(.permissionDenied)
        }
        guard let node else { return .returned(.invalidNodeID) }
        let before = ConsensusRoster(genesis: genesis) { view.read($0) }
        var after = before
        let code = apply(change, to: node, in: &after)
        if after != before {
            for (key, value) in after.storage(replacing: before) { view.write(key, value) }
        }
        return .returned(code)
    }

    /// FISCO's rules: a sealer only from observer, never the last sealer gone.
    static func apply(_ change: Change, to node: NodeID, in roster: inout ConsensusRoster) -> FiscoCode {
        let position = roster.entries.firstIndex { $0.node == node }
        let isLastSealer = roster.sealers == [node]
        switch change {
        case .addSealer:
            guard let position else { return .sealerMustBeObserver }
            guard roster.entries[position].role == .observer else { return .unchanged }
            roster.entries[position].role = .sealer
        case .addObserver:
            guard let position else {
                roster.entries.append(.init(node: node, role: .observer))
                return .success
            }
            guard roster.entries[position].role == .sealer else { return .unchanged }
            guard !isLastSealer else { return .lastSealer }
            roster.entries[position].role = .observer
        case .remove:
            guard let position else { return .nodeNotFound }
            guard !isLastSealer else { return .lastSealer }
            roster.entries.remove(at: position)
        }
        return .success
    }
}
