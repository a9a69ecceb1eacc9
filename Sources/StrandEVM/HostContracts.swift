import StrandPrimitives
import StrandTypes

/// Contracts that the host runs natively at addresses of its choosing (FISCO's system contracts
/// and the table objects they hand out), reached from EVM code by CALL and STATICCALL as any
/// contract is. They act on state through `HostState`, so a frame that fails reverts them too.
public protocol HostContracts: AnyObject {
    /// Whether the host runs `address`: EXTCODESIZE says 1 for it, so that compilers' checks
    /// for code before a call pass, as on FISCO.
    func runs(_ address: Address) -> Bool

    /// Whether the host refuses any call of the contract at `address` (FISCO's frozen contracts):
    /// such a call fails as a REVERT with no data would.
    func refuses(_ address: Address) -> Bool

    /// A call of one of the host's contracts by `caller`, in a transaction that `origin` sent.
    func call(_ address: Address, input: [UInt8], caller: Address, origin: Address, gas: Int, state: HostState) -> HostCallResult
}

/// How a host contract's call ended: its output, gas used, and whether it failed (its writes
/// are then reverted and, as for REVERT, unused gas returned).
public struct HostCallResult: Sendable {
    public var output: [UInt8]
    public var gasUsed: Int
    public var failed: Bool

    public init(output: [UInt8], gasUsed: Int, failed: Bool = false) {
        self.output = output
        self.gasUsed = gasUsed
        self.failed = failed
    }
}

/// A host contract's window on the world: storage of any account, journaled like SSTORE; and
/// the accounts' fields to read. Writes in a static call are refused after the fact: the call fails.
public final class HostState {
    let world: WorldState
    public let isStatic: Bool
    public private(set) var wrote = false

    init(world: WorldState, isStatic: Bool) {
        self.world = world
        self.isStatic = isStatic
    }

    public func storage(_ address: Address, _ slot: UInt256) -> UInt256 { world.storageValue(address, slot) }

    public func setStorage(_ address: Address, _ slot: UInt256, _ value: UInt256) {
        wrote = true
        world.setStorage(SlotKey(address, slot), value)
    }

    public func balance(_ address: Address) -> UInt256 { world.balance(address) }
    public func nonce(_ address: Address) -> UInt64 { world.nonce(address) }

    /// The code hash, or zero for an account without code (as the flat state keeps it).
    public func codeHash(_ address: Address) -> Hash {
        let hash = world.codeHash(address)
        return hash == EVMCode.emptyHash ? .zero : hash
    }
}

extension EVM {
    /// Runs a message to one of the host's contracts; value is refused (they are not payable),
    /// as are CALLCODE and DELEGATECALL into them (they have no code to borrow).
    func callHost(_ host: HostContracts, _ message: Message) -> CallResult {
        guard message.kind == .call || message.kind == .staticCall, message.value.isZero else {
            return CallResult(error: .reverted, gasLeft: message.gas, output: [])
        }
        let snapshot = state.snapshot()
        let window = HostState(world: state, isStatic: message.isStatic)
        let result = host.call(message.codeAddress, input: message.input, caller: message.caller, origin: transaction.origin,
                               gas: message.gas, state: window)
        guard result.gasUsed <= message.gas else {
            state.revert(to: snapshot)
            return .failure(.outOfGas, gasLeft: 0)
        }
        if window.isStatic && window.wrote {
            state.revert(to: snapshot)
            return .failure(.writeInStaticCall, gasLeft: 0)
        }
        if result.failed {
            state.revert(to: snapshot)
            return CallResult(error: .reverted, gasLeft: message.gas - result.gasUsed, output: result.output)
        }
        return CallResult(error: nil, gasLeft: message.gas - result.gasUsed, output: result.output)
    }
}
