import Foundation

/// A picture of one load run, self-contained (no scripts, fonts or network): committed TPS per
/// second, commit latency percentiles per second, and each loaded node's height over time, with
/// the run's parameters and verdict in the legend. A stall, a view change or a sync catch-up
/// shows as a gap in the bars, a latency spike, or one node's line flat then steep.
struct LoadReport {
    struct Series {
        let name: String
        let points: [(x: Double, y: Double)]
        let color: String
    }

    let title: String
    let legend: [String]
    let passed: Bool
    /// Committed transactions per second, one bar per second from the first send.
    let tpsPerSecond: [Double]
    let latency: [Series]
    let heights: [Series]

    /// Builds the report from the run's timings: seconds from the first send.
    init(title: String, legend: [String], passed: Bool, accepted: [(sentAt: Double, committedAt: Double?)],
         heights samples: [(node: String, points: [(t: Double, height: UInt64)])], origin: Double) {
        self.title = title
        self.legend = legend
        self.passed = passed
        let commits = accepted.compactMap { tx in tx.committedAt.map { (sent: tx.sentAt - origin, at: $0 - origin) } }
        let seconds = Int((commits.map(\.at).max() ?? 0).rounded(.up)) + 1
        var bars = [Double](repeating: 0, count: max(seconds, 1))
        var latencies = [[Double]](repeating: [], count: bars.count)
        for commit in commits {
            let second = min(max(Int(commit.at), 0), bars.count - 1)
            bars[second] += 1
            latencies[second].append((commit.at - commit.sent) * 1000)
        }
        tpsPerSecond = bars
        func percentile(_ p: Double) -> [(x: Double, y: Double)] {
            latencies.enumerated().compactMap { second, values in
                guard !values.isEmpty else { return nil }
                let sorted = values.sorted()
                return (Double(second) + 0.5, sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
            }
        }
        latency = [Series(name: "p50", points: percentile(0.50), color: "#2b7bb9"),
                   Series(name: "p90", points: percentile(0.90), color: "#e69f00"),
                   Series(name: "p99", points: percentile(0.99), color: "#d55e00")]
        let palette = ["#2b7bb9", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#999999"]
        heights = samples.enumerated().map { index, node in
            Series(name: node.node.replacingOccurrences(of: "http://", with: ""), points: node.points.map { ($0.t - origin, Double($0.height)) }, color: palette[index % palette.count])
        }
    }

    // MARK: Drawing

    static let width = 900.0, panelHeight = 200.0, left = 70.0, right = 20.0, gap = 50.0

    func svg() -> String {
        let legendHeight = Double(legend.count + 1) * 16 + 20
        let top = 40 + legendHeight
        let height = top + 3 * (Self.panelHeight + Self.gap)
        let span = max(Double(tpsPerSecond.count), (heights.flatMap(\.points).map(\.x).max() ?? 0).rounded(.up), 1)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(height))" \
            font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>
            <text x="\(Self.left)" y="24" font-size="16" font-weight="bold">\(escape(title))</text>

            """
        var y = 44.0
        let verdict = passed ? "verify_success" : "verify_failed"
        out += "<text x=\"\(Self.left)\" y=\"\(y)\" fill=\"\(passed ? "#009e73" : "#d55e00")\" font-weight=\"bold\">\(verdict)</text>\n"
        for line in legend {
            y += 16
            out += "<text x=\"\(Self.left)\" y=\"\(y)\">\(escape(line))</text>\n"
        }
        let bars = tpsPerSecond.enumerated().map { (x: Double($0.offset), y: $0.element) }
        out += panel(top: top, label: "committed transactions per second", span: span,
                     maxY: bars.map(\.y).max() ?? 1, bars: bars, lines: [])
        out += panel(top: top + Self.panelHeight + Self.gap, label: "commit latency (ms), by second of commit", span: span,
                     maxY: latency.flatMap(\.points).map(\.y).max() ?? 1, bars: [], lines: latency)
        let heightValues = heights.flatMap(\.points).map(\.y)
        out += panel(top: top + 2 * (Self.panelHeight + Self.gap), label: "block height per node", span: span,
                     maxY: heightValues.max() ?? 1, minY: heightValues.min() ?? 0, bars: [], lines: heights)
        return out + "</svg>\n"
    }

    private func panel(top: Double, label: String, span: Double, maxY: Double, minY: Double = 0,
                       bars: [(x: Double, y: Double)], lines: [Series]) -> String {
        let plotWidth = Self.width - Self.left - Self.right, h = Self.panelHeight
        let range = max(maxY - minY, 1)
        func px(_ x: Double) -> Double { Self.left + x / span * plotWidth }
        func py(_ v: Double) -> Double { top + h - (v - minY) / range * h }
        var out = "<text x=\"\(Self.left)\" y=\"\(top - 8)\" font-weight=\"bold\">\(escape(label))</text>\n"
        out += "<rect x=\"\(Self.left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(h)\" fill=\"none\" stroke=\"#888\"/>\n"
        for tick in 0...4 {
            let value = minY + range * Double(tick) / 4
            out += "<text x=\"\(Self.left - 6)\" y=\"\(format(py(value) + 4))\" text-anchor=\"end\">\(format(value, digits: 0))</text>\n"
        }
        let step = max(1, (span / 10).rounded(.up))
        for second in stride(from: 0.0, through: span, by: step) {
            out += "<text x=\"\(format(px(second)))\" y=\"\(top + h + 14)\" text-anchor=\"middle\">\(Int(second)) s</text>\n"
        }
        let barWidth = max(plotWidth / span - 1, 1)
        for bar in bars where bar.y > 0 {
            out += "<rect x=\"\(format(px(bar.x)))\" y=\"\(format(py(bar.y)))\" width=\"\(format(barWidth))\" "
                + "height=\"\(format(top + h - py(bar.y)))\" fill=\"#2b7bb9\"/>\n"
        }
        for (index, series) in lines.enumerated() where !series.points.isEmpty {
            let path = series.points.map { "\(format(px($0.x))),\(format(py($0.y)))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"1.5\"/>\n"
            let keyX = Self.left + plotWidth - 160, keyY = top + 14 + Double(index) * 14
            out += "<line x1=\"\(format(keyX))\" y1=\"\(format(keyY - 4))\" x2=\"\(format(keyX + 16))\" y2=\"\(format(keyY - 4))\" "
                + "stroke=\"\(series.color)\" stroke-width=\"2\"/><text x=\"\(format(keyX + 20))\" y=\"\(format(keyY))\">\(escape(series.name))</text>\n"
        }
        return out
    }

    private func format(_ value: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Writes the report to `path`: SVG, or an HTML page holding it when the name ends in .html.
    func write(to path: String) throws {
        let picture = svg()
        let text = path.lowercased().hasSuffix(".html")
            ? "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>\(escape(title))</title></head><body>\n\(picture)</body></html>\n"
            : picture
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
