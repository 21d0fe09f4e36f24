import Foundation

/// Keeps a result alive so the optimiser cannot drop the work that made it.
@inline(never)
func blackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}

/// Monotonic time in seconds.
func now() -> Double {
  var spec = timespec()
  clock_gettime(CLOCK_MONOTONIC, &spec)
  return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

/// How long to measure: `--quick` shortens every phase for a smoke run.
struct Budget {
  /// Warm-up time before the samples.
  var warmUp: Double
  /// The number of samples whose median is reported.
  var samples: Int
  /// Each sample repeats the body until it has run at least this long.
  var sampleTime: Double

  static let normal = Budget(warmUp: 0.2, samples: 15, sampleTime: 0.02)
  static let quick = Budget(warmUp: 0.02, samples: 3, sampleTime: 0.002)
}

/// The median time of one run of `body`, in seconds.
///
/// Warms up for `budget.warmUp`, picks a repeat count so a sample lasts `budget.sampleTime`,
/// then takes `budget.samples` samples and returns the median per-run time.
func medianTime<T>(_ budget: Budget, _ body: () -> T) -> Double {
  var repeats = 1
  let warmUpEnd = now() + budget.warmUp
  var runs = 0
  var spent = 0.0
  repeat {
    let start = now()
    blackHole(body())
    spent += now() - start
    runs += 1
  } while now() < warmUpEnd
  let perRun = spent / Double(runs)
  if perRun > 0 { repeats = max(1, Int(budget.sampleTime / perRun)) }
  // Slow items (a second or more per run) take fewer samples, at least three.
  let count = perRun > 0.1 ? max(3, min(budget.samples, Int(3 / perRun))) : budget.samples
  var samples: [Double] = []
  for _ in 0..<count {
    let start = now()
    for _ in 0..<repeats { blackHole(body()) }
    samples.append((now() - start) / Double(repeats))
  }
  samples.sort()
  return samples[samples.count / 2]
}

/// A duration as people read it: `12.3 µs`, `4.56 ms`, `1.23 s`.
func formatTime(_ seconds: Double) -> String {
  if seconds < 1e-6 { return String(format: "%.1f ns", seconds * 1e9) }
  if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
  if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
  return String(format: "%.2f s", seconds)
}

/// Bytes in B, kB, MB or GB (powers of 1,000).
func formatBytes(_ bytes: Int) -> String {
  let value = Double(bytes)
  if value < 1e3 { return "\(bytes) B" }
  if value < 1e6 { return String(format: "%.1f kB", value / 1e3) }
  if value < 1e9 { return String(format: "%.1f MB", value / 1e6) }
  return String(format: "%.2f GB", value / 1e9)
}

/// `met` or `not met`.
func verdict(_ met: Bool) -> String { met ? "met" : "NOT MET" }
