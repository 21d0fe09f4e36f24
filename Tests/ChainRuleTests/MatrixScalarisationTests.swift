import ChainRule
import Testing

/// Random matrix formulas, differentiated twice: by the matrix sweep, and written out entry by
/// entry (`MatrixScalarisation`) for the scalar engine, which knows nothing of matrices. Every
/// entry of every gradient must agree.
@Suite struct MatrixScalarisationTests {
  static let declarations = "x: N×D; w: D×H; b: 1×H; v: H; A: H×H; c: N; N, D, H = 3, 2, 4\n"

  /// A random expression of depth `depth` (shapes may not fit: those are skipped).
  static func expression(_ depth: Int, _ generator: inout ChainRuleSupport.SplitMix64) -> String {
    let leaves = ["x", "w", "b", "v", "A", "c", "lam", "2", "x·w"]
    if depth == 0 { return leaves[Int(generator.next() % UInt64(leaves.count))] }
    let a = expression(depth - 1, &generator)
    let b = expression(depth - 1, &generator)
    let forms = [
      "(\(a) + \(b))", "(\(a) - \(b))", "\(a)·\(b)", "\(a) ⊙ \(b)", "\(a)ᵀ", "relu(\(a))", "tanh(\(a))",
      "sum(\(a))", "softmax(\(a))", "(\(a))^2", "\(a)/(1 + \(b)^2)", "max(\(a), \(b))", "‖\(a)‖²", "trace(\(a))",
      "sum(\(a), axis=0)", "sigmoid(\(a))", "mean(\(a), axis=1)",
    ]
    return forms[Int(generator.next() % UInt64(forms.count))]
  }

  @Test(arguments: 0..<6)
  func scalarEngineAgrees(_ batch: Int) throws {
    var generator = ChainRuleSupport.SplitMix64(seed: UInt64(batch) &* 0x9E37_79B9)
    var compared = 0
    for _ in 0..<30 {
      let source = Self.declarations + "l = sum(" + Self.expression(1 + Int(generator.next() % 3), &generator) + ")"
      guard let formula = try? MatrixFormula(parsing: source) else { continue }
      let names = formula.inputs.map(\.name)
      let inputs = try formula.inputValues(seed: generator.next() % 1000)
      let gradient = try formula.gradient(withRespectTo: names)
      let values = try MatrixEvaluator(graph: formula.graph, inputs: inputs, bindings: formula.bindings).values(
        of: gradient)
      let scalarised = try MatrixScalarisation(formula: formula, labels: inputs)
      let scalar = try Formula(parsing: scalarised.source, syntax: .plain)
      var point: [String: Double] = [:]
      for (name, matrix) in inputs {
        for (i, row) in (scalarised.entryNames[name] ?? []).enumerated() {
          for (j, entry) in row.enumerated() { point[entry] = matrix[i, j] }
        }
      }
      for (name, node) in zip(names, gradient) {
        let entries = (scalarised.entryNames[name] ?? []).flatMap { $0 }
        let derivatives = scalar.gradient(withRespectTo: entries)
        let scalarValues = try Evaluator(graph: scalar.graph).values(of: derivatives, at: point).values
        let matrix = try #require(values[node])
        for (index, id) in derivatives.enumerated() {
          let a = scalarValues[id] ?? .nan
          let b = matrix.values[index]
          #expect(abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)), "\(source): ∂l/∂\(name) entry \(index): \(a) vs \(b)")
        }
      }
      compared += 1
    }
    #expect(compared >= 5, "too few random formulas had fitting shapes")
  }
}
