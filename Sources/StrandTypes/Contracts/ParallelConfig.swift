import StrandPrimitives

/// FISCO BCOS 2.x's ParallelConfig at `0x…1006`, which a contract calls (as FISCO's
/// `ParallelContract` does) to declare which of its functions may run in parallel:
///
///     registerParallelFunctionInternal(address contract, string function, uint256 criticalSize) returns (int256)
///     unregisterParallelFunctionInternal(address contract, string function) returns (int256)
///
/// FISCO builds its DAG from the first `criticalSize` arguments of such calls and trusts them: a
/// wrong declaration silently breaks serial equivalence. Strand records the declarations (a
/// contract may declare only its own functions) but builds its DAG from the keys each
/// transaction is seen to touch (`Speculation`), declared or not, so every contract's calls run
/// in parallel where they do not conflict and nothing rests on a declaration.
public enum ParallelConfig {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000001006")
    public static let register = ContractCalldata.selector("registerParallelFunctionInternal(address,string,uint256)")
    public static let unregister = ContractCalldata.selector("unregisterParallelFunctionInternal(address,string)")

    /// One declared function: its selector and how many leading arguments name what it touches.
    public struct Declaration: Sendable, Equatable {
        public var selector: UInt32
        public var criticalSize: UInt8

        public init(selector: UInt32, criticalSize: UInt8) {
            self.selector = selector
            self.criticalSize = criticalSize
        }
    }

    /// A contract's declarations: a `StorageBlob` of 5 bytes each (selector, critical size).
    public static func base(of contract: Address) -> UInt256 { StorageBlob.base(["parallel", contract.description]) }

    public static func declarations(of contract: Address, reading value: (StateKey) -> UInt256) -> [Declaration] {
        let bytes = StorageBlob.read(address, at: base(of: contract), reading: value)
        return stride(from: 0, to: bytes.count - bytes.count % 5, by: 5).map { start in
            Declaration(selector: bytes[start..<start + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, criticalSize: bytes[start + 4])
        }
    }

    public static func encode(_ declarations: [Declaration]) -> [UInt8] {
        declarations.flatMap { withUnsafeBytes(of: $0.selector.bigEndian) { Array($0) } + [$0.criticalSize] }
    }
}
