// chainrule-bench: in-process timings of ChainRule against the targets of docs/performance.md.
//
//   swift run -c release chainrule-bench [--quick] [--json FILE] [--only toy,chain,gradient,train,process,matrix,scaling]
//                                        [--layers 10,100,1000,10000] [--points 1000000]
//                                        [--scaling-layers 1000,10000,100000]
//                                        [--chainrule PATH]… [--profile toy|parse|chain:N|tape COUNT]
//
// `--chainrule` (repeatable) names the executables timed as whole processes; by default the
// `chainrule` beside this benchmark.
//
// Every time is the median of repeated runs after a warm-up. `--json` also writes the numbers
// for benchmarks/compare.py, which puts them beside SymPy and SymEngine.
import ChainRule
import Foundation

var budget = Budget.normal
var jsonPath: String? = nil
var only: Set<String> = ["toy", "chain", "gradient", "train", "process", "matrix", "scaling"]
var layers = [10, 100, 1_000, 10_000]
var points = 1_000_000
var scalingLayers = [1_000, 10_000, 100_000]
var executables: [String] = []

var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--quick": budget = .quick
  case "--json": jsonPath = arguments.next()
  case "--only": only = Set((arguments.next() ?? "").split(separator: ",").map(String.init))
  case "--layers": layers = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
  case "--points": points = Int(arguments.next() ?? "") ?? points
  case "--scaling-layers": scalingLayers = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
  case "--chainrule": executables.append(arguments.next() ?? "")
  case "--profile":
    // For valgrind: run one item COUNT times, untimed, and exit.
    let item = arguments.next() ?? ""
    let count = Int(arguments.next() ?? "") ?? 1
    Profile.run(item, count: count)
    exit(0)
  default:
    FileHandle.standardError.write(Data("chainrule-bench: unknown argument '\(argument)'\n".utf8))
    exit(64)
  }
}

var report = Report()
report.line("chainrule-bench — median of repeated runs after warm-up\(budget.samples < 10 ? " (--quick)" : "")")

if only.contains("toy") {
  let toy = ToyBenchmark.measure(budget)
  report.toy = toy
  report.line("")
  report.line("1. Toy model: parse + 8 partial derivatives + simplify + print (plain)")
  report.line(
    "   total \(formatTime(toy.total))   (parse \(formatTime(toy.parse)), differentiate \(formatTime(toy.differentiate)), simplify \(formatTime(toy.simplify)), print \(formatTime(toy.print)))"
  )
  report.line("   the same on the one-line ASCII formula SymPy and SymEngine get: \(formatTime(toy.totalASCII))")
  report.line("   ∂ℓ/∂β₀ = \(toy.printed.first ?? "?")")
  report.target("toy model under 25 µs (5× faster than SymEngine's ~0.11 ms)", toy.total < 25e-6, formatTime(toy.total))
}

if only.contains("matrix") {
  let matrix = MatrixBenchmark.measure(budget)
  report.line("")
  report.line("Matrix mode: seed 002 (NumPy two-layer net) parsed, differentiated by w1 and w2, printed")
  report.line(
    "   total \(formatTime(matrix.total))   (parse + build \(formatTime(matrix.parse)), differentiate \(formatTime(matrix.differentiate)))"
  )
  report.line("   ∂loss/∂w₁ = \(matrix.printed.first ?? "?")")
  report.target(
    "matrix: symbolic differentiation of seed 002 under 100 µs", matrix.differentiate < 100e-6,
    formatTime(matrix.differentiate))
  MatrixBenchmark.reportTraining(budget, into: &report)
}

if only.contains("chain") {
  report.line("")
  report.line("2. Chain f_k = b_k + w_k·g(f_{k−1}), loss (f_N − y)²: all 2N+2 partial derivatives; trace on the tape")
  report.line(
    "   "
      + [
        "N", "parse + diff", "of which build + diff", "distinct nodes", "nodes/N", "printed ops (trees)", "trace",
        "passes", "tape vs symbolic",
      ].joined(separator: " | "))
  for n in layers {
    let chain = ChainBenchmark.measure(layers: n, budget)
    report.chain.append(chain)
    let agreement = n <= 1_000 ? String(format: "%.1e", chain.disagreement) : "—"
    report.line(
      "   "
        + [
          "\(n)", formatTime(chain.derivativeTime), formatTime(chain.buildAndDifferentiateTime),
          "\(chain.distinctNodes)",
          String(format: "%.2f", Double(chain.distinctNodes) / Double(n)),
          chain.printedOperations == Int.max ? "> 9.2e18" : String(format: "%.3g", Double(chain.printedOperations)),
          formatTime(chain.traceTime), formatTime(chain.passesTime), agreement,
        ].joined(separator: " | "))
  }
  let byLayers = Dictionary(report.chain.map { ($0.layers, $0) }, uniquingKeysWith: { a, _ in a })
  let sizes = report.chain.filter { $0.layers >= 100 }.sorted { $0.layers < $1.layers }
  if let first = sizes.first, let last = sizes.last, last.layers > first.layers {
    let growth =
      (Double(last.distinctNodes) / Double(first.distinctNodes)) / (Double(last.layers) / Double(first.layers))
    report.target(
      "distinct nodes grow linearly with N (N = \(first.layers) → \(last.layers): nodes/N ratio \(String(format: "%.3f", growth)))",
      growth < 1.1, "")
  }
  if let chain = byLayers[1_000] {
    report.target("N = 1,000 all partials under 10 ms", chain.derivativeTime < 0.010, formatTime(chain.derivativeTime))
  }
  if let chain = byLayers[10_000] {
    report.target(
      "N = 10,000 all partials under 100 ms", chain.derivativeTime < 0.100, formatTime(chain.derivativeTime))
  }
}

if only.contains("gradient") {
  let gradient = GradientBenchmark.measure(points: points, budget)
  report.gradient = gradient
  report.line("")
  report.line("3. Toy-model gradient over \(points) data points, per evaluation (forward + backward)")
  report.line(
    "   tape \(formatTime(gradient.tape)), batched tape \(formatTime(gradient.batched)), hand-written Swift \(formatTime(gradient.handWritten)), Swift _Differentiation \(formatTime(gradient.compiledAutodiff)); largest disagreement \(String(format: "%.1e", gradient.disagreement))"
  )
  func rate(_ perPoint: Double) -> String { String(format: "%.1f M points/s", 1e-6 / perPoint) }
  report.line(
    "   throughput: tape \(rate(gradient.tape)), batched tape \(rate(gradient.batched)), hand-written Swift \(rate(gradient.handWritten)), _Differentiation \(rate(gradient.compiledAutodiff))"
  )
  let handRatio = gradient.tape / gradient.handWritten
  let autodiffRatio = gradient.tape / gradient.compiledAutodiff
  report.target("tape within 3× of hand-written Swift", handRatio <= 3, String(format: "%.2f×", handRatio))
  report.target(
    "tape no slower than _Differentiation", autodiffRatio <= 1, String(format: "%.2f× its time", autodiffRatio))
  report.target(
    "batched tape at least as fast as hand-written Swift", gradient.batched <= gradient.handWritten,
    String(format: "%.2f× its time", gradient.batched / gradient.handWritten))
}

if only.contains("train") {
  let train = TrainBenchmark.measure(rows: 100_000, budget)
  report.line("")
  report.line(
    "Training: the toy model's mean loss and gradient over \(train.rows) rows (one full-batch step), in process")
  func rows(_ seconds: Double) -> String { String(format: "%.2f M rows/s", Double(train.rows) / seconds / 1e6) }
  report.line(
    "   chainrule train's Trainer.lossAndGradient \(formatTime(train.training)) (\(rows(train.training))), the batched tape alone \(formatTime(train.batched)) (\(rows(train.batched))); largest disagreement \(String(format: "%.1e", train.disagreement))"
  )
}

if only.contains("process") {
  report.line("")
  report.line(
    "4. `chainrule diff` on the toy model, whole process (start-up included), median of \(budget.samples < 10 ? 5 : 30) runs"
  )
  var best: Double? = nil
  for executable in executables.isEmpty ? [ProcessBenchmark.defaultExecutable()] : executables {
    let process = ProcessBenchmark.measure(executable: executable, runs: budget.samples < 10 ? 5 : 30)
    report.processes.append(process)
    let linking = process.isStatic ? "static Swift runtime" : "dynamic Swift runtime"
    if let time = process.time {
      let cpu = process.cpuTime.map { ", CPU \(formatTime($0))" } ?? ""
      report.line("   \(formatTime(time))\(cpu)  \(process.executable) (\(linking))")
      best = min(best ?? time, time)
    } else {
      report.line("   not measured: \(process.executable) is missing or failed")
    }
  }
  if let best {
    report.target("whole process under 20 ms (fastest build above)", best < 0.020, formatTime(best))
  }
}

if only.contains("scaling") {
  report.line("")
  report.line(
    "5. Whole process: each command on the chain as definitions, point from a file (--at @FILE); median of 3 runs (1 past N = 10,000)"
  )
  report.line("   command | N | wall | CPU | peak memory")
  let executable = executables.first ?? ProcessBenchmark.defaultExecutable()
  let rows = ScalingBenchmark.measure(executable: executable, layers: scalingLayers, runs: 3) { row in
    guard let time = row.time, let cpu = row.cpuTime, let memory = row.peakMemory else {
      report.line("   \(row.command) | \(row.layers) | failed")
      return
    }
    report.line(
      "   \(row.command) | \(row.layers) | \(formatTime(time)) | \(formatTime(cpu)) | \(formatBytes(memory))"
    )
  }
  report.scaling = rows
  report.line("   growth exponent (log-log slope over N = \(scalingLayers.map(String.init).joined(separator: ", "))):")
  for command in ScalingBenchmark.commands.map(\.name) {
    let measured = rows.filter { $0.command == command && $0.time != nil }
    let time = ScalingBenchmark.exponent(measured.map { (Double($0.layers), $0.cpuTime ?? 0) })
    let memory = ScalingBenchmark.exponent(measured.map { (Double($0.layers), Double($0.peakMemory ?? 0)) })
    let text = [time, memory].map { $0.map { String(format: "%.2f", $0) } ?? "—" }
    // Memory per layer past the process's fixed start (runtime, libraries): the slope between
    // the smallest and largest depth.
    var perLayer = ""
    if let first = measured.first, let last = measured.last, last.layers > first.layers {
      let bytes = Double((last.peakMemory ?? 0) - (first.peakMemory ?? 0)) / Double(last.layers - first.layers)
      perLayer = String(format: "; memory per layer %.0f B", bytes)
    }
    report.line("   \(command): CPU time \(text[0]), peak memory \(text[1])\(perLayer)")
    if let time, let memory {
      report.target(
        "\(command): growth exponent ≤ 1.1 for time and memory", time <= 1.1 && memory <= 1.1, "\(text[0]), \(text[1])")
    }
  }
  let diff = Dictionary(rows.filter { $0.command == "diff" }.map { ($0.layers, $0) }, uniquingKeysWith: { a, _ in a })
  if let row = diff[10_000], let time = row.time, let memory = row.peakMemory {
    report.target(
      "diff -f at N = 10,000 under 0.3 s and 150 MB", time < 0.3 && memory < 150_000_000,
      "\(formatTime(time)), \(formatBytes(memory))")
  }
  if let row = diff[100_000], let time = row.time, let memory = row.peakMemory {
    report.target(
      "diff -f at N = 100,000 under 3 s and 1.5 GB", time < 3 && memory < 1_500_000_000,
      "\(formatTime(time)), \(formatBytes(memory))")
  }
}

if let jsonPath {
  do {
    try report.json().write(toFile: jsonPath, atomically: true, encoding: .utf8)
  } catch {
    FileHandle.standardError.write(Data("chainrule-bench: cannot write \(jsonPath): \(error)\n".utf8))
    exit(1)
  }
}
