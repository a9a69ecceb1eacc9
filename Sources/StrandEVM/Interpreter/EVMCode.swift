import StrandPrimitives

/// Contract code with its jump destinations analysed once.
///
/// Instances are shared through `CodeCache` by code hash, so a contract called in every
/// transaction of a block is analysed once. The bytes are padded with 33 zero bytes so that
/// a PUSH at the end of the code reads zeros without a bounds check.
public final class EVMCode: @unchecked Sendable {
    /// The unpadded code.
    public let bytes: [UInt8]
    public let hash: Hash
    /// `bytes` followed by 33 zeros, so that PUSH32 at the last byte stays in bounds.
    let padded: UnsafeMutablePointer<UInt8>
    /// One bit per code byte: set where a JUMPDEST opcode (not PUSH data) stands.
    let jumpDestinations: UnsafeMutablePointer<UInt64>

    public var count: Int { bytes.count }

    public static let emptyHash = Keccak256.hash([UInt8]())
    public static let empty = EVMCode([], hash: emptyHash)

    public convenience init(_ bytes: [UInt8]) {
        self.init(bytes, hash: Keccak256.hash(bytes))
    }

    /// - Complexity: O(n) in the code size, once per code.
    public init(_ bytes: [UInt8], hash: Hash) {
        self.bytes = bytes
        self.hash = hash
        let n = bytes.count
        let padded = UnsafeMutablePointer<UInt8>.allocate(capacity: n + 33)
        padded.initialize(repeating: 0, count: n + 33)
        bytes.withUnsafeBufferPointer { if n > 0 { padded.update(from: $0.baseAddress!, count: n) } }
        self.padded = padded
        let words = n / 64 + 1
        let jumpDestinations = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        jumpDestinations.initialize(repeating: 0, count: words)
        self.jumpDestinations = jumpDestinations
        var pc = 0
        while pc < n {
            let op = padded[pc]
            if op == 0x5B {
                jumpDestinations[pc >> 6] |= 1 << UInt64(pc & 63)
            } else if op >= 0x60 && op <= 0x7F {
                pc += Int(op - 0x5F)
            }
            pc += 1
        }
    }

    deinit {
        padded.deallocate()
        jumpDestinations.deallocate()
    }

    @inline(__always)
    func isJumpDestination(_ target: UInt256) -> Bool {
        guard let t = target.uint64, t < UInt64(bytes.count) else { return false }
        return jumpDestinations[Int(t >> 6)] & (1 << (t & 63)) != 0
    }
}

/// Analysed code by hash. One per `EVM` instance, so per thread: no lock.
final class CodeCache {
    private var entries: [Hash: EVMCode] = [:]
    private let limit: Int

    init(limit: Int = 4096) { self.limit = limit }

    func code(hash: Hash, load: () -> [UInt8]) -> EVMCode {
        if hash == EVMCode.emptyHash { return .empty }
        if let code = entries[hash] { return code }
        let code = EVMCode(load(), hash: hash)
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[hash] = code
        return code
    }
}
