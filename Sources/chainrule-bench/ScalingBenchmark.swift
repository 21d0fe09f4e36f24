import Foundation

/// Whole-process rows: each command run as a user runs it on the chain written as definitions
/// (`ChainBenchmark.source`), its point from a file (`--at @FILE`), at several depths; wall
/// time, CPU time and peak memory (the child's maximum resident set), and the growth exponent
/// fitted over the depths.
struct ScalingBenchmark {
  struct Row {
    var command: String
    var layers: Int
    /// Median wall and CPU time of the runs, nil when the command failed.
    var time: Double?
    var cpuTime: Double?
    /// Peak resident memory in bytes (largest over the runs).
    var peakMemory: Int?
  }

  /// The commands timed, as typed after `chainrule` (the file and point are appended).
  static let commands: [(name: String, arguments: [String], point: Bool)] = [
    ("diff", ["diff"], false),
    ("diff --at", ["diff"], true),
    ("diff --format json", ["diff", "--format", "json"], true),
    ("check", ["check"], true),
    ("trace", ["trace"], true),
    ("latex", ["latex"], true),
  ]

  /// The chain's point as CSV: a header of names, one row of values.
  static func pointCSV(layers n: Int) -> String {
    let point = ChainBenchmark.point(layers: n)
    let names = ["x", "y"] + ChainBenchmark.parameters(layers: n)
    return names.joined(separator: ",") + "\n" + names.map { "\(point[$0] ?? 0)" }.joined(separator: ",") + "\n"
  }

  /// Runs every command at every depth, `runs` times each (once past 10,000 layers).
  static func measure(executable: String, layers: [Int], runs: Int, progress: (Row) -> Void) -> [Row] {
    let directory = NSTemporaryDirectory() + "chainrule-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var rows: [Row] = []
    for n in layers {
      let chain = "\(directory)/chain\(n).chain"
      let point = "\(directory)/point\(n).csv"
      FileManager.default.createFile(atPath: chain, contents: Data(ChainBenchmark.source(layers: n).utf8))
      FileManager.default.createFile(atPath: point, contents: Data(pointCSV(layers: n).utf8))
      for command in commands {
        let arguments = command.arguments + ["-f", chain] + (command.point ? ["--at", "@" + point] : [])
        var row = Row(command: command.name, layers: n)
        var walls: [Double] = []
        var cpus: [Double] = []
        for _ in 0..<(n > 10_000 ? 1 : runs) {
          guard let run = ProcessBenchmark.runOnce(executable, arguments) else { break }
          walls.append(run.wall)
          cpus.append(run.cpu)
          row.peakMemory = max(row.peakMemory ?? 0, run.peakMemory)
        }
        if !walls.isEmpty {
          row.time = walls.sorted()[walls.count / 2]
          row.cpuTime = cpus.sorted()[cpus.count / 2]
        } else {
          row.peakMemory = nil
        }
        progress(row)
        rows.append(row)
      }
    }
    return rows
  }

  /// The least-squares slope of log y against log x: 1 for linear growth, 2 for quadratic.
  static func exponent(_ points: [(x: Double, y: Double)]) -> Double? {
    let logs = points.filter { $0.x > 0 && $0.y > 0 }.map { (Foundation.log($0.x), Foundation.log($0.y)) }
    guard logs.count >= 2 else { return nil }
    let meanX = logs.map(\.0).reduce(0, +) / Double(logs.count)
    let meanY = logs.map(\.1).reduce(0, +) / Double(logs.count)
    let covariance = logs.map { ($0.0 - meanX) * ($0.1 - meanY) }.reduce(0, +)
    let variance = logs.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +)
    return variance > 0 ? covariance / variance : nil
  }
}
