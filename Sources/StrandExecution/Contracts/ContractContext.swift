import StrandEVM
import StrandPrimitives
import StrandTypes
import Synchronization

/// What contract transactions of one block share: the EVM's view of the block, and the code
/// that the block's transactions deploy (visible to later ones, kept for the state changes).
final class ContractContext: Sendable {
    let environment: BlockEnvironment
    let isSimulation: Bool
    private let deployed = Mutex<[Hash: [UInt8]]>([:])
    private let codeReader: @Sendable (Hash) -> [UInt8]?

    init(block context: BlockContext, codeReader: @escaping @Sendable (Hash) -> [UInt8]?) {
        environment = BlockEnvironment(
            number: context.number, timestamp: context.timestamp, gasLimit: context.gasLimit,
            coinbase: context.sealer, baseFee: .zero, chainID: UInt256(context.chainID),
            blockHash: context.blockHash
        )
        self.codeReader = codeReader
        isSimulation = context.isSimulation
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
final class ViewStateSource<View: StateAccess>: EVMStateSource {
    private let view: UnsafeMutablePointer<View>
    private let contracts: ContractContext
    private let deploys: Bool
    /// Accounts handed out, in a small array: a transaction loads a handful.
    private var loaded: [(address: Address, info: AccountInfo)] = []
    /// Code the transaction deployed, when `deploys` is off.
    private(set) var undeployedCode: [Hash: [UInt8]] = [:]

    init(view: UnsafeMutablePointer<View>, contracts: ContractContext, deploys: Bool = true) {
        self.view = view
        self.contracts = contracts
        self.deploys = deploys
    }

    func account(_ address: Address) -> AccountInfo? {
        let nonce = view.pointee.read(.nonce(address))
        let balance = view.pointee.read(.balance(address))
        let codeHash = view.pointee.read(.codeHash(address))
        let info = AccountInfo(nonce: nonce.uint64 ?? .max, balance: balance,
                               codeHash: codeHash.isZero ? EVMCode.emptyHash : Hash(codeHash))
        if let i = loaded.lastIndex(where: { $0.address == address }) { loaded[i].info = info } else { loaded.append((address, info)) }
        return nonce.isZero && balance.isZero && codeHash.isZero ? nil : info
    }

    func storage(_ address: Address, slot: UInt256) -> UInt256 {
        view.pointee.read(.storage(address, slot))
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
            if before.nonce != after.nonce { view.pointee.write(.nonce(address), UInt256(after.nonce)) }
            if before.balance != after.balance { view.pointee.write(.balance(address), after.balance) }
            if before.codeHash != after.codeHash {
                view.pointee.write(.codeHash(address), after.codeHash == EVMCode.emptyHash ? .zero : UInt256(after.codeHash))
            }
        }, slot: { key, value in
            view.pointee.write(.storage(key.address, key.slot), value)
        })
        let code = world.deployedCode
        if deploys { contracts.deploy(code) } else { undeployedCode = code }
    }
}
