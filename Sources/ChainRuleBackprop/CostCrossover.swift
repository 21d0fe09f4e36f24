import ChainRuleCalculus

/// Where backpropagation starts to pay: the costs of the closed forms and of the two passes for
/// chains of growing depth.
///
/// The chain has n + 1 layers, f₀ = b₀ + w₀·x and f_k = b_k + w_k·sin(f_{k−1}), with
/// ℓ = (f_n − y)². It has 2(n + 1) parameters; each closed form repeats the chain below its
/// parameter, so the closed forms together grow like n², while the passes grow like n.
public struct CostCrossover: Sendable {
  /// The costs at one depth.
  public struct Row: Sendable, Equatable {
    /// The index n of the last layer.
    public var depth: Int
    /// Parameters of the chain: 2(n + 1).
    public var parameters: Int
    /// Operations of all closed forms evaluated separately.
    public var closedFormOperations: Int
    /// Operations of one forward and one backward pass.
    public var passOperations: Int
  }

  /// One row per depth, shallowest first.
  public let rows: [Row]

  /// The chain written as definitions, one per line.
  public static func chain(depth: Int) -> String {
    var lines = ["f0 = b0 + w0*x"]
    for k in stride(from: 1, through: depth, by: 1) { lines.append("f\(k) = b\(k) + w\(k)*sin(f\(k - 1))") }
    lines.append("l = (f\(depth) - y)^2")
    return lines.joined(separator: "\n")
  }

  /// Traces the chain at each depth in `depths` (at a fixed point: costs do not depend on it).
  public init(depths: [Int] = [0, 1, 2, 4, 8]) {
    var rows: [Row] = []
    for depth in depths {
      guard let formula = try? Formula(parsing: Self.chain(depth: depth)) else { continue }
      let data: Set<String> = ["x", "y"]
      let parameters = formula.variables.filter { !data.contains($0) }
      var point: [String: Double] = ["x": 0.5, "y": 1]
      for name in parameters { point[name] = name.hasPrefix("w") ? 0.9 : 0.1 }
      let program = ForwardProgram(formula: formula, dataNames: data)
      guard let trace = try? Trace(program: program, parameters: parameters, point: point) else { continue }
      rows.append(
        Row(
          depth: depth, parameters: parameters.count, closedFormOperations: trace.cost.closedFormOperations,
          passOperations: trace.cost.passOperations))
    }
    self.rows = rows
  }

  /// The smallest depth in the table at which the passes are cheaper, if any.
  public var firstDepthWherePassesWin: Int? {
    rows.first { $0.passOperations < $0.closedFormOperations }?.depth
  }
}
