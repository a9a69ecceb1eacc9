import StrandPrimitives
import StrandTypes

/// The state as a block's transactions see it: the source's state, plus the changes of the
/// transactions executed so far, plus the current transaction's journaled changes.
///
/// Every change inside a transaction is journaled, so that a failed call frame reverts to
/// a snapshot (an index into the journal). `finishTransaction()` applies EIP-161/6780
/// deletions and folds the transaction into the block's changes; `diff()` hands those out.
public final class WorldState {
    struct Account {
        var info: AccountInfo
        var exists: Bool
        var code: EVMCode?
    }

    enum JournalEntry {
        case account(Address, Account)
        case storage(SlotKey, UInt256?)
        case touched(Address)
        case warmAddress(Address)
        case warmSlot(SlotKey)
        case transient(SlotKey, UInt256)
        case refund(Int)
        case log
        case created(Address)
        case selfDestructed(Address)
    }

    public private(set) var source: EVMStateSource
    /// Told of every key read or written, when set.
    public var recorder: (any AccessRecorder)?

    private var accounts: [Address: Account] = [:]
    /// Slots written by the current transaction.
    private var storage: [SlotKey: UInt256] = [:]
    /// Slot values at the start of the current transaction: earlier transactions' writes and
    /// cached reads of the source.
    private var committed: [SlotKey: UInt256] = [:]
    /// Accounts deleted in this block: their source storage reads as zero.
    private var wiped: Set<Address> = []
    /// Accounts with entries in `committed`, so that deleting the others needs no scan.
    private var addressesInCommitted: Set<Address> = []
    private let codeCache: CodeCache

    // The current transaction.
    private var journal: [JournalEntry] = []
    private var touched: Set<Address> = []
    private var warmAddresses: Set<Address> = []
    private var warmSlots: Set<SlotKey> = []
    private var transient: [SlotKey: UInt256] = [:]
    private(set) var logs: [Log] = []
    private(set) var refund = 0
    private var created: Set<Address> = []
    private var selfDestructed: Set<Address> = []

    // The block so far.
    private var dirtyAccounts: Set<Address> = []
    private var dirtySlots: Set<SlotKey> = []
    private var newCode: [Hash: [UInt8]] = [:]

    /// RIPEMD-160's precompile stays touched when the touch is reverted: a consensus quirk
    /// from 2016 (geth's journal keeps it) that the state tests still expect.
    private static let ripemd = Address(low: 3)

    /// A world over `source`, using the calling thread's code cache.
    public init(source: EVMStateSource) {
        self.source = source
        self.codeCache = EVMThreadResources.current.codeCache
    }

    /// Runs `body` with a world over `source` taken from the calling thread's pool: its
    /// tables keep their capacity from one use to the next, so a world per transaction costs
    /// no allocation in the steady state.
    public static func borrowing<R>(source: EVMStateSource, _ body: (WorldState) -> R) -> R {
        let resources = EVMThreadResources.current
        let world = resources.worldPool.popLast() ?? WorldState(source: source)
        world.reset(source: source)
        defer {
            world.reset(source: EmptyStateSource.shared)
            resources.worldPool.append(world)
        }
        return body(world)
    }

    /// Forgets everything and starts over on `source`, keeping the tables' capacity: for
    /// callers that run one transaction per world, many times on one thread.
    public func reset(source: EVMStateSource) {
        self.source = source
        recorder = nil
        discardTransaction()
        accounts.removeAll(keepingCapacity: true)
        committed.removeAll(keepingCapacity: true)
        wiped.removeAll(keepingCapacity: true)
        addressesInCommitted.removeAll(keepingCapacity: true)
        dirtyAccounts.removeAll(keepingCapacity: true)
        dirtySlots.removeAll(keepingCapacity: true)
        newCode.removeAll(keepingCapacity: true)
    }

    // MARK: Reading accounts

    private func load(_ address: Address) -> Account {
        if let account = accounts[address] { return account }
        let info = source.account(address)
        let account = Account(info: info ?? AccountInfo(), exists: info != nil, code: nil)
        accounts[address] = account
        return account
    }

    public func balance(_ address: Address) -> UInt256 {
        recorder?.read(.balance(address))
        return load(address).info.balance
    }

    public func nonce(_ address: Address) -> UInt64 {
        recorder?.read(.nonce(address))
        return load(address).info.nonce
    }

    public func codeHash(_ address: Address) -> Hash {
        recorder?.read(.codeHash(address))
        return load(address).info.codeHash
    }

    /// The account's code, analysed.
    public func code(_ address: Address) -> EVMCode {
        recorder?.read(.codeHash(address))
        var account = load(address)
        if let code = account.code { return code }
        let hash = account.info.codeHash
        let code = codeCache.code(hash: hash) { newCode[hash] ?? source.code(hash: hash) }
        account.code = code
        accounts[address] = account
        return code
    }

    public func exists(_ address: Address) -> Bool {
        recordAccountRead(address)
        return load(address).exists
    }

    /// EIP-161: no nonce, no balance, no code (a missing account is empty too).
    public func isEmpty(_ address: Address) -> Bool {
        recordAccountRead(address)
        return load(address).info.isEmpty
    }

    private func recordAccountRead(_ address: Address) {
        guard let recorder else { return }
        recorder.read(.nonce(address))
        recorder.read(.balance(address))
        recorder.read(.codeHash(address))
    }

    /// EIP-684/7610: an address is taken if it has a nonce, code or storage.
    func hasCollision(_ address: Address) -> Bool {
        recordAccountRead(address)
        let account = load(address)
        if account.info.nonce != 0 || account.info.codeHash != EVMCode.emptyHash { return true }
        if storage.contains(where: { $0.key.address == address && !$0.value.isZero }) { return true }
        return !wiped.contains(address) && source.hasStorage(address)
    }

    // MARK: Changing accounts

    private func modify(_ address: Address, _ change: (inout AccountInfo) -> Void) {
        var account = load(address)
        journal.append(.account(address, account))
        change(&account.info)
        account.exists = true
        accounts[address] = account
        touch(address)
    }

    func touch(_ address: Address) {
        if touched.insert(address).inserted { journal.append(.touched(address)) }
    }

    public func setBalance(_ address: Address, _ balance: UInt256) {
        recorder?.write(.balance(address))
        modify(address) { $0.balance = balance }
    }

    /// Adding zero changes nothing but touches an empty account, so that EIP-161 deletes it.
    public func addBalance(_ address: Address, _ amount: UInt256) {
        if amount.isZero {
            if isEmpty(address) { touch(address) }
            return
        }
        recorder?.read(.balance(address))
        setBalance(address, load(address).info.balance &+ amount)
    }

    public func subtractBalance(_ address: Address, _ amount: UInt256) {
        if amount.isZero { return }
        recorder?.read(.balance(address))
        setBalance(address, load(address).info.balance &- amount)
    }

    public func setNonce(_ address: Address, _ nonce: UInt64) {
        recorder?.write(.nonce(address))
        modify(address) { $0.nonce = nonce }
    }

    func setCode(_ address: Address, _ code: [UInt8]) {
        recorder?.write(.codeHash(address))
        let evmCode = EVMCode(code)
        if !code.isEmpty { newCode[evmCode.hash] = code }
        modify(address) { $0.codeHash = evmCode.hash }
        accounts[address]!.code = evmCode
    }

    /// Marks `address` as created by this transaction (EIP-6780 lets only those self-destruct).
    func markCreated(_ address: Address) {
        if created.insert(address).inserted { journal.append(.created(address)) }
    }

    func isCreatedInTransaction(_ address: Address) -> Bool { created.contains(address) }

    func markSelfDestructed(_ address: Address) {
        if selfDestructed.insert(address).inserted { journal.append(.selfDestructed(address)) }
    }

    // MARK: Storage

    /// The slot's value at the start of the transaction (EIP-2200's "original").
    func originalValue(_ key: SlotKey) -> UInt256 {
        if let value = committed[key] { return value }
        let value = wiped.contains(key.address) ? .zero : source.storage(key.address, slot: key.slot)
        committed[key] = value
        addressesInCommitted.insert(key.address)
        return value
    }

    public func storageValue(_ address: Address, _ slot: UInt256) -> UInt256 {
        let key = SlotKey(address, slot)
        recorder?.read(.storage(address, slot))
        return storage[key] ?? originalValue(key)
    }

    func setStorage(_ key: SlotKey, _ value: UInt256) {
        recorder?.write(.storage(key.address, key.slot))
        journal.append(.storage(key, storage.updateValue(value, forKey: key)))
    }

    func transientValue(_ key: SlotKey) -> UInt256 { transient[key] ?? .zero }

    func setTransient(_ key: SlotKey, _ value: UInt256) {
        journal.append(.transient(key, transient.updateValue(value, forKey: key) ?? .zero))
    }

    // MARK: Access lists (EIP-2929)

    /// Marks the address warm; returns whether it was warm already.
    @discardableResult
    func warm(_ address: Address) -> Bool {
        // Precompiles are warm from the start of every transaction (EIP-2929).
        if Precompiles.isPrecompile(address) { return true }
        if warmAddresses.insert(address).inserted {
            journal.append(.warmAddress(address))
            return false
        }
        return true
    }

    @discardableResult
    func warm(_ key: SlotKey) -> Bool {
        if warmSlots.insert(key).inserted {
            journal.append(.warmSlot(key))
            return false
        }
        return true
    }

    // MARK: Refunds and logs

    func addRefund(_ amount: Int) {
        journal.append(.refund(refund))
        refund += amount
    }

    func appendLog(_ log: Log) {
        journal.append(.log)
        logs.append(log)
    }

    // MARK: Snapshots

    typealias Snapshot = Int

    func snapshot() -> Snapshot { journal.count }

    func revert(to snapshot: Snapshot) {
        while journal.count > snapshot {
            switch journal.removeLast() {
            case let .account(address, previous): accounts[address] = previous
            case let .storage(key, previous): storage[key] = previous
            case let .touched(address): if address != Self.ripemd { touched.remove(address) }
            case let .warmAddress(address): warmAddresses.remove(address)
            case let .warmSlot(key): warmSlots.remove(key)
            case let .transient(key, previous): transient[key] = previous
            case let .refund(previous): refund = previous
            case .log: logs.removeLast()
            case let .created(address): created.remove(address)
            case let .selfDestructed(address): selfDestructed.remove(address)
            }
        }
    }

    // MARK: Transaction boundaries

    /// Ends the current transaction: deletes self-destructed accounts and touched empty
    /// ones, makes its writes the next transaction's original values, and clears the
    /// per-transaction sets. Returns the transaction's logs.
    @discardableResult
    func finishTransaction() -> [Log] {
        for (key, value) in storage {
            committed[key] = value
            addressesInCommitted.insert(key.address)
            dirtySlots.insert(key)
        }
        storage.removeAll(keepingCapacity: true)
        for address in touched {
            dirtyAccounts.insert(address)
            guard let account = accounts[address], account.exists else { continue }
            if selfDestructed.contains(address) || account.info.isEmpty { delete(address) }
        }
        for address in selfDestructed where !touched.contains(address) { delete(address) }
        let finishedLogs = logs
        journal.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        warmAddresses.removeAll(keepingCapacity: true)
        warmSlots.removeAll(keepingCapacity: true)
        transient.removeAll(keepingCapacity: true)
        logs.removeAll(keepingCapacity: true)
        refund = 0
        created.removeAll(keepingCapacity: true)
        selfDestructed.removeAll(keepingCapacity: true)
        return finishedLogs
    }

    /// Throws away the current transaction's changes (an invalid transaction).
    func discardTransaction() {
        revert(to: 0)
        _ = finishTransaction()
    }

    private func delete(_ address: Address) {
        accounts[address] = Account(info: AccountInfo(), exists: false, code: nil)
        dirtyAccounts.insert(address)
        wiped.insert(address)
        if addressesInCommitted.contains(address) {
            for key in committed.keys where key.address == address { committed[key] = .zero }
        }
        recorder?.write(.nonce(address))
        recorder?.write(.balance(address))
        recorder?.write(.codeHash(address))
    }

    /// The block's changes so far.
    public func diff() -> StateDiff {
        var diff = StateDiff()
        forEachChange(account: { diff.accounts[$0] = .some($1) }, slot: { diff.storage[$0] = $1 })
        diff.wiped = wiped
        diff.code = newCode
        return diff
    }

    /// Visits the block's changes without collecting them: each changed account (nil when
    /// deleted) and each written slot with its value. Callers that write the changes through
    /// elsewhere, once per transaction, need no `StateDiff`.
    public func forEachChange(account: (Address, AccountInfo?) -> Void, slot: (SlotKey, UInt256) -> Void) {
        for address in dirtyAccounts {
            let entry = accounts[address]!
            account(address, entry.exists ? entry.info : nil)
        }
        for key in dirtySlots { slot(key, committed[key] ?? .zero) }
    }

    /// Code first deployed in this block, by hash.
    public var deployedCode: [Hash: [UInt8]] { newCode }
}

/// What a block's transactions changed: accounts (nil = deleted), slots, new code.
public struct StateDiff: Sendable {
    public var accounts: [Address: AccountInfo?] = [:]
    /// Accounts deleted at some point: drop their stored slots before applying `storage`.
    public var wiped: Set<Address> = []
    public var storage: [SlotKey: UInt256] = [:]
    public var code: [Hash: [UInt8]] = [:]
}

extension Address {
    /// A small address such as a precompile's, 0x00…0n.
    public init(low value: UInt64) {
        self.init(truncating: UInt256(value))
    }
}

/// No accounts, no storage, no code: what a pooled world points at between uses.
final class EmptyStateSource: EVMStateSource, @unchecked Sendable {
    static let shared = EmptyStateSource()
    func account(_ address: Address) -> AccountInfo? { nil }
    func storage(_ address: Address, slot: UInt256) -> UInt256 { .zero }
    func code(hash: Hash) -> [UInt8] { [] }
    func hasStorage(_ address: Address) -> Bool { false }
}
