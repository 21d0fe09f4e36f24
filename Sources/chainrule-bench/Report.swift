import Foundation

/// The benchmark's text output and its machine-readable twin for benchmarks/compare.py.
struct Report {
  var text = ""
  var toy: ToyBenchmark?
  var chain: [ChainBenchmark] = []
  var gradient: GradientBenchmark?
  var processes: [ProcessBenchmark] = []
  var scaling: [ScalingBenchmark.Row] = []
  /// Each target with its verdict, in the order printed.
  var targets: [(name: String, met: Bool, measured: String)] = []

  /// Prints `text` at once (a long run shows its progress) and keeps it for the docs.
  mutating func line(_ text: String) {
    self.text += text + "\n"
    print(text)
    fflush(nil)
  }

  mutating func target(_ name: String, _ met: Bool, _ measured: String) {
    targets.append((name, met, measured))
    line("   target: \(name): \(verdict(met))\(measured.isEmpty ? "" : " (\(measured))")")
  }

  /// The numbers as JSON: seconds for times.
  func json() throws -> String {
    var object: [String: Any] = [:]
    if let toy {
      object["toy"] = [
        "total": toy.total, "totalASCII": toy.totalASCII, "parse": toy.parse, "differentiate": toy.differentiate,
        "simplify": toy.simplify, "print": toy.print,
      ]
    }
    object["chain"] = chain.map { c -> [String: Any] in
      [
        "layers": c.layers, "derivatives": c.derivativeTime,
        "buildAndDifferentiate": c.buildAndDifferentiateTime, "distinctNodes": c.distinctNodes,
        "printedOperations": c.printedOperations, "trace": c.traceTime, "passes": c.passesTime,
      ]
    }
    if let gradient {
      object["gradient"] = [
        "points": gradient.points, "tape": gradient.tape, "batched": gradient.batched,
        "handWritten": gradient.handWritten,
        "compiledAutodiff": gradient.compiledAutodiff, "disagreement": gradient.disagreement,
      ]
    }
    object["process"] = processes.map { process -> [String: Any] in
      var entry: [String: Any] = [
        "executable": process.executable, "static": process.isStatic, "arguments": process.arguments,
      ]
      if let time = process.time { entry["time"] = time }
      if let cpu = process.cpuTime { entry["cpuTime"] = cpu }
      return entry
    }
    object["scaling"] = scaling.map { row -> [String: Any] in
      var entry: [String: Any] = ["command": row.command, "layers": row.layers]
      if let time = row.time { entry["time"] = time }
      if let cpu = row.cpuTime { entry["cpuTime"] = cpu }
      if let memory = row.peakMemory { entry["peakMemory"] = memory }
      return entry
    }
    object["targets"] = targets.map { ["name": $0.name, "met": $0.met, "measured": $0.measured] }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
