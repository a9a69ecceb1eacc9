/// The median time of one operation over several timed samples.
public struct Measurement: Sendable {
    public let name: String
    /// Median nanoseconds per operation.
    public let nanosecondsPerOperation: Double
    /// The spread of the samples, (max − min) / median, a noise indicator.
    public let spread: Double
    public let samples: Int

    public var operationsPerSecond: Double { 1e9 / nanosecondsPerOperation }
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
    var perOperation: [Double] = []
    for _ in 0..<samples {
        let elapsed = clock.measure { for _ in 0..<callsPerSample { body() } }
        let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        perOperation.append(nanos / Double(callsPerSample * operationsPerCall))
    }
    perOperation.sort()
    let median = perOperation[perOperation.count / 2]
    return Measurement(name: name, nanosecondsPerOperation: median,
                       spread: (perOperation.last! - perOperation.first!) / median, samples: samples)
}

/// Keeps results alive so that the optimiser cannot delete the work that made them.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
