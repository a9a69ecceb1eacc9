/// One line of a benchmark report: Strand's figure beside the reference measured in the same run.
public struct BenchmarkRow: Sendable {
    public let name: String
    public let strand: Measurement
    public let reference: Measurement?
    /// What `ratio` compares, e.g. "C keccak ÷ Strand".
    public let ratioMeaning: String
    /// reference time ÷ Strand time for per-operation costs (1.0 = as fast as the reference,
    /// above 1 = faster); for throughput rows as described by `ratioMeaning`.
    public let ratio: Double?
    /// The target this row is held to, in words, and whether the run met it.
    public let target: String?
    public let targetMet: Bool?
}

extension BenchmarkRow {
    /// Renders rows as an aligned text table.
    public static func table(_ rows: [BenchmarkRow]) -> String {
        var lines = [["benchmark", "strand", "reference", "ratio", "target"]]
        for row in rows {
            lines.append([
                row.name,
                formatTime(row.strand.nanosecondsPerOperation),
                row.reference.map { formatTime($0.nanosecondsPerOperation) } ?? "—",
                row.ratio.map { String(format2: $0) + " (\(row.ratioMeaning))" } ?? "—",
                row.target.map { "\($0): " + (row.targetMet == true ? "met" : "NOT met") } ?? "",
            ])
        }
        let widths = (0..<5).map { column in lines.map { $0[column].count }.max()! }
        return lines.map { cells in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    /// Renders rows as a JSON array (numbers in nanoseconds per operation).
    public static func json(_ rows: [BenchmarkRow]) -> String {
        let objects = rows.map { row in
            var fields = [
                "\"name\": \"\(row.name)\"",
                "\"strandNs\": \(String(format2: row.strand.nanosecondsPerOperation))",
                "\"strandSpread\": \(String(format2: row.strand.spread))",
            ]
            if let reference = row.reference {
                fields.append("\"referenceNs\": \(String(format2: reference.nanosecondsPerOperation))")
            }
            if let ratio = row.ratio {
                fields.append("\"ratio\": \(String(format2: ratio))")
                fields.append("\"ratioMeaning\": \"\(row.ratioMeaning)\"")
            }
            if let target = row.target, let met = row.targetMet {
                fields.append("\"target\": \"\(target)\"")
                fields.append("\"targetMet\": \(met)")
            }
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]"
    }

    static func formatTime(_ nanos: Double) -> String {
        if nanos >= 1e6 { return String(format2: nanos / 1e6) + " ms" }
        if nanos >= 1e3 { return String(format2: nanos / 1e3) + " µs" }
        return String(format2: nanos) + " ns"
    }
}

extension String {
    /// A number with two decimals, without Foundation.
    init(format2 value: Double) {
        let scaled = (value * 100).rounded()
        let whole = Int(scaled / 100)
        let fraction = Int(abs(scaled).truncatingRemainder(dividingBy: 100))
        self = "\(value < 0 && whole == 0 ? "-" : "")\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    func padding(toLength length: Int, withPad pad: Character, startingAt _: Int) -> String {
        count >= length ? self : self + String(repeating: pad, count: length - count)
    }

    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
