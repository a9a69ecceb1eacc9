import StrandPrimitives

/// What a block's execution needs to know about the block itself.
public struct BlockContext: Sendable {
    public var number: UInt64
    public var timestamp: UInt64
    /// Receives the block's fees, when fees are on.
    public var sealer: Address
    /// The sum of the included transactions' gas limits may not exceed this.
    public var gasLimit: UInt64
    /// Consortium default: gas is a computation limit and no fee moves. When on, each
    /// transaction pays gasUsed × its effective gas price, credited to the sealer at block end.
    public var feesEnabled: Bool

    public init(number: UInt64, timestamp: UInt64, sealer: Address, gasLimit: UInt64 = 300_000_000, feesEnabled: Bool = false) {
        self.number = number
        self.timestamp = timestamp
        self.sealer = sealer
        self.gasLimit = gasLimit
        self.feesEnabled = feesEnabled
    }
}
