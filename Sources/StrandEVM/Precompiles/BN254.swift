/// 0x06–0x08: alt_bn128 addition, scalar multiplication and pairing (EIP-196/197).
///
/// Not implemented yet: calls fail with a clear error (and, like any failing precompile,
/// consume the gas given). None of the curated state tests call them.
enum BN254 {
    static func add(_ input: [UInt8]) -> Result<[UInt8], EVMError> { .failure(.unsupportedPrecompile("alt_bn128 add (0x06)")) }
    static func multiply(_ input: [UInt8]) -> Result<[UInt8], EVMError> { .failure(.unsupportedPrecompile("alt_bn128 mul (0x07)")) }
    static func pairing(_ input: [UInt8]) -> Result<[UInt8], EVMError> { .failure(.unsupportedPrecompile("alt_bn128 pairing (0x08)")) }
}
