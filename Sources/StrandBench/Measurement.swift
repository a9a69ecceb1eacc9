/// The median time of one operation over several timed samples.
public struct Measurement: Sendable {
    public let name: String
    /// Median nanoseconds per operation.
    public let nanosecondsPerOperation: Double
    /// The spread of the samples, (max − min) / median, a noise indicator.
    public let spread: Double
    public let samples: Int

    public var operationsPerSecond: Double { 1e9 / nanosecondsPerOperation }

    /// The median of timed samples, each of `operationsPerSample` operations.
    public init(name: String, sampleNanoseconds: [Double], operationsPerSample: Int = 1) {
        let perOperation = sampleNanoseconds.map { $0 / Double(operationsPerSample) }.sorted()
        let median = perOperation[perOperation.count / 2]
        self.init(name: name, nanosecondsPerOperation: median,
                  spread: (perOperation.last! - perOperation.first!) / median, samples: perOperation.count)
    }

    public init(name: String, nanosecondsPerOperation: Double, spread: Double, samples: Int) {
        self.name = name
        self.nanosecondsPerOperation = nanosecondsPerOperation
        self.spread = spread
        self.samples = samples
    }
}

extension Duration {
    /// The duration in nanoseconds, as a Double.
    var nanoseconds: Double {
        Double(components.seconds) * 1e9 + Double(components.attoseconds) / 1e9
    }
}

/// Times `body`, which performs `operationsPerCall` operations, and reports the median.
///
/// Calls `body` once untimed to warm caches, then takes `samples` samples, each long enough
/// (≥ `minimumSampleTime`) that clock resolution does not matter.
public func measure(
    _ name: String, operationsPerCall: Int = 1, samples: Int = 7,
    minimumSampleTime: Duration = .milliseconds(40), _ body: () -> Void
) -> Measurement {
    let clock = ContinuousClock()
    body()
    // Calibrate how many calls make one sample.
    var callsPerSample = 1
    while clock.measure({ for _ in 0..<callsPerSample { body() } }) < minimumSampleTime {
        callsPerSample *= 2
    }
    let sampleNanoseconds = (0..<samples).map { _ in
        clock.measure { for _ in 0..<callsPerSample { body() } }.nanoseconds
    }
    return Measurement(name: name, sampleNanoseconds: sampleNanoseconds,
                       operationsPerSample: callsPerSample * operationsPerCall)
}

/// Keeps results alive so that the optimiser cannot delete the work that made them.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
