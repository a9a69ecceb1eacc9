import StrandPrimitives

/// The slice of Solidity's ABI that native contracts and the RPC layer need: selectors, reading `uint256` and
/// `string` arguments strictly, and encoding results and `Error(string)` reverts.
public enum ABI {
    /// Why calldata could not be decoded; becomes the revert reason.
    struct DecodingError: Error {
        let reason: StaticString
    }

    /// Arguments after the selector, read in place.
    struct Arguments {
        let data: UnsafeRawBufferPointer

        /// Head word `index` as a number.
        func word(_ index: Int) throws(DecodingError) -> UInt256 {
            let offset = index * 32
            guard offset + 32 <= data.count else { throw DecodingError(reason: "calldata too short") }
            return UInt256(loadingBigEndianFrom: data.baseAddress! + offset)
        }

        /// Head word `index` as an `address` (its upper 96 bits zero).
        func address(_ index: Int) throws(DecodingError) -> Address {
            let word = try word(index)
            guard word >> 160 == .zero else { throw DecodingError(reason: "not an address") }
            return Address(lastBytesOf: Hash(word))
        }

        /// The `string` (or `bytes`) whose offset is head word `index`: its bytes, in place.
        func string(_ index: Int, maxLength: Int) throws(DecodingError) -> UnsafeRawBufferPointer {
            guard let offset = try word(index).uint64, offset % 32 == 0, offset <= UInt64(data.count - 32) else {
                throw DecodingError(reason: "bad string offset")
            }
            let start = Int(offset)
            let length = UInt256(loadingBigEndianFrom: data.baseAddress! + start)
            guard let count = length.uint64, count <= UInt64(maxLength) else { throw DecodingError(reason: "string too long") }
            let bytesStart = start + 32
            guard bytesStart + Int(count) <= data.count else { throw DecodingError(reason: "calldata too short") }
            return UnsafeRawBufferPointer(rebasing: data[bytesStart..<(bytesStart + Int(count))])
        }
    }

    /// The 32-byte encoding of a `uint256` result.
    static func encode(_ value: UInt256) -> [UInt8] { value.bigEndianBytes }

    /// A `string` result: its offset, its length and its bytes, padded to a word.
    static func encode(string: String) -> [UInt8] {
        let bytes = Array(string.utf8)
        return UInt256(32).bigEndianBytes + UInt256(UInt64(bytes.count)).bigEndianBytes + bytes
            + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
    }

    /// `Error(string)` revert data, as Solidity's `revert("…")` produces.
    static func revert(_ reason: StaticString) -> [UInt8] {
        let message = reason.withUTF8Buffer { Array($0) }
        var out = [UInt8]()
        out.reserveCapacity(4 + 64 + (message.count + 31) / 32 * 32)
        out += [0x08, 0xc3, 0x79, 0xa0]
        out += UInt256(32).bigEndianBytes
        out += UInt256(UInt64(message.count)).bigEndianBytes
        out += message
        out += [UInt8](repeating: 0, count: (32 - message.count % 32) % 32)
        return out
    }

    /// The reason in `Error(string)` revert data, or nil if it is not that.
    public static func revertReason(_ output: [UInt8]) -> String? {
        guard output.count >= 68, output.prefix(4).elementsEqual([0x08, 0xc3, 0x79, 0xa0]) else { return nil }
        return output.withUnsafeBytes { buffer in
            let arguments = Arguments(data: UnsafeRawBufferPointer(rebasing: buffer[4...]))
            guard let bytes = try? arguments.string(0, maxLength: 1 << 16) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// What a native contract's call produced: success with output, or a revert reason.
enum NativeOutcome {
    case success(output: [UInt8])
    case revert(StaticString)
}
