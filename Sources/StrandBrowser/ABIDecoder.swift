import StrandPrimitives
import StrandRPC

/// Reads ABI-encoded values into JSON for pages: numbers as decimal strings (they overflow
/// JavaScript's doubles), addresses checksummed, bytes as hex, tuples as objects by member name.
/// Every offset and length is checked against the data, so hostile calldata costs at most its
/// own size.
public struct ABIDecoder {
    let data: [UInt8]

    public init(_ data: some Collection<UInt8>) { self.data = Array(data) }

    /// The values of `parameters`, encoded as a tuple from the start of the data.
    public func decode(_ parameters: [ABIParameter]) throws(ABIType.Invalid) -> [JSONValue] {
        try decodeTuple(parameters.map(\.type), at: 0)
    }

    private func decodeTuple(_ types: [ABIType], at base: Int) throws(ABIType.Invalid) -> [JSONValue] {
        var values: [JSONValue] = []
        values.reserveCapacity(types.count)
        var head = base
        for type in types {
            if type.isDynamic {
                let offset = try small(word(at: head), "offset")
                guard offset <= data.count - base else { throw ABIType.Invalid("offset past the end") }
                values.append(try decode(type, at: base + offset))
            } else {
                values.append(try decode(type, at: head))
            }
            head += type.headSize
        }
        return values
    }

    /// One value whose encoding starts at `position` (its tail, for a dynamic type).
    func decode(_ type: ABIType, at position: Int) throws(ABIType.Invalid) -> JSONValue {
        switch type {
        case .uint(let bits):
            let value = try word(at: position)
            guard bits == 256 || value >> bits == .zero else { throw ABIType.Invalid("uint\(bits) out of range") }
            return .string(value.description)
        case .int(let bits):
            let value = try word(at: position)
            if bits < 256 {
                let shift = bits - 1
                let high = value >> shift
                guard high == .zero || high == (UInt256.max >> shift) else { throw ABIType.Invalid("int\(bits) out of range") }
            }
            return .string(value.isNegative ? "-" + value.negated.description : value.description)
        case .address:
            let value = try word(at: position)
            guard value >> 160 == .zero else { throw ABIType.Invalid("not an address") }
            return .string(Address(lastBytesOf: Hash(value)).description)
        case .bool:
            let value = try word(at: position)
            guard value <= UInt256(1) else { throw ABIType.Invalid("not a bool") }
            return .bool(value == UInt256(1))
        case .fixedBytes(let size):
            let bytes = try slice(at: position, count: 32)
            return .string(Hex.encode(Array(bytes.prefix(size))))
        case .bytes, .string:
            let count = try small(word(at: position), "length")
            let bytes = try slice(at: position + 32, count: count)
            return type == .string ? .string(String(decoding: bytes, as: UTF8.self)) : .string(Hex.encode(Array(bytes)))
        case .array(let element, let fixed):
            var base = position
            let count: Int
            if let fixed {
                count = fixed
            } else {
                count = try small(word(at: position), "length")
                base += 32
            }
            // Each element takes at least a word, which bounds what a forged length can make us allocate.
            guard count <= (data.count - min(base, data.count)) / 32 else { throw ABIType.Invalid("array longer than the data") }
            return .array(try decodeTuple(Array(repeating: element, count: count), at: base))
        case .tuple(let members):
            let values = try decodeTuple(members.map(\.type), at: position)
            return ABIDecoder.named(members, values)
        }
    }

    /// A tuple's values as an object by member name, or as an array when members are unnamed.
    static func named(_ members: [ABIParameter], _ values: [JSONValue]) -> JSONValue {
        guard !members.isEmpty, members.allSatisfy({ !$0.name.isEmpty }) else { return .array(values) }
        return .object(JSONObject(zip(members, values).map { ($0.name, $1) }))
    }

    private func word(at position: Int) throws(ABIType.Invalid) -> UInt256 {
        let bytes = try slice(at: position, count: 32)
        return bytes.withUnsafeBytes { UInt256(loadingBigEndianFrom: $0.baseAddress!) }
    }

    private func slice(at position: Int, count: Int) throws(ABIType.Invalid) -> ArraySlice<UInt8> {
        guard position >= 0, count >= 0, position <= data.count, count <= data.count - position else {
            throw ABIType.Invalid("data too short")
        }
        return data[position..<(position + count)]
    }

    private func small(_ value: UInt256, _ what: String) throws(ABIType.Invalid) -> Int {
        guard let small = value.uint64, small <= UInt64(Int32.max) else { throw ABIType.Invalid("\(what) too large") }
        return Int(small)
    }
}
