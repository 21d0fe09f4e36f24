import ChainRuleSupport
import Foundation

/// Central differences for matrix gradients, entry by entry: the numbers every adjoint rule is
/// checked against.
///
/// For an entry Xᵢⱼ, (ℓ(X + h·Eᵢⱼ) − ℓ(X − h·Eᵢⱼ)) / 2h with h = 1e-5·max(1, |Xᵢⱼ|), compared with
/// the symbolic gradient's entry within 1e-6 relative, plus the rounding error of the loss
/// divided by h.
public struct MatrixGradientCheck {
  /// One entry compared.
  public struct Entry: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public var symbolic: Double
    public var numeric: Double
    /// Whether the two agree within ``tolerance``.
    public var agrees: Bool
  }

  public let formula: MatrixFormula
  public let inputs: [String: Matrix]

  public init(formula: MatrixFormula, inputs: [String: Matrix]) {
    self.formula = formula
    self.inputs = inputs
  }

  /// The loss at `inputs`.
  public func loss(_ inputs: [String: Matrix]) throws(MatrixEvaluationError) -> Double {
    let evaluator = MatrixEvaluator(graph: formula.graph, inputs: inputs, bindings: formula.bindings)
    return try evaluator.values(of: [formula.root])[formula.root]?.scalar ?? .nan
  }

  /// Compares `gradient` (the symbolic ∂ℓ/∂`variable`, evaluated) with central differences at
  /// the entries given, or at every entry when there are at most `limit`, else at `limit`
  /// entries drawn from `seed`.
  ///
  /// - Throws: ``MatrixEvaluationError`` if the loss has no value near the point.
  public func compare(
    _ variable: String, gradient: Matrix, entries: [(Int, Int)]? = nil, limit: Int = 64, seed: UInt64 = 1
  ) throws(MatrixEvaluationError) -> [Entry] {
    guard let value = inputs[variable] else { throw .missingInput(variable) }
    var chosen = entries ?? []
    if entries == nil {
      if value.rows * value.columns <= limit {
        for i in 0..<value.rows { for j in 0..<value.columns { chosen.append((i, j)) } }
      } else {
        // Distinct entries: a draw already taken is drawn again.
        var generator = SplitMix64(seed: seed)
        var taken = Set<Int>()
        while chosen.count < limit {
          let (i, j) = (Int(generator.next() % UInt64(value.rows)), Int(generator.next() % UInt64(value.columns)))
          if taken.insert(i * value.columns + j).inserted { chosen.append((i, j)) }
        }
      }
    }
    let scale = Swift.max(1, Swift.abs(try loss(inputs)))
    var results: [Entry] = []
    for (i, j) in chosen {
      let x = value[i, j]
      let h = 1e-5 * Swift.max(1, Swift.abs(x))
      var shifted = inputs
      var plus = value
      plus[i, j] = x + h
      shifted[variable] = plus
      let up = try loss(shifted)
      var minus = value
      minus[i, j] = x - h
      shifted[variable] = minus
      let down = try loss(shifted)
      let numeric = (up - down) / (2 * h)
      let symbolic = gradient[i, j]
      let tolerance = 1e-6 * Swift.max(1, Swift.abs(symbolic)) + 1e-13 * scale / h
      results.append(
        Entry(
          row: i, column: j, symbolic: symbolic, numeric: numeric, agrees: Swift.abs(symbolic - numeric) <= tolerance))
    }
    return results
  }
}
