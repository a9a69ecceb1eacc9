import StrandPrimitives
import StrandTypes

/// Transactions whose signature `v` is set to any value, as a hostile client or peer sends them.
public enum SignatureV {
    /// `v` values no transaction of `type` may carry: wrong small values, and values of 2^64 and
    /// beyond that fit no 64-bit field.
    public static func outOfRange(for type: TransactionType) -> [UInt256] {
        let huge = [UInt256.one << 64, (UInt256.one << 64) &+ UInt256(35), UInt256.max]
        switch type {
        case .legacy: return [0, 1, 2, 26, 29, 34].map { UInt256(UInt64($0)) } + huge
        case .fisco: return [0, 1, 2, 26, 29, 35, 37].map { UInt256(UInt64($0)) } + huge
        default: return [2, 3, 27, 28, 35].map { UInt256(UInt64($0)) } + huge
        }
    }

    /// `raw` (a signed transaction's encoding) with its `v` replaced, minimally encoded.
    public static func replacing(_ raw: [UInt8], v: UInt256) throws -> [UInt8] {
        let typed = raw.first.map { $0 < 0x80 } ?? false
        let body = typed ? Array(raw.dropFirst()) : raw
        guard case .list(var fields) = try RLPValue.decode(body), fields.count >= 3 else { throw RLPError.expectedList }
        fields[fields.count - 3] = .bytes(v.minimalBigEndianBytes)
        let encoded = RLPValue.list(fields).encoded
        return typed ? [raw[0]] + encoded : encoded
    }
}
