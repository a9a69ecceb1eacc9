import Foundation

/// Writes JSON straight into bytes from the values `JSONSerialization` produces and the RPC
/// layer builds (String, Bool, integers, Double, NSNumber, NSNull, arrays, dictionaries).
///
/// Foundation's writer spent most of a loaded node's RPC time bridging and re-checking these
/// values; answers are plain, so a direct writer is enough. Dictionary keys are written in
/// their iteration order (JSON objects are unordered).
enum JSONWriter {
    static func write(_ value: Any) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        append(value, to: &out)
        return out
    }

    /// Swift's own types are matched first: asking a Swift dictionary or integer whether it
    /// is an `NSNumber` bridges it to an Objective-C object first, which cost a loaded node a
    /// quarter of its CPU (perf/record.sh). Only what is left is tried as `NSNumber`.
    private static func append(_ value: Any, to out: inout [UInt8]) {
        switch value {
        case let string as String: appendString(string, to: &out)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, element) in object {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (i, element) in array.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case is NSNull: out += Array("null".utf8)
        default: appendScalar(value, to: &out)
        }
    }

    private static func appendScalar(_ value: Any, to out: inout [UInt8]) {
        let type = type(of: value)
        if type == Bool.self {
            out += (value as! Bool) ? Array("true".utf8) : Array("false".utf8)
        } else if type == Int.self {
            out += Array(String(value as! Int).utf8)
        } else if type == UInt64.self {
            out += Array(String(value as! UInt64).utf8)
        } else if type == Int64.self {
            out += Array(String(value as! Int64).utf8)
        } else if type == UInt32.self {
            out += Array(String(value as! UInt32).utf8)
        } else if type == Double.self {
            appendDouble(value as! Double, to: &out)
        } else if let number = value as? NSNumber {
            // From JSONSerialization: Bool, integers and Double all arrive as NSNumber; its type
            // code tells them apart (a plain `as? Bool` would also take the number 1).
            switch String(cString: number.objCType) {
            case "c", "B": out += number.boolValue ? Array("true".utf8) : Array("false".utf8)
            case "d", "f": appendDouble(number.doubleValue, to: &out)
            default: out += Array(number.stringValue.utf8)
            }
        } else {
            out += Array("null".utf8)
        }
    }

    private static func appendDouble(_ double: Double, to out: inout [UInt8]) {
        out += double.isFinite ? Array(String(double).utf8) : Array("null".utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (hex, method names) need no escape: copy them whole.
        var string = string
        let copied = string.withUTF8 { utf8 -> Bool in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: utf8)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0a: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0d: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                out += Array("\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
