import StrandPrimitives

/// Read access to a consistent state, through which execution sees the ledger without
/// knowing how it is stored (DESIGN.md: "Execution does not know LMDB").
public protocol StateReader {
    /// The value at `key`; zero when the key is absent.
    func value(of key: StateKey) -> UInt256
    /// Contract code by its Keccak-256, or nil if no such code is stored.
    func code(hash: Hash) -> [UInt8]?
}
