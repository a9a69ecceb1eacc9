import StrandPrimitives

/// Runs a decoder over `bytes`, which must hold exactly one item, and maps RLP errors
/// to `DecodingError` naming `what` was being decoded.
func decodeWhole<T>(
    _ bytes: [UInt8], as what: String, _ body: (inout RLPReader) throws(RLPError) -> T
) throws(BlockDecodingError) -> T {
    let result = bytes.withUnsafeBytes { buffer in
        Result { () throws(RLPError) -> T in
            var reader = RLPReader(buffer)
            let value = try body(&reader)
            try reader.finish()
            return value
        }
    }
    do { return try result.get() } catch { throw BlockDecodingError(what: what, reason: error) }
}

/// Stored or received block data that is not the canonical encoding of its type.
public struct BlockDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The structure being decoded: "header", "receipt", "state changes", ...
    public let what: String
    public let reason: RLPError

    public var description: String { "malformed \(what): \(reason)" }
}

extension RLPReader {
    /// Reads an optional address: empty string for none.
    mutating func readOptionalAddress() throws(RLPError) -> Address? {
        let bytes = try readBytes()
        if bytes.isEmpty { return nil }
        guard bytes.count == Address.byteCount else { throw .wrongLength(expected: Address.byteCount, actual: bytes.count) }
        return Address(loadingFrom: bytes.baseAddress!)
    }
}

extension RLPEncoder {
    mutating func append(optional address: Address?) {
        if let address { append(address) } else { append(bytes: EmptyCollection()) }
    }
}
