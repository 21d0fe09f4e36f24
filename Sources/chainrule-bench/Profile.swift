import ChainRule
import Foundation

/// Untimed repetitions of one item, to run under `valgrind --tool=callgrind`.
enum Profile {
  static func run(_ item: String, count: Int) {
    switch item {
    case "toy":
      for _ in 0..<count { blackHole(ToyBenchmark.run(ToyModel.source)) }
    case "parse":
      for _ in 0..<count { blackHole(try? Formula(parsing: ToyModel.source)) }
    case "tape":
      let (xs, ys) = GradientBenchmark.data(count: count)
      blackHole(GradientBenchmark.throughTape(xs, ys))
    case "batched":
      let (xs, ys) = GradientBenchmark.data(count: count)
      blackHole(GradientBenchmark.throughBatchedTape(xs, ys))
    case let chain where chain.hasPrefix("chain:"):
      let n = Int(chain.dropFirst(6)) ?? 1_000
      let source = ChainBenchmark.source(layers: n)
      let parameters = ChainBenchmark.parameters(layers: n)
      for _ in 0..<count {
        guard let formula = try? Formula(parsing: source) else { return }
        blackHole(formula.gradient(withRespectTo: parameters))
      }
    case "print":
      // One formula per line on standard input: its canonical form and its simplified and raw
      // partial derivatives in every notation, to compare two builds' output.
      while let line = readLine() {
        let formula: Formula
        do {
          formula = try Formula(parsing: line.replacingOccurrences(of: "\\n", with: "\n"))
        } catch {
          print("error: \(line) → \(error)")
          continue
        }
        var canonical = CanonicalForm(graph: formula.graph)
        let ids = [formula.root] + formula.gradient(withRespectTo: formula.variables)
        for notation in Notation.allCases {
          let printer = formula.printer(notation)
          print(ids.map { printer.string(canonical.simplify($0)) }.joined(separator: " ; "))
          print(ids.map { printer.string($0) }.joined(separator: " ; "))
        }
        print(canonical.rulesApplied.map { "\($0)" }.joined(separator: ", "))
      }
    default:
      print("chainrule-bench: --profile takes toy, parse, tape, chain:N or print")
    }
  }
}
