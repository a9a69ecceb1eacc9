/// The Prometheus text exposition (format 0.0.4), built metric by metric.
struct PrometheusText {
    private(set) var lines: [String] = []

    mutating func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: UInt64)]) {
        lines.append("# HELP \(name) \(help)")
        lines.append("# TYPE \(name) \(type)")
        for (labels, value) in samples { lines.append("\(name)\(labels) \(value)") }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}
