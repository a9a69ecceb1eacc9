/// Cancun gas constants (yellow paper names where they exist).
enum GasCost {
    static let base = 2
    static let veryLow = 3
    static let low = 5
    static let mid = 8
    static let high = 10
    static let jumpDest = 1
    static let expBase = 10
    static let expByte = 50
    static let keccakBase = 30
    static let keccakWord = 6
    static let copyWord = 3
    static let blockHash = 20
    static let log = 375
    static let logTopic = 375
    static let logByte = 8
    static let create = 32_000
    static let initCodeWord = 2
    static let codeDeposit = 200
    static let callValue = 9_000
    static let callStipend = 2_300
    static let newAccount = 25_000
    static let selfDestruct = 5_000
    // EIP-2929
    static let warmAccess = 100
    static let coldAccountAccess = 2_600
    static let coldSload = 2_100
    // EIP-2200 / EIP-3529
    static let sstoreSet = 20_000
    static let sstoreReset = 5_000 - 2_100
    static let sstoreSentry = 2_300
    static let sstoreClearsRefund = 4_800
    static let transientAccess = 100

    static let maxCodeSize = 24_576
    static let maxInitCodeSize = 2 * maxCodeSize
    static let maxCallDepth = 1024
    static let stackLimit = 1024

    /// Memory cost of `words` 32-byte words: 3·w + w²/512.
    @inline(__always)
    static func memory(words: Int) -> Int { 3 &* words &+ (words &* words) / 512 }

    @inline(__always)
    static func words(_ bytes: Int) -> Int { (bytes &+ 31) / 32 }
}
