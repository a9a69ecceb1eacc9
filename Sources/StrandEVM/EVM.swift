import StrandCrypto
import StrandPrimitives
import StrandTypes

/// One EVM: runs transactions against a `WorldState`.
///
/// Not thread-safe: the parallel executor gives each worker thread its own EVM (and so its
/// own code cache, stack and memory pools). Call frames recurse on the native stack, so a
/// thread that runs an EVM needs a deep stack for depth 1024 (`DeepStackThread`).
public final class EVM {
    public let state: WorldState
    public var block: BlockEnvironment
    var transaction = TransactionEnvironment(origin: .zero, gasPrice: .zero, blobHashes: [])
    let precompiles = Precompiles()
    /// The host's native contracts, when it has any (`HostContracts`).
    public var host: HostContracts?
    let resources: EVMThreadResources
    var keccakCache: KeccakCache { resources.keccakCache }
    /// Instructions run so far (benchmarks divide time by it).
    public internal(set) var executedInstructions = 0

    /// An EVM for `state`; cheap to make per transaction: the caches and pools it uses are
    /// the calling thread's (`EVMThreadResources`).
    public init(state: WorldState, block: BlockEnvironment) {
        self.state = state
        self.block = block
        self.resources = .current
    }

    func borrowStack() -> UnsafeMutablePointer<UInt256> {
        resources.stackPool.popLast() ?? .allocate(capacity: GasCost.stackLimit)
    }

    func returnStack(_ stack: UnsafeMutablePointer<UInt256>) { resources.stackPool.append(stack) }

    func borrowMemory() -> Memory {
        guard let memory = resources.memoryPool.popLast() else { return Memory() }
        memory.reset()
        return memory
    }

    func returnMemory(_ memory: Memory) { resources.memoryPool.append(memory) }
}

/// What a call frame is asked to do.
struct Message {
    enum Kind { case call, callCode, delegateCall, staticCall, create }

    var kind: Kind
    var caller: Address
    /// The account whose storage and balance the code acts on.
    var address: Address
    /// The account whose code runs (differs from `address` for CALLCODE and DELEGATECALL).
    var codeAddress: Address
    var value: UInt256
    var input: [UInt8]
    var gas: Int
    var isStatic: Bool
    /// 0 for the transaction's own frame.
    var depth: Int
}

/// How a call frame ended.
struct CallResult {
    var error: EVMError?
    var gasLeft: Int
    var output: [UInt8]

    var succeeded: Bool { error == nil }

    static func failure(_ error: EVMError, gasLeft: Int) -> CallResult {
        CallResult(error: error, gasLeft: gasLeft, output: [])
    }
}

extension EVM {
    // MARK: Calls

    /// Runs a message call: value transfer, then the precompile or code at `codeAddress`.
    func call(_ message: Message) -> CallResult {
        if message.depth > GasCost.maxCallDepth { return .failure(.outOfGas, gasLeft: message.gas) }
        let transfersValue = !message.value.isZero && (message.kind == .call || message.kind == .callCode)
        if transfersValue && state.balance(message.caller) < message.value {
            return .failure(.outOfGas, gasLeft: message.gas)
        }
        let precompile = precompiles.contract(at: message.codeAddress)
        if precompile == nil, let host {
            if host.refuses(message.codeAddress) { return CallResult(error: .reverted, gasLeft: message.gas, output: []) }
            if host.runs(message.codeAddress) { return callHost(host, message) }
        }
        let snapshot = state.snapshot()
        if message.kind == .call {
            if precompile == nil && message.value.isZero && !state.exists(message.address) {
                return CallResult(error: nil, gasLeft: message.gas, output: [])
            }
            transfer(from: message.caller, to: message.address, message.value)
        }
        var result: CallResult
        if let precompile {
            result = precompile.run(message.input, gas: message.gas)
        } else {
            let code = state.code(message.codeAddress)
            result = code.count == 0 ? CallResult(error: nil, gasLeft: message.gas, output: [])
                : run(code: code, message: message)
        }
        if let error = result.error {
            state.revert(to: snapshot)
            if error != .reverted { result.gasLeft = 0 }
        }
        return result
    }

    /// A zero value still touches an empty recipient (EIP-161), as `addBalance` does.
    func transfer(from sender: Address, to recipient: Address, _ value: UInt256) {
        state.subtractBalance(sender, value)
        state.addBalance(recipient, value)
    }

    // MARK: Contract creation

    /// Creates a contract at the CREATE (no salt) or CREATE2 address and runs its init code.
    /// Returns the new address on success.
    func create(
        caller: Address, value: UInt256, initCode: [UInt8], gas: Int, salt: UInt256?, depth: Int
    ) -> (CallResult, Address?) {
        if depth > GasCost.maxCallDepth { return (.failure(.outOfGas, gasLeft: gas), nil) }
        if state.balance(caller) < value { return (.failure(.outOfGas, gasLeft: gas), nil) }
        let nonce = state.nonce(caller)
        if nonce == .max { return (.failure(.outOfGas, gasLeft: gas), nil) }
        state.setNonce(caller, nonce + 1)
        let address = salt.map { Self.create2Address(caller, salt: $0, initCode: initCode, suite: block.suite) }
            ?? Address.contract(createdBy: caller, nonce: nonce, suite: block.suite)
        state.warm(address)
        if state.hasCollision(address) { return (.failure(.createCollision, gasLeft: 0), nil) }

        let snapshot = state.snapshot()
        state.setNonce(address, 1)
        state.markCreated(address)
        transfer(from: caller, to: address, value)
        let message = Message(
            kind: .create, caller: caller, address: address, codeAddress: address, value: value,
            input: [], gas: gas, isStatic: false, depth: depth
        )
        var result = initCode.isEmpty ? CallResult(error: nil, gasLeft: gas, output: [])
            : run(code: EVMCode(initCode, hash: .zero), message: message)
        if result.succeeded {
            let code = result.output
            let depositCost = code.count * GasCost.codeDeposit
            if code.count > GasCost.maxCodeSize {
                result.error = .codeTooLarge
            } else if code.first == 0xEF {
                result.error = .invalidCodePrefix
            } else if result.gasLeft < depositCost {
                result.error = .outOfGas
            } else {
                result.gasLeft -= depositCost
                state.setCode(address, code)
                result.output = []
            }
        }
        if let error = result.error {
            state.revert(to: snapshot)
            if error != .reverted { result.gasLeft = 0 }
            return (result, nil)
        }
        return (result, address)
    }

    /// H(0xff ‖ sender ‖ salt ‖ H(initCode))[12...], H the suite's hash (Keccak-256 on Ethereum).
    public static func create2Address(_ sender: Address, salt: UInt256, initCode: [UInt8], suite: CryptoSuite = .secp256k1) -> Address {
        var bytes: [UInt8] = [0xFF]
        bytes.reserveCapacity(85)
        bytes += sender.bytes
        bytes += salt.bigEndianBytes
        bytes += suite.hash(initCode).bytes
        return Address(lastBytesOf: suite.hash(bytes))
    }
}
