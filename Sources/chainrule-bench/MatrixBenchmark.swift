import ChainRule
import Foundation

/// Matrix mode on seed 002 (the NumPy two-layer network): parse, build the shaped graph,
/// differentiate by w1 and w2, print both gradients. Target: under 100 µs in process.
enum MatrixBenchmark {
  static let source = """
    N, D_in, H, D_out = 64, 1000, 100, 10
    x: N×D_in
    y: N×D_out
    w1: D_in×H
    w2: H×D_out
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)
    loss = np.square(y_pred - y).sum()
    """

  struct Result {
    /// Parse, build, differentiate and print: the whole symbolic path.
    var total: Double
    /// Parse and build the shaped graph.
    var parse: Double
    /// The sweep alone, on a parsed formula.
    var differentiate: Double
    var printed: [String]
  }

  static func gradients() -> [String] {
    guard let formula = try? MatrixFormula(parsing: source),
      let gradient = try? formula.gradient(withRespectTo: ["w1", "w2"])
    else { return [] }
    let printer = MatrixPrinter(graph: formula.graph, notation: .unicode, names: formula.stepNames)
    return gradient.map { printer.string($0) }
  }

  static func measure(_ budget: Budget) -> Result {
    let total = medianTime(budget) { gradients() }
    let parse = medianTime(budget) { try? MatrixFormula(parsing: source) }
    // Each run sweeps a fresh graph: the hash-consed graph would otherwise find every adjoint built.
    let differentiateAndParse = medianTime(budget) { () -> Int in
      guard let formula = try? MatrixFormula(parsing: source) else { return 0 }
      return (try? formula.gradient(withRespectTo: ["w1", "w2"]))?.count ?? 0
    }
    return Result(
      total: total, parse: parse, differentiate: max(0, differentiateAndParse - parse), printed: gradients())
  }

  /// One training iteration of seed 002 at full size: forward pass, backward pass and update,
  /// by the same evaluator `chainrule train` uses, from the inputs of `--random 0`.
  static func trainingIteration(_ budget: Budget) -> Double? {
    guard let formula = try? MatrixFormula(parsing: source), let inputs = try? formula.inputValues(seed: 0),
      var training = try? MatrixTraining(formula: formula, parameters: ["w1", "w2"], inputs: inputs, rate: 1e-6)
    else { return nil }
    return medianTime(budget) { (try? training.step()) ?? .nan }
  }

  /// NumPy on the same iteration: benchmarks/numpy-two-layer.py, run now by the first python3
  /// on the PATH that has numpy.
  struct NumPyResult {
    var iteration: Double
    var version: String
    var threads: String
    var finalLoss: Double
  }

  /// Runs the NumPy listing with BLAS on `threads` threads (nil: its default); nil when there
  /// is no python3 with numpy.
  static func numpy(threads: Int?, quick: Bool) -> NumPyResult? {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("benchmarks/numpy-two-layer.py").path
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
    var environment = ProcessInfo.processInfo.environment
    if let threads {
      for name in ["OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"] { environment[name] = String(threads) }
    }
    for directory in path.split(separator: ":") {
      let python = "\(directory)/python3"
      guard FileManager.default.isExecutableFile(atPath: python) else { continue }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: python)
      process.arguments = [script] + (quick ? ["--quick"] : [])
      process.environment = environment
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.nullDevice
      guard (try? process.run()) != nil else { continue }
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      guard process.terminationStatus == 0,
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
        let seconds = object["iteration"] as? Double
      else { continue }
      return NumPyResult(
        iteration: seconds, version: object["numpy"] as? String ?? "?", threads: object["threads"] as? String ?? "?",
        finalLoss: object["loss499"] as? Double ?? .nan)
    }
    return nil
  }
}

extension MatrixBenchmark {
  /// The training-iteration rows: ChainRule, NumPy on one BLAS thread and on its default, ratios.
  static func reportTraining(_ budget: Budget, into report: inout Report) {
    guard let iteration = trainingIteration(budget) else { return }
    report.line("")
    report.line("Matrix mode: one training iteration of seed 002 at full size (forward + backward + update)")
    report.line("   ChainRule \(formatTime(iteration))")
    let quick = budget.samples < 10
    guard let single = numpy(threads: 1, quick: quick) else {
      report.line("   NumPy: no python3 with numpy on the PATH; not compared")
      return
    }
    report.line(
      "   NumPy \(single.version), its own listing, BLAS on 1 thread: \(formatTime(single.iteration))"
        + String(format: "   ChainRule/NumPy = %.2f", iteration / single.iteration))
    if let threaded = numpy(threads: nil, quick: quick) {
      report.line(
        "   NumPy, BLAS threads as installed (\(threaded.threads)): \(formatTime(threaded.iteration))"
          + String(format: "   ChainRule/NumPy = %.2f", iteration / threaded.iteration))
    }
    report.target(
      "matrix: a training iteration within 2× of NumPy (1 BLAS thread)", iteration < 2 * single.iteration,
      String(format: "%.2f×", iteration / single.iteration))
  }
}
