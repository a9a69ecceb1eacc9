import StrandCrypto
import StrandEVM
import StrandPrimitives
import StrandTypes
import Synchronization

/// What the transactions of one block share: the EVM's view of the block, the code that the
/// block's transactions deploy (visible to later ones, kept for the state changes), and what
/// its start state froze.
final class ContractContext: Sendable {
    let environment: BlockEnvironment
    let isSimulation: Bool
    /// The Consensus contract's roster until a governor first changes it.
    let genesisValidators: [NodeID]
    /// ChainGovernance's committee until it first changes.
    let genesisGovernors: [Address]
    /// Accounts and contracts frozen in the block's start state: a freeze is in force from the
    /// block after it. Planners ask it only when it is not empty, so that the usual block pays
    /// two slot reads.
    let freezes: Freezes
    private let deployed = Mutex<[Hash: [UInt8]]>([:])
    private let codeReader: @Sendable (Hash) -> [UInt8]?

    /// - Parameter reader: the block's start state, where code not deployed in the block is read.
    init(block context: BlockContext, reader: some StateReader & Sendable) {
        var environment = BlockEnvironment(
            number: context.number, timestamp: context.timestamp, gasLimit: context.gasLimit,
            coinbase: context.sealer, baseFee: .zero, chainID: UInt256(context.chainID),
            blockHash: context.blockHash
        )
        environment.suite = context.suite
        self.environment = environment
        codeReader = { [reader] in reader.code(hash: $0) }
        isSimulation = context.isSimulation
        genesisValidators = context.genesisValidators
        genesisGovernors = context.genesisGovernors
        freezes = Freezes(in: reader)
    }

    func code(hash: Hash) -> [UInt8] {
        deployed.withLock { $0[hash] } ?? codeReader(hash) ?? []
    }

    func deploy(_ code: [Hash: [UInt8]]) {
        guard !code.isEmpty else { return }
        deployed.withLock { $0.merge(code) { old, _ in old } }
    }

    /// The code deployed by the block, ordered by hash.
    var deployedCode: [[UInt8]] {
        deployed.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
    }
}

/// The executor's state view as the EVM's state source. Flat state stores "no code" as a
/// zero code hash and an account as three keys; the EVM sees `AccountInfo`s. Remembers what
/// it handed out, so that a transaction's diff is written back only where a field changed.
///
/// Not generic: the EVM calls its source through an existential, and a generic class's
/// methods would run unspecialised, copying the view's reader (bumping reference counts that
/// every core shares) on each read. It reaches the view through functions made in specialised
/// code instead, which capture nothing, so that making them allocates nothing.
final class ViewStateSource: EVMStateSource {
    private let view: UnsafeMutableRawPointer
    private let readView: (UnsafeMutableRawPointer, StateKey) -> UInt256
    private let writeView: (UnsafeMutableRawPointer, StateKey, UInt256) -> Void
    private let contracts: ContractContext
    private let deploys: Bool
    /// Accounts handed out, in a small array: a transaction loads a handful.
    private var loaded: [(address: Address, info: AccountInfo)] = []
    /// Code the transaction deployed, when `deploys` is off.
    private(set) var undeployedCode: [Hash: [UInt8]] = [:]

    /// - Parameter view: valid for the source's lifetime (one transaction).
    init<View: StateAccess>(view: UnsafeMutablePointer<View>, contracts: ContractContext, deploys: Bool = true) {
        self.view = UnsafeMutableRawPointer(view)
        readView = { $0.assumingMemoryBound(to: View.self).pointee.read($1) }
        writeView = { $0.assumingMemoryBound(to: View.self).pointee.write($1, $2) }
        self.contracts = contracts
        self.deploys = deploys
    }

    private func read(_ key: StateKey) -> UInt256 { readView(view, key) }

    private func write(_ key: StateKey, _ value: UInt256) { writeView(view, key, value) }

    func account(_ address: Address) -> AccountInfo? {
        let nonce = read(.nonce(address))
        let balance = read(.balance(address))
        let codeHash = read(.codeHash(address))
        let info = AccountInfo(nonce: nonce.uint64 ?? .max, balance: balance,
                               codeHash: codeHash.isZero ? EVMCode.emptyHash : Hash(codeHash))
        if let i = loaded.lastIndex(where: { $0.address == address }) { loaded[i].info = info } else { loaded.append((address, info)) }
        return nonce.isZero && balance.isZero && codeHash.isZero ? nil : info
    }

    func storage(_ address: Address, slot: UInt256) -> UInt256 {
        read(.storage(address, slot))
    }

    func code(hash: Hash) -> [UInt8] { contracts.code(hash: hash) }

    /// The flat state cannot list an account's slots cheaply; a CREATE2 address that already
    /// has storage but no nonce or code would need a Keccak collision.
    func hasStorage(_ address: Address) -> Bool { false }

    /// Writes a transaction's changes through the view: changed account fields, written slots.
    func write(_ world: WorldState) {
        world.forEachChange(account: { address, info in
            let before = loaded.last(where: { $0.address == address })?.info ?? AccountInfo()
            let after = info ?? AccountInfo()
            if before.nonce != after.nonce { write(.nonce(address), UInt256(after.nonce)) }
            if before.balance != after.balance { write(.balance(address), after.balance) }
            if before.codeHash != after.codeHash {
                write(.codeHash(address), after.codeHash == EVMCode.emptyHash ? .zero : UInt256(after.codeHash))
            }
        }, slot: { key, value in
            write(.storage(key.address, key.slot), value)
        })
        let code = world.deployedCode
        if deploys { contracts.deploy(code) } else { undeployedCode = code }
    }
}
