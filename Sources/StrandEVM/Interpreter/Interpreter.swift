import StrandPrimitives
import StrandTypes

/// A running call frame: program counter, gas, stack and memory.
struct Frame {
    let code: EVMCode
    let message: Message
    var gas: Int
    let stack: UnsafeMutablePointer<UInt256>
    var sp = 0
    let memory: Memory
    var returnData: [UInt8] = []

    @inline(__always) mutating func push(_ value: UInt256) {
        stack[sp] = value
        sp &+= 1
    }

    @inline(__always) mutating func pop() -> UInt256 {
        sp &-= 1
        return stack[sp]
    }

    /// The item `n` below the top (0 = top).
    @inline(__always) func peek(_ n: Int) -> UInt256 { stack[sp &- 1 &- n] }

    @inline(__always) mutating func useGas(_ amount: Int) -> Bool {
        gas &-= amount
        return gas >= 0
    }

    /// Charges for growing memory to cover `size` bytes at `offset`; a zero size costs
    /// nothing whatever the offset. Offsets and sizes beyond 2³² cannot be paid for.
    @inline(__always) mutating func expandMemory(offset: UInt256, size: UInt256) -> Bool {
        if size.isZero { return true }
        guard let o = offset.uint64, let s = size.uint64, o <= 0xFFFF_FFFF, s <= 0xFFFF_FFFF else {
            return false
        }
        return expandMemory(end: Int(o + s))
    }

    mutating func expandMemory(end: Int) -> Bool {
        let current = memory.count
        if end <= current { return true }
        let newWords = GasCost.words(end)
        let cost = GasCost.memory(words: newWords) - GasCost.memory(words: current / 32)
        guard useGas(cost) else { return false }
        memory.grow(to: newWords * 32)
        return true
    }
}

extension EVM {
    /// Runs `code` for `message` to the end of the frame.
    func run(code: EVMCode, message: Message) -> CallResult {
        var frame = Frame(code: code, message: message, gas: message.gas, stack: borrowStack(), memory: borrowMemory())
        defer {
            returnStack(frame.stack)
            returnMemory(frame.memory)
        }
        let end = interpret(&frame)
        switch end {
        case .stop: return CallResult(error: nil, gasLeft: frame.gas, output: [])
        case let .returned(offset, size):
            return CallResult(error: nil, gasLeft: frame.gas, output: frame.memory.bytes(at: offset, count: size))
        case let .reverted(offset, size):
            return CallResult(error: .reverted, gasLeft: frame.gas, output: frame.memory.bytes(at: offset, count: size))
        case let .failed(error): return .failure(error, gasLeft: 0)
        }
    }

    enum FrameEnd {
        case stop
        case returned(offset: Int, size: Int)
        case reverted(offset: Int, size: Int)
        case failed(EVMError)
    }

    // The interpreter loop: one switch over the opcode, constant gas and stack bounds
    // checked from the table before the instruction runs.
    private func interpret(_ f: inout Frame) -> FrameEnd {
        let table = OpcodeTable.cancun.entries
        let code = f.code.padded
        let codeCount = f.code.count
        var pc = 0
        var steps = 0
        defer { executedInstructions &+= steps }
        while true {
            steps &+= 1
            let op = pc < codeCount ? code[pc] : 0x00
            let entry = table[Int(op)]
            guard entry.defined else { return .failed(.invalidOpcode(op)) }
            guard f.sp >= Int(entry.pops) else { return .failed(.stackUnderflow) }
            guard f.sp &- Int(entry.pops) &+ Int(entry.pushes) <= GasCost.stackLimit else { return .failed(.stackOverflow) }
            guard f.useGas(Int(entry.gas)) else { return .failed(.outOfGas) }
            pc &+= 1

            switch op {
            case 0x00: return .stop
            case 0x01: let a = f.pop(), b = f.pop(); f.push(a &+ b)
            case 0x02: let a = f.pop(), b = f.pop(); f.push(a &* b)
            case 0x03: let a = f.pop(), b = f.pop(); f.push(a &- b)
            case 0x04: let a = f.pop(), b = f.pop(); f.push(b.isZero ? .zero : a / b)
            case 0x05: let a = f.pop(), b = f.pop(); f.push(a.signedDivided(by: b))
            case 0x06: let a = f.pop(), b = f.pop(); f.push(b.isZero ? .zero : a % b)
            case 0x07: let a = f.pop(), b = f.pop(); f.push(a.signedRemainder(dividingBy: b))
            case 0x08: let a = f.pop(), b = f.pop(), n = f.pop(); f.push(a.addMod(b, modulus: n))
            case 0x09: let a = f.pop(), b = f.pop(), n = f.pop(); f.push(a.mulMod(b, modulus: n))
            case 0x0A:
                let base = f.pop(), exponent = f.pop()
                guard f.useGas(GasCost.expByte * exponent.byteWidth) else { return .failed(.outOfGas) }
                f.push(base.power(exponent))
            case 0x0B: let b = f.pop(), x = f.pop(); f.push(x.signExtended(fromByte: b))
            case 0x10: let a = f.pop(), b = f.pop(); f.push(a < b ? .one : .zero)
            case 0x11: let a = f.pop(), b = f.pop(); f.push(a > b ? .one : .zero)
            case 0x12: let a = f.pop(), b = f.pop(); f.push(a.isSignedLess(than: b) ? .one : .zero)
            case 0x13: let a = f.pop(), b = f.pop(); f.push(a.isSignedGreater(than: b) ? .one : .zero)
            case 0x14: let a = f.pop(), b = f.pop(); f.push(a == b ? .one : .zero)
            case 0x15: let a = f.pop(); f.push(a.isZero ? .one : .zero)
            case 0x16: let a = f.pop(), b = f.pop(); f.push(a & b)
            case 0x17: let a = f.pop(), b = f.pop(); f.push(a | b)
            case 0x18: let a = f.pop(), b = f.pop(); f.push(a ^ b)
            case 0x19: let a = f.pop(); f.push(~a)
            case 0x1A: let i = f.pop(), x = f.pop(); f.push(x.byte(i))
            case 0x1B: let s = f.pop(), x = f.pop(); f.push(x.shiftedLeft(s))
            case 0x1C: let s = f.pop(), x = f.pop(); f.push(x.shiftedRight(s))
            case 0x1D: let s = f.pop(), x = f.pop(); f.push(x.arithmeticShiftedRight(s))

            case 0x20:
                let offset = f.pop(), size = f.pop()
                guard f.expandMemory(offset: offset, size: size) else { return .failed(.outOfGas) }
                let n = Int(size.w0)
                guard f.useGas(GasCost.keccakWord * GasCost.words(n)) else { return .failed(.outOfGas) }
                let start = f.memory.base + Int(truncatingIfNeeded: offset.w0)
                let hash = block.suite != .secp256k1 ? block.suite.hash(UnsafeRawBufferPointer(start: start, count: n))
                    : n == 64 ? keccakCache.hash64(start)
                    : n == 0 ? EVMCode.emptyHash : Keccak256.hash(UnsafeRawBufferPointer(start: start, count: n))
                f.push(UInt256(hash))

            case 0x30: f.push(UInt256(f.message.address))
            case 0x31:
                let address = Address(truncating: f.pop())
                guard f.useGas(accessCost(address)) else { return .failed(.outOfGas) }
                f.push(state.balance(address))
            case 0x32: f.push(UInt256(transaction.origin))
            case 0x33: f.push(UInt256(f.message.caller))
            case 0x34: f.push(f.message.value)
            case 0x35:
                let offset = f.pop()
                f.push(f.message.input.withUnsafeBytes { input in
                    guard let o = offset.uint64, o < UInt64(input.count) else { return UInt256.zero }
                    var word = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
                    return withUnsafeMutableBytes(of: &word) { buffer in
                        let n = min(32, input.count - Int(o))
                        buffer.baseAddress!.copyMemory(from: input.baseAddress! + Int(o), byteCount: n)
                        return UInt256(loadingBigEndianFrom: buffer.baseAddress!)
                    }
                })
            case 0x36: f.push(UInt256(f.message.input.count))
            case 0x37:
                let destination = f.pop(), offset = f.pop(), size = f.pop()
                guard copyCharge(&f, destination: destination, size: size) else { return .failed(.outOfGas) }
                f.message.input.withUnsafeBytes {
                    f.memory.store($0, from: clampedIndex(offset), at: Int(truncatingIfNeeded: destination.w0), count: Int(size.w0))
                }
            case 0x38: f.push(UInt256(codeCount))
            case 0x39:
                let destination = f.pop(), offset = f.pop(), size = f.pop()
                guard copyCharge(&f, destination: destination, size: size) else { return .failed(.outOfGas) }
                f.code.bytes.withUnsafeBytes {
                    f.memory.store($0, from: clampedIndex(offset), at: Int(truncatingIfNeeded: destination.w0), count: Int(size.w0))
                }
            case 0x3A: f.push(transaction.gasPrice)
            case 0x3B:
                let address = Address(truncating: f.pop())
                guard f.useGas(accessCost(address)) else { return .failed(.outOfGas) }
                f.push(host?.runs(address) == true ? .one : UInt256(state.code(address).count))
            case 0x3C:
                let address = Address(truncating: f.pop())
                let destination = f.pop(), offset = f.pop(), size = f.pop()
                guard f.useGas(accessCost(address)), copyCharge(&f, destination: destination, size: size) else {
                    return .failed(.outOfGas)
                }
                state.code(address).bytes.withUnsafeBytes {
                    f.memory.store($0, from: clampedIndex(offset), at: Int(truncatingIfNeeded: destination.w0), count: Int(size.w0))
                }
            case 0x3D: f.push(UInt256(f.returnData.count))
            case 0x3E:
                let destination = f.pop(), offset = f.pop(), size = f.pop()
                guard let o = offset.uint64, let s = size.uint64, o.addingReportingOverflow(s).overflow == false,
                      o + s <= UInt64(f.returnData.count) else { return .failed(.returnDataOutOfBounds) }
                guard copyCharge(&f, destination: destination, size: size) else { return .failed(.outOfGas) }
                f.returnData.withUnsafeBytes {
                    f.memory.store($0, from: Int(o), at: Int(truncatingIfNeeded: destination.w0), count: Int(s))
                }
            case 0x3F:
                let address = Address(truncating: f.pop())
                guard f.useGas(accessCost(address)) else { return .failed(.outOfGas) }
                f.push(state.isEmpty(address) ? .zero : UInt256(state.codeHash(address)))

            case 0x40:
                let number = f.pop()
                var hash = UInt256.zero
                if let n = number.uint64, n < block.number, n + 256 >= block.number {
                    hash = UInt256(block.blockHash(n))
                }
                f.push(hash)
            case 0x41: f.push(UInt256(block.coinbase))
            case 0x42: f.push(UInt256(block.timestamp))
            case 0x43: f.push(UInt256(block.number))
            case 0x44: f.push(block.prevRandao)
            case 0x45: f.push(UInt256(block.gasLimit))
            case 0x46: f.push(block.chainID)
            case 0x47: f.push(state.balance(f.message.address))
            case 0x48: f.push(block.baseFee)
            case 0x49:
                let index = f.pop()
                let hashes = transaction.blobHashes
                if let i = index.uint64, i < UInt64(hashes.count) { f.push(UInt256(hashes[Int(i)])) } else { f.push(.zero) }
            case 0x4A: f.push(block.blobBaseFee)

            case 0x50: f.sp &-= 1
            case 0x51:
                let offset = f.pop()
                guard f.expandMemory(offset: offset, size: 32) else { return .failed(.outOfGas) }
                f.push(UInt256(loadingBigEndianFrom: f.memory.base + Int(truncatingIfNeeded: offset.w0)))
            case 0x52:
                let offset = f.pop(), value = f.pop()
                guard f.expandMemory(offset: offset, size: 32) else { return .failed(.outOfGas) }
                value.storeBigEndian(to: f.memory.base + Int(truncatingIfNeeded: offset.w0))
            case 0x53:
                let offset = f.pop(), value = f.pop()
                guard f.expandMemory(offset: offset, size: .one) else { return .failed(.outOfGas) }
                f.memory.base.storeBytes(of: UInt8(truncatingIfNeeded: value.w0), toByteOffset: Int(truncatingIfNeeded: offset.w0), as: UInt8.self)
            case 0x54:
                let slot = f.pop()
                let key = SlotKey(f.message.address, slot)
                guard f.useGas(state.warm(key) ? GasCost.warmAccess : GasCost.coldSload) else { return .failed(.outOfGas) }
                f.push(state.storageValue(f.message.address, slot))
            case 0x55:
                if f.message.isStatic { return .failed(.writeInStaticCall) }
                let slot = f.pop(), value = f.pop()
                if let error = storeStorage(&f, slot: slot, value: value) { return .failed(error) }
            case 0x56:
                let destination = f.pop()
                guard f.code.isJumpDestination(destination) else { return .failed(.invalidJump) }
                pc = Int(truncatingIfNeeded: destination.w0)
            case 0x57:
                let destination = f.pop(), condition = f.pop()
                if !condition.isZero {
                    guard f.code.isJumpDestination(destination) else { return .failed(.invalidJump) }
                    pc = Int(truncatingIfNeeded: destination.w0)
                }
            case 0x58: f.push(UInt256(pc &- 1))
            case 0x59: f.push(UInt256(f.memory.count))
            case 0x5A: f.push(UInt256(f.gas))
            case 0x5B: break
            case 0x5C:
                let slot = f.pop()
                f.push(state.transientValue(SlotKey(f.message.address, slot)))
            case 0x5D:
                if f.message.isStatic { return .failed(.writeInStaticCall) }
                let slot = f.pop(), value = f.pop()
                state.setTransient(SlotKey(f.message.address, slot), value)
            case 0x5E:
                let destination = f.pop(), source = f.pop(), size = f.pop()
                guard f.expandMemory(offset: max(destination, source), size: size),
                      f.useGas(GasCost.copyWord * GasCost.words(Int(size.w0))) else { return .failed(.outOfGas) }
                if !size.isZero {
                    (f.memory.base + Int(truncatingIfNeeded: destination.w0)).copyMemory(from: f.memory.base + Int(truncatingIfNeeded: source.w0), byteCount: Int(size.w0))
                }
            case 0x5F: f.push(.zero)

            case 0x60...0x7F:
                // The immediate's big-endian bytes; reads past the code see the zero padding.
                let n = Int(op &- 0x5F)
                if n <= 8 {
                    var word: UInt64 = 0
                    for i in 0..<n { word = word << 8 | UInt64(code[pc &+ i]) }
                    f.push(UInt256(word))
                } else {
                    f.push(UInt256(loadingBigEndianFrom: code + pc) >> (8 * (32 - n)))
                }
                pc &+= n
            case 0x80...0x8F:
                f.push(f.peek(Int(op &- 0x80)))
            case 0x90...0x9F:
                let n = Int(op &- 0x8F)
                let top = f.sp &- 1
                let other = top &- n
                let t = f.stack[top]
                f.stack[top] = f.stack[other]
                f.stack[other] = t
            case 0xA0...0xA4:
                if f.message.isStatic { return .failed(.writeInStaticCall) }
                let offset = f.pop(), size = f.pop()
                guard f.expandMemory(offset: offset, size: size) else { return .failed(.outOfGas) }
                guard size.w0 <= UInt64(Int.max / GasCost.logByte),
                      f.useGas(GasCost.logByte * Int(size.w0)) else { return .failed(.outOfGas) }
                var topics: [Hash] = []
                topics.reserveCapacity(Int(op &- 0xA0))
                for _ in 0..<Int(op &- 0xA0) { topics.append(Hash(f.pop())) }
                let data = f.memory.bytes(at: Int(truncatingIfNeeded: offset.w0), count: Int(size.w0))
                state.appendLog(Log(address: f.message.address, topics: topics, data: data))

            case 0xF0, 0xF5:
                if let error = createOperation(&f, isCreate2: op == 0xF5) { return .failed(error) }
            case 0xF1, 0xF2, 0xF4, 0xFA:
                if let error = callOperation(&f, op: op) { return .failed(error) }
            case 0xF3, 0xFD:
                let offset = f.pop(), size = f.pop()
                guard f.expandMemory(offset: offset, size: size) else { return .failed(.outOfGas) }
                let o = size.isZero ? 0 : Int(truncatingIfNeeded: offset.w0)
                return op == 0xF3 ? .returned(offset: o, size: Int(size.w0)) : .reverted(offset: o, size: Int(size.w0))
            case 0xFF:
                if f.message.isStatic { return .failed(.writeInStaticCall) }
                let beneficiary = Address(truncating: f.pop())
                if !state.warm(beneficiary) && !f.useGas(GasCost.coldAccountAccess) { return .failed(.outOfGas) }
                let address = f.message.address
                let balance = state.balance(address)
                if !balance.isZero && state.isEmpty(beneficiary) && !f.useGas(GasCost.newAccount) {
                    return .failed(.outOfGas)
                }
                state.subtractBalance(address, balance)
                state.addBalance(beneficiary, balance)
                if state.isCreatedInTransaction(address) {
                    state.markSelfDestructed(address)
                    state.setBalance(address, .zero)
                }
                return .stop
            default:
                return .failed(.invalidOpcode(op))
            }
        }
    }

    /// EIP-2929: 100 for a warm address, 2,600 for a cold one (which it warms).
    @inline(__always)
    func accessCost(_ address: Address) -> Int {
        state.warm(address) ? GasCost.warmAccess : GasCost.coldAccountAccess
    }

    /// Memory expansion plus 3 gas per copied word.
    @inline(__always)
    private func copyCharge(_ f: inout Frame, destination: UInt256, size: UInt256) -> Bool {
        guard f.expandMemory(offset: destination, size: size) else { return false }
        return size.isZero || f.useGas(GasCost.copyWord * GasCost.words(Int(size.w0)))
    }

    /// A source offset as an index; anything past `Int.max` reads as far beyond any buffer.
    @inline(__always)
    private func clampedIndex(_ offset: UInt256) -> Int {
        guard let o = offset.uint64, o <= UInt64(Int.max) else { return .max }
        return Int(o)
    }

    /// SSTORE's gas and refunds: EIP-2200 with EIP-2929's cold surcharge and EIP-3529's refunds.
    private func storeStorage(_ f: inout Frame, slot: UInt256, value: UInt256) -> EVMError? {
        if f.gas <= GasCost.sstoreSentry { return .outOfGas }
        let key = SlotKey(f.message.address, slot)
        var cost = state.warm(key) ? 0 : GasCost.coldSload
        let current = state.storageValue(key.address, slot)
        let original = state.originalValue(key)
        if current == value {
            cost += GasCost.warmAccess
        } else if original == current {
            if original.isZero {
                cost += GasCost.sstoreSet
            } else {
                cost += GasCost.sstoreReset
                if value.isZero { state.addRefund(GasCost.sstoreClearsRefund) }
            }
        } else {
            cost += GasCost.warmAccess
            if !original.isZero {
                if current.isZero {
                    state.addRefund(-GasCost.sstoreClearsRefund)
                } else if value.isZero {
                    state.addRefund(GasCost.sstoreClearsRefund)
                }
            }
            if original == value {
                state.addRefund(original.isZero ? GasCost.sstoreSet - GasCost.warmAccess
                    : GasCost.sstoreReset - GasCost.warmAccess)
            }
        }
        guard f.useGas(cost) else { return .outOfGas }
        if current != value { state.setStorage(key, value) }
        return nil
    }

    // MARK: CREATE, CREATE2

    private func createOperation(_ f: inout Frame, isCreate2: Bool) -> EVMError? {
        if f.message.isStatic { return .writeInStaticCall }
        let value = f.pop(), offset = f.pop(), size = f.pop()
        let salt = isCreate2 ? f.pop() : nil
        guard f.expandMemory(offset: offset, size: size) else { return .outOfGas }
        let length = Int(size.w0)
        if length > GasCost.maxInitCodeSize { return .outOfGas }
        let words = GasCost.words(length)
        guard f.useGas(GasCost.initCodeWord * words + (isCreate2 ? GasCost.keccakWord * words : 0)) else {
            return .outOfGas
        }
        let initCode = f.memory.bytes(at: Int(truncatingIfNeeded: offset.w0), count: length)
        let gas = f.gas - f.gas / 64
        f.gas -= gas
        let (result, address) = create(
            caller: f.message.address, value: value, initCode: initCode, gas: gas, salt: salt,
            depth: f.message.depth + 1
        )
        f.gas += result.gasLeft
        f.returnData = result.error == .reverted ? result.output : []
        f.push(address.map { UInt256($0) } ?? .zero)
        return nil
    }

    // MARK: CALL, CALLCODE, DELEGATECALL, STATICCALL

    private func callOperation(_ f: inout Frame, op: UInt8) -> EVMError? {
        let requestedGas = f.pop()
        let target = Address(truncating: f.pop())
        let value = (op == 0xF1 || op == 0xF2) ? f.pop() : .zero
        let inOffset = f.pop(), inSize = f.pop(), outOffset = f.pop(), outSize = f.pop()
        if op == 0xF1 && f.message.isStatic && !value.isZero { return .writeInStaticCall }

        guard f.expandMemory(offset: inOffset, size: inSize),
              f.expandMemory(offset: outOffset, size: outSize) else { return .outOfGas }
        var cost = accessCost(target)
        if !value.isZero {
            cost += GasCost.callValue
            if op == 0xF1 && state.isEmpty(target) { cost += GasCost.newAccount }
        }
        guard f.useGas(cost) else { return .outOfGas }
        let available = f.gas - f.gas / 64
        var gas = requestedGas.uint64.map { $0 < UInt64(available) ? Int($0) : available } ?? available
        f.gas -= gas
        if !value.isZero { gas += GasCost.callStipend }

        let message: Message
        let input = f.memory.bytes(at: Int(truncatingIfNeeded: inOffset.w0), count: Int(inSize.w0))
        switch op {
        case 0xF1:
            message = Message(kind: .call, caller: f.message.address, address: target, codeAddress: target,
                              value: value, input: input, gas: gas, isStatic: f.message.isStatic, depth: f.message.depth + 1)
        case 0xF2:
            message = Message(kind: .callCode, caller: f.message.address, address: f.message.address, codeAddress: target,
                              value: value, input: input, gas: gas, isStatic: f.message.isStatic, depth: f.message.depth + 1)
        case 0xF4:
            message = Message(kind: .delegateCall, caller: f.message.caller, address: f.message.address, codeAddress: target,
                              value: f.message.value, input: input, gas: gas, isStatic: f.message.isStatic, depth: f.message.depth + 1)
        default:
            message = Message(kind: .staticCall, caller: f.message.address, address: target, codeAddress: target,
                              value: .zero, input: input, gas: gas, isStatic: true, depth: f.message.depth + 1)
        }
        let result = call(message)
        f.gas += result.gasLeft
        f.returnData = result.output
        let copied = min(Int(outSize.w0), result.output.count)
        if copied > 0 {
            result.output.withUnsafeBytes {
                (f.memory.base + Int(truncatingIfNeeded: outOffset.w0)).copyMemory(from: $0.baseAddress!, byteCount: copied)
            }
        }
        f.push(result.succeeded ? .one : .zero)
        return nil
    }
}
