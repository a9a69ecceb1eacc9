import Foundation
import Logging

/// One line per record into a `LogFile`: time, level, module, message, metadata. Each module's
/// logger (`strand.consensus`, `strand.network`, …) takes its level from `LogLevels`.
public struct NodeLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let sink: LogFile

    public init(label: String, sink: LogFile, levels: LogLevels) {
        self.label = label
        self.sink = sink
        logLevel = levels.level(for: label)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        let merged = explicit.map { metadata.merging($0) { $1 } } ?? metadata
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.write("\(Self.timestamp()) \(level) \(label): \(message)\(fields)")
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, now.tv_nsec / 1_000_000)
    }
}

/// Log levels: one for every module, and others for some, from `--log-level` as
/// `info` or `info,consensus=debug,network=warning`.
public struct LogLevels: Sendable {
    public let base: Logger.Level
    public let modules: [String: Logger.Level]
    /// The node's modules, each a logger label `strand.MODULE`.
    public static let moduleNames = ["chain", "consensus", "network", "sync", "rpc"]

    public init(_ text: String) throws {
        var base = Logger.Level.info
        var modules: [String: Logger.Level] = [:]
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard let level = Logger.Level(rawValue: pieces.last!.lowercased()) else {
                throw OperationsError("unknown log level '\(pieces.last!)' (trace, debug, info, notice, warning, error or critical)")
            }
            if pieces.count == 1 {
                base = level
            } else {
                guard Self.moduleNames.contains(pieces[0]) else {
                    throw OperationsError("unknown module '\(pieces[0])' in --log-level (modules: \(Self.moduleNames.joined(separator: ", ")))")
                }
                modules[pieces[0]] = level
            }
        }
        self.base = base
        self.modules = modules
    }

    /// The level for a logger labelled `strand.MODULE` (or anything else: the base level).
    public func level(for label: String) -> Logger.Level {
        guard label.hasPrefix("strand.") else { return base }
        return modules[String(label.dropFirst("strand.".count))] ?? base
    }
}
