import CStrandIntrinsics

/// The process's secret hash seed, drawn at load time: keyed hashes of state keys and storage
/// slots start from it, so that no one can choose keys that collide in the executor's and the
/// EVM's tables.
///
/// It lives in C (`strand_hash_seed`) rather than in a Swift `static let`: reading a lazy Swift
/// global calls `swift_once`, which the optimizer cannot see through, and a dictionary lookup
/// that hashes through such a call retains the dictionary around it.
public enum HashSeed {
    @inlinable
    public static var process: UInt64 { strand_hash_seed() }
}
