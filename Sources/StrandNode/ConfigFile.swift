/// A small TOML subset for node configuration: `[section]` headers, `key = value` lines with
/// quoted strings, integers and booleans, and `#` comments. Anything else is an error that
/// names its line.
public struct ConfigFile: Sendable, Equatable {
    public enum Value: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case integer(Int)
        case boolean(Bool)

        public var description: String {
            switch self {
            case .string(let s): "\"\(s)\""
            case .integer(let i): String(i)
            case .boolean(let b): String(b)
            }
        }
    }

    /// Values by "section.key".
    public private(set) var values: [String: Value] = [:]

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(values: [String: Value] = [:]) {
        self.values = values
    }

    public init(parsing text: String) throws(ParseError) {
        var section = ""
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Self.stripComment(String(raw)).trimmingCharacters(in: " \t\r")
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw ParseError(line: offset + 1, message: "bad section header") }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: " \t")
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(line: offset + 1, message: "expected key = value")
            }
            let key = line[..<equals].trimmingCharacters(in: " \t")
            let text = line[line.index(after: equals)...].trimmingCharacters(in: " \t")
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw ParseError(line: offset + 1, message: "bad key \"\(key)\"")
            }
            let value: Value
            if text.hasPrefix("\"") {
                guard text.count >= 2, text.hasSuffix("\"") else { throw ParseError(line: offset + 1, message: "unterminated string") }
                value = .string(String(text.dropFirst().dropLast()))
            } else if text == "true" || text == "false" {
                value = .boolean(text == "true")
            } else if let number = Int(text.replacingOccurrences(of: "_", with: "")) {
                value = .integer(number)
            } else {
                throw ParseError(line: offset + 1, message: "value of \(key) must be a quoted string, an integer or true/false")
            }
            let name = section.isEmpty ? key : "\(section).\(key)"
            guard values[name] == nil else { throw ParseError(line: offset + 1, message: "\(name) set twice") }
            values[name] = value
        }
    }

    private static func stripComment(_ line: String) -> String {
        var inString = false
        for (index, character) in zip(line.indices, line) {
            if character == "\"" { inString.toggle() }
            if character == "#" && !inString { return String(line[..<index]) }
        }
        return line
    }

    public func string(_ name: String) -> String? {
        if case .string(let s) = values[name] { return s }
        return nil
    }

    public func integer(_ name: String) -> Int? {
        if case .integer(let i) = values[name] { return i }
        return nil
    }

    public func boolean(_ name: String) -> Bool? {
        if case .boolean(let b) = values[name] { return b }
        return nil
    }

    /// The file's text, sections in order of first appearance of their keys, keys sorted.
    public var text: String {
        var sections: [String: [(String, Value)]] = [:]
        for (name, value) in values {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            sections[parts.count == 2 ? parts[0] : "", default: []].append((parts.last!, value))
        }
        var out = ""
        for section in sections.keys.sorted() {
            if !section.isEmpty { out += "\n[\(section)]\n" }
            for (key, value) in sections[section]!.sorted(by: { $0.0 < $1.0 }) { out += "\(key) = \(value)\n" }
        }
        return out
    }
}

extension ConfigFile {
    /// `text` with "section.key" set to `value` (nil: removed), everything else — comments, order,
    /// other settings — as it was: for tools that change one setting of an operator's file.
    public static func setting(_ name: String, to value: Value?, in text: String) -> String {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let (section, key) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var current = ""
        var sectionEnd: Int?
        var found: Int?
        for (index, raw) in lines.enumerated() {
            let line = stripComment(raw).trimmingCharacters(in: " \t\r")
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast()).trimmingCharacters(in: " \t")
                if current == section { sectionEnd = index + 1 }
                continue
            }
            guard current == section else { continue }
            if !line.isEmpty { sectionEnd = index + 1 }
            if let equals = line.firstIndex(of: "="), line[..<equals].trimmingCharacters(in: " \t") == key { found = index }
        }
        let newLine = value.map { "\(key) = \($0)" }
        if let found {
            if let newLine { lines[found] = newLine } else { lines.remove(at: found) }
        } else if let newLine {
            if let sectionEnd {
                lines.insert(newLine, at: sectionEnd)
            } else {
                if lines.last == "" { lines.removeLast() }
                lines += section.isEmpty ? [newLine, ""] : ["", "[\(section)]", newLine, ""]
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
