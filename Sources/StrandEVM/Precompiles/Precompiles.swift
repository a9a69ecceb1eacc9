import StrandPrimitives

/// The precompiled contracts at addresses 0x01–0x0a (Cancun).
enum Precompile: UInt8, CaseIterable {
    case ecrecover = 1, sha256, ripemd160, identity, modexp, bn256Add, bn256Mul, bn256Pairing, blake2f, pointEvaluation

    /// Runs with `gas`: not enough gas, or input the contract rejects, fails and consumes it all.
    func run(_ input: [UInt8], gas: Int) -> CallResult {
        let cost = requiredGas(input)
        guard cost <= gas else { return .failure(.outOfGas, gasLeft: 0) }
        switch output(input) {
        case let .success(output): return CallResult(error: nil, gasLeft: gas - cost, output: output)
        case let .failure(error): return .failure(error, gasLeft: 0)
        }
    }

    func requiredGas(_ input: [UInt8]) -> Int {
        let words = GasCost.words(input.count)
        switch self {
        case .ecrecover: return 3_000
        case .sha256: return 60 + 12 * words
        case .ripemd160: return 600 + 120 * words
        case .identity: return 15 + 3 * words
        case .modexp: return ModExp.gas(input)
        case .bn256Add: return 150
        case .bn256Mul: return 6_000
        case .bn256Pairing: return 45_000 + 34_000 * (input.count / 192)
        case .blake2f: return input.count == 213 ? Int(UInt32(input[0]) << 24 | UInt32(input[1]) << 16 | UInt32(input[2]) << 8 | UInt32(input[3])) : 0
        case .pointEvaluation: return 50_000
        }
    }

    func output(_ input: [UInt8]) -> Result<[UInt8], EVMError> {
        switch self {
        case .ecrecover: return .success(ECRecover.run(input))
        case .sha256: return .success(Digests.sha256(input))
        case .ripemd160: return .success(Digests.ripemd160(input))
        case .identity: return .success(input)
        case .modexp: return .success(ModExp.run(input))
        case .bn256Add: return BN254.add(input)
        case .bn256Mul: return BN254.multiply(input)
        case .bn256Pairing: return BN254.pairing(input)
        case .blake2f: return Blake2F.run(input)
        case .pointEvaluation: return .failure(.unsupportedPrecompile("KZG point evaluation (0x0a)"))
        }
    }
}

/// Looks precompiles up by address.
struct Precompiles {
    func contract(at address: Address) -> Precompile? {
        guard Self.isPrecompile(address) else { return nil }
        return Precompile(rawValue: UInt8(address.smallValue!))
    }

    /// 0x01…0x0a.
    @inline(__always)
    static func isPrecompile(_ address: Address) -> Bool {
        guard let n = address.smallValue else { return false }
        return n >= 1 && n <= 10
    }
}

extension Array where Element == UInt8 {
    /// `count` bytes from `offset`, zero-padded past the end (how precompiles read input).
    func paddedSlice(_ offset: Int, _ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if offset < self.count {
            let n = Swift.min(count, self.count - offset)
            for i in 0..<n { out[i] = self[offset + i] }
        }
        return out
    }
}
