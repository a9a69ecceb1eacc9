import Foundation

extension JSONRPC {
    /// Parses the common shape of a request body without Foundation: one request or a batch
    /// of them, each an object of exactly "jsonrpc": "2.0", an integer or plain-string "id", a
    /// plain-string "method" and "params" as a list of plain strings (hex, tags), in any order.
    /// "Plain" strings hold printable ASCII without escapes. Anything else returns nil and
    /// goes through `JSONSerialization`, so what this accepts is a strict subset of JSON and
    /// yields what the Foundation path would.
    ///
    /// A loaded node spent about a tenth of its CPU in `JSONSerialization` on batches of
    /// `eth_sendRawTransaction` (perf/README.md).
    public static func parseSimple(_ body: Data) -> Envelope? {
        body.withUnsafeBytes { bytes in
            var scanner = SimpleScanner(bytes: bytes)
            var envelope = Envelope()
            scanner.skipSpace()
            if scanner.peek == UInt8(ascii: "[") {
                scanner.index += 1
                envelope.isBatch = true
                repeat {
                    guard envelope.calls.count < maxBatch, scanner.request(into: &envelope) else { return nil }
                } while scanner.consume(UInt8(ascii: ","))
                guard scanner.consume(UInt8(ascii: "]")) else { return nil }
            } else {
                guard scanner.request(into: &envelope) else { return nil }
            }
            scanner.skipSpace()
            return scanner.index == bytes.count ? envelope : nil
        }
    }
}

private struct SimpleScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// Skips space, then the byte if it is there.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// A string of printable ASCII without escapes.
    mutating func plainString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while let byte = peek, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        guard peek == UInt8(ascii: "\"") else { return nil }
        defer { index += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// A JSON integer of at most 15 digits (exact as a Double, as Foundation would hold it).
    mutating func integer() -> Int? {
        skipSpace()
        var negative = false
        if peek == UInt8(ascii: "-") { negative = true; index += 1 }
        let start = index
        var value = 0
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
            if index - start > 15 { return nil }
        }
        let digits = index - start
        guard digits > 0, !(digits > 1 && bytes[start] == UInt8(ascii: "0")) else { return nil }
        if let byte = peek, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return nil }
        return negative ? -value : value
    }

    mutating func request(into envelope: inout JSONRPC.Envelope) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        var version: String?, id: JSONValue?, method: String?, params: [JSONValue]?
        repeat {
            guard let key = plainString(), consume(UInt8(ascii: ":")) else { return false }
            switch key {
            case "jsonrpc" where version == nil:
                guard let value = plainString(), value == "2.0" else { return false }
                version = value
            case "id" where id == nil:
                skipSpace()
                if peek == UInt8(ascii: "\"") {
                    guard let value = plainString() else { return false }
                    id = .string(value)
                } else {
                    guard let value = integer() else { return false }
                    id = .integer(Int64(value))
                }
            case "method" where method == nil:
                guard let value = plainString() else { return false }
                method = value
            case "params" where params == nil:
                guard consume(UInt8(ascii: "[")) else { return false }
                var list: [JSONValue] = []
                skipSpace()
                if peek != UInt8(ascii: "]") {
                    repeat {
                        guard let value = plainString() else { return false }
                        list.append(.string(value))
                    } while consume(UInt8(ascii: ","))
                }
                guard consume(UInt8(ascii: "]")) else { return false }
                params = list
            default:
                return false
            }
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")), version != nil, let id, let method, let params else { return false }
        let index = envelope.calls.count
        envelope.calls.append(RPCCall(method: method, params: params))
        envelope.slots.append(.call(index: index, id: id))
        return true
    }
}
