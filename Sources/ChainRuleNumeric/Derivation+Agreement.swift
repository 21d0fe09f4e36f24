import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport

extension Derivation {
  /// Whether ``Derivation/result`` and ``Derivation/diffForm`` agree at seeded random points
  /// (where both have values); false when there is no separate `diff` form.
  ///
  /// The rules can end in an arrangement that the distributive law alone does not reconcile
  /// with `diff`'s (e.g. over a common denominator); the numbers then say whether the two are
  /// the same function.
  public var agreesNumerically: Bool {
    guard let diffForm else { return false }
    return Self.agree(result, diffForm, variables: variables, in: graph)
  }

  /// Whether two expressions agree at seeded random points, skipping points where either has no
  /// value; at least three points must be compared.
  static func agree(_ a: NodeID, _ b: NodeID, variables: [String], in graph: ExpressionGraph) -> Bool {
    var generator = SplitMix64(seed: 7)
    let evaluator = Evaluator(graph: graph)
    var compared = 0
    for _ in 0..<20 where compared < 5 {
      var point: [String: Double] = [:]
      for name in variables { point[name] = Double.random(in: 0.3...1.7, using: &generator) }
      guard let x = try? evaluator.evaluate(a, at: point), let y = try? evaluator.evaluate(b, at: point) else {
        continue
      }
      guard Swift.abs(x - y) <= 1e-9 * Swift.max(1, Swift.abs(x), Swift.abs(y)) else { return false }
      compared += 1
    }
    return compared >= 3
  }

}
