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
}
