import StrandPrimitives
import StrandTypes

/// The execution side of the ParallelTransfer native contract (its interface is in StrandTypes):
/// calls decoded into state keys, exact access sets, gas and the operations themselves.
extension ParallelTransfer {
    /// Gas charged on top of the intrinsic gas, per operation.
    public enum GasCost {
        public static let add: UInt64 = 20_000
        public static let save: UInt64 = 10_000
        public static let draw: UInt64 = 10_000
        public static let balance: UInt64 = 2_000
        public static let transfer: UInt64 = 20_000
        public static let badCall: UInt64 = 0
    }

    /// A decoded call: users already turned into their storage keys, so that execution
    /// hashes nothing and the access set is known before it runs.
    enum Call: Hashable, Sendable {
        case add(user: StateKey, balance: UInt256)
        case save(user: StateKey, amount: UInt256)
        case draw(user: StateKey, amount: UInt256)
        case balance(user: StateKey)
        case transfer(from: StateKey, to: StateKey, amount: UInt256)
        /// Calldata that names no operation or does not decode: the call reverts.
        case invalid(reason: StaticString)

        static func == (lhs: Call, rhs: Call) -> Bool {
            switch (lhs, rhs) {
            case (.add(let a, let x), .add(let b, let y)), (.save(let a, let x), .save(let b, let y)),
                 (.draw(let a, let x), .draw(let b, let y)): a == b && x == y
            case (.balance(let a), .balance(let b)): a == b
            case (.transfer(let a, let b, let x), .transfer(let c, let d, let y)): a == c && b == d && x == y
            case (.invalid(let a), .invalid(let b)): a.description == b.description
            default: false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .add(let user, _), .save(let user, _), .draw(let user, _), .balance(let user): hasher.combine(user)
            case .transfer(let from, let to, _): hasher.combine(from); hasher.combine(to)
            case .invalid(let reason): hasher.combine(reason.description)
            }
        }

        var gasCost: UInt64 {
            switch self {
            case .add: GasCost.add
            case .save: GasCost.save
            case .draw: GasCost.draw
            case .balance: GasCost.balance
            case .transfer: GasCost.transfer
            case .invalid: GasCost.badCall
            }
        }

        /// Adds the slots the call touches to an access set.
        func recordAccess(into set: inout AccessSetBuilder) {
            switch self {
            case .add(let user, _), .save(let user, _), .draw(let user, _): set.write(user)
            case .balance(let user): set.read(user)
            case .transfer(let from, let to, _):
                set.write(from)
                set.write(to)
            case .invalid: break
            }
        }
    }

    /// The storage key of a user.
    static func userKey(_ name: UnsafeRawBufferPointer) -> StateKey {
        .storage(address, userSlot(name))
    }

    /// The slot of a user: a name of up to 31 bytes is stored in the slot itself (its bytes,
    /// zero padding, and its length in the last byte), which costs no hashing; a longer name
    /// is keccak(name) with the last byte set to 0xff, which no short name's length byte
    /// can be. Distinct names therefore always have distinct slots, up to Keccak collisions.
    public static func userSlot(_ name: UnsafeRawBufferPointer) -> Hash {
        guard name.count <= 31 else {
            var slot = Keccak256.hash(name)
            withUnsafeMutableBytes(of: &slot) { $0[31] = 0xff }
            return slot
        }
        var slot = Hash.zero
        withUnsafeMutableBytes(of: &slot) { bytes in
            if name.count > 0 { bytes.baseAddress!.copyMemory(from: name.baseAddress!, byteCount: name.count) }
            bytes[31] = UInt8(name.count)
        }
        return slot
    }

    /// The storage key of the user `name`.
    public static func userKey(_ name: String) -> StateKey {
        Array(name.utf8).withUnsafeBytes { userKey($0) }
    }

    /// Decodes calldata into a call; what does not decode becomes `.invalid`.
    static func decode(_ calldata: [UInt8]) -> Call {
        calldata.withUnsafeBytes { data in
            guard data.count >= 4 else { return .invalid(reason: "ParallelTransfer: calldata too short") }
            let selector = UInt32(bigEndian: data.loadUnaligned(as: UInt32.self))
            let arguments = ABI.Arguments(data: UnsafeRawBufferPointer(rebasing: data[4...]))
            do throws(ABI.DecodingError) {
                switch selector {
                case Selector.add:
                    return .add(user: userKey(try arguments.string(0, maxLength: maxNameLength)), balance: try arguments.word(1))
                case Selector.save:
                    return .save(user: userKey(try arguments.string(0, maxLength: maxNameLength)), amount: try arguments.word(1))
                case Selector.draw:
                    return .draw(user: userKey(try arguments.string(0, maxLength: maxNameLength)), amount: try arguments.word(1))
                case Selector.balance:
                    return .balance(user: userKey(try arguments.string(0, maxLength: maxNameLength)))
                case Selector.transfer:
                    return .transfer(from: userKey(try arguments.string(0, maxLength: maxNameLength)),
                                     to: userKey(try arguments.string(1, maxLength: maxNameLength)),
                                     amount: try arguments.word(2))
                default:
                    return .invalid(reason: "ParallelTransfer: unknown function")
                }
            } catch {
                return .invalid(reason: "ParallelTransfer: malformed calldata")
            }
        }
    }

    /// The largest balance a user can hold: one less than the largest stored value.
    static let maxBalance = UInt256.max &- .one

    /// The stored form of a balance (never zero, so that the user exists).
    static func stored(_ balance: UInt256) -> UInt256 { balance &+ .one }

    /// The balance of a stored user, or nil if there is no such user.
    static func balance(_ stored: UInt256) -> UInt256? { stored.isZero ? nil : stored &- .one }

    /// `balance + amount`, or nil above `maxBalance`.
    static func credited(_ balance: UInt256, _ amount: UInt256) -> UInt256? {
        let (sum, overflow) = balance.addingReportingOverflow(amount)
        return overflow || sum > maxBalance ? nil : sum
    }

    /// Runs a call. It checks everything before it writes, so a revert writes nothing.
    static func execute<View: StateAccess>(_ call: Call, view: inout View) -> NativeOutcome {
        switch call {
        case .add(let user, let amount):
            guard balance(view.read(user)) == nil else { return .revert("ParallelTransfer: user exists") }
            guard amount <= maxBalance else { return .revert("ParallelTransfer: balance overflow") }
            view.write(user, stored(amount))
            return .success(output: [])
        case .save(let user, let amount):
            guard let sum = credited(balance(view.read(user)) ?? .zero, amount) else {
                return .revert("ParallelTransfer: balance overflow")
            }
            view.write(user, stored(sum))
            return .success(output: [])
        case .draw(let user, let amount):
            guard let current = balance(view.read(user)) else { return .revert("ParallelTransfer: unknown user") }
            guard current >= amount else { return .revert("ParallelTransfer: insufficient balance") }
            view.write(user, stored(current &- amount))
            return .success(output: [])
        case .balance(let user):
            guard let current = balance(view.read(user)) else { return .revert("ParallelTransfer: unknown user") }
            return .success(output: ABI.encode(current))
        case .transfer(let from, let to, let amount):
            guard let fromBalance = balance(view.read(from)) else { return .revert("ParallelTransfer: unknown sender user") }
            guard let toBalance = balance(view.read(to)) else { return .revert("ParallelTransfer: unknown receiver user") }
            guard fromBalance >= amount else { return .revert("ParallelTransfer: insufficient balance") }
            if from == to { return .success(output: []) }
            guard let credited = credited(toBalance, amount) else { return .revert("ParallelTransfer: balance overflow") }
            view.write(from, stored(fromBalance &- amount))
            view.write(to, stored(credited))
            return .success(output: [])
        case .invalid(let reason):
            return .revert(reason)
        }
    }
}
