import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Compares symbolic derivatives with central finite differences, one row per variable.
///
/// The numeric derivative is Richardson-extrapolated from central differences with steps h and
/// h/2, where h = ε^(1/3)·max(1, |x|). Its tolerance comes from the point itself: the
/// disagreement of the two differences (truncation) plus ε·max|f|/h (rounding), so a badly
/// conditioned point gets a wider, honest tolerance instead of a false failure.
public struct GradientCheck {
  /// The verdict for one variable.
  public enum Status: Hashable, Sendable {
    /// Symbolic and numeric values agree within the tolerance.
    case agrees
    /// They disagree: a wrong derivative.
    case disagrees
    /// A kink (relu, abs, step, sign, max, min) switches branch within the step: the function is
    /// not differentiable there, so finite differences cannot judge the convention used.
    case kink
    /// The function is undefined near the point, so no difference could be taken.
    case undefined(String)
  }

  /// One variable's comparison.
  public struct Row: Hashable, Sendable {
    public var variable: String
    public var symbolic: Double
    public var numeric: Double
    public var absoluteError: Double
    public var relativeError: Double
    public var tolerance: Double
    public var status: Status
  }

  /// The graph of the function and its derivatives.
  public let graph: ExpressionGraph

  /// Creates a checker over `graph`.
  public init(graph: ExpressionGraph) { self.graph = graph }

  /// Checks `derivatives[i]` = ∂function/∂`variables[i]` at `point`.
  ///
  /// - Throws: ``EvaluationError`` when the function or a derivative has no value at the point.
  public func check(
    _ function: NodeID, derivatives: [NodeID], variables: [String], at point: [String: Double]
  ) throws(EvaluationError) -> [Row] {
    let evaluator = Evaluator(graph: graph)
    let symbolic = try evaluator.values(of: derivatives, at: point).values
    var rows: [Row] = []
    for (variable, derivative) in zip(variables, derivatives) {
      let exact = symbolic[derivative] ?? .nan
      let difference = centralDifference(function, variable: variable, at: point)
      var row = Row(
        variable: variable, symbolic: exact, numeric: difference.value, absoluteError: 0,
        relativeError: 0, tolerance: difference.tolerance, status: .agrees)
      if difference.problem == .kink, let sides = oneSidedDerivative(function, variable: variable, at: point),
        abs(exact - sides.value) <= sides.tolerance
      {
        // A kink inside the step, but the function is differentiable there (x·relu(x) at 0) and
        // the derivative printed is its derivative.
        row.numeric = sides.value
        row.tolerance = sides.tolerance
        row.absoluteError = abs(exact - sides.value)
      } else if let problem = difference.problem {
        row.status = problem
        row.numeric = .nan
      } else {
        row.absoluteError = abs(exact - difference.value)
        let scale = max(abs(exact), abs(difference.value))
        row.relativeError = scale > 0 ? row.absoluteError / scale : 0
        if row.absoluteError > difference.tolerance { row.status = .disagrees }
      }
      rows.append(row)
    }
    return rows
  }

  /// The Richardson-extrapolated central difference ∂f/∂variable and its error bound.
  public func centralDifference(
    _ function: NodeID, variable: String, at point: [String: Double]
  ) -> (value: Double, tolerance: Double, problem: Status?) {
    let x = point[variable] ?? 0
    let h = pow(Double.ulpOfOne, 1.0 / 3.0) * max(1, abs(x))
    let estimate = centralDifference(function, variable: variable, at: point, step: h)
    // A step that grows with |x| may be long against the function's own scale (sin at x = 10⁸
    // takes h = 600). A second estimate with a short step, a power of two that x ± h and
    // x ± h/2 hold exactly (at least 1,024 ulps of x), must agree; where they differ the short
    // one is right if the function varies faster than the long step, and it is the one kept.
    let shortest = max(pow(Double.ulpOfOne, 1.0 / 3.0), 1_024 * x.ulp)
    let shortStep = pow(2, (log2(shortest)).rounded(.up))
    guard abs(x) > 1, estimate.problem == nil, shortStep < h / 4 else { return estimate }
    let short = centralDifference(function, variable: variable, at: point, step: shortStep)
    guard short.problem == nil else { return estimate }
    return abs(short.value - estimate.value) > short.tolerance + estimate.tolerance ? short : estimate
  }

  /// ``centralDifference(_:variable:at:)`` with the step `h`.
  private func centralDifference(
    _ function: NodeID, variable: String, at point: [String: Double], step h: Double
  ) -> (value: Double, tolerance: Double, problem: Status?) {
    let x = point[variable] ?? 0
    let evaluator = Evaluator(graph: graph)
    // The kinked calls, found once: their switching quantities are compared across the samples.
    let kinkNodes = graph.reachable(from: function).filter { id in
      if case .call(let f, _) = graph[id] { return f.hasKink }
      return false
    }
    var samples: [Double] = []
    var branchSigns: [[Double]] = []
    for offset in [-h, -h / 2, 0, h / 2, h] {
      var shifted = point
      shifted[variable] = x + offset
      do {
        let (values, _) = try evaluator.values(of: [function], at: shifted)
        samples.append(values[function] ?? .nan)
        branchSigns.append(kinkSigns(kinkNodes, values: values))
      } catch {
        return (.nan, .nan, .undefined("no value at \(variable) = \(x + offset)"))
      }
    }
    let signs = branchSigns[0].indices.map { i in branchSigns.map { $0[i] } }
    if signs.contains(where: { Set($0).count > 1 || $0.contains(0) }) {
      return (.nan, .nan, .kink)
    }
    let wide = (samples[4] - samples[0]) / (2 * h)
    let narrow = (samples[3] - samples[1]) / h
    let value = narrow + (narrow - wide) / 3
    let magnitude = samples.map(abs).max() ?? 0
    let rounding = 16 * Double.ulpOfOne * magnitude / h
    let tolerance = 4 * abs(narrow - wide) + rounding + 1e-9 * abs(value) + 1e-300
    return (value, tolerance, nil)
  }

  /// ∂f/∂variable from second-order one-sided differences, when the two sides agree (the
  /// function is differentiable although a kink lies within the step); nil when they do not.
  private func oneSidedDerivative(
    _ function: NodeID, variable: String, at point: [String: Double]
  ) -> (value: Double, tolerance: Double)? {
    let x = point[variable] ?? 0
    let h = pow(Double.ulpOfOne, 1.0 / 3.0) * max(1, abs(x))
    let evaluator = Evaluator(graph: graph)
    var samples: [Double] = []
    for offset in [-h, -h / 2, 0, h / 2, h] {
      var shifted = point
      shifted[variable] = x + offset
      guard let value = try? evaluator.values(of: [function], at: shifted).values[function] else { return nil }
      samples.append(value)
    }
    let right = (-3 * samples[2] + 4 * samples[3] - samples[4]) / h
    let left = (3 * samples[2] - 4 * samples[1] + samples[0]) / h
    let rounding = 16 * Double.ulpOfOne * (samples.map(abs).max() ?? 0) / h
    let tolerance = 1e-8 * max(1, abs(right), abs(left)) + 2 * rounding
    guard right.isFinite, left.isFinite, abs(right - left) <= tolerance else { return nil }
    return ((right + left) / 2, tolerance)
  }

  /// The sign of each kink's switching quantity, in node order.
  private func kinkSigns(_ kinkNodes: [NodeID], values: NodeValues) -> [Double] {
    var signs: [Double] = []
    for id in kinkNodes {
      guard case .call(let function, let arguments) = graph[id], function.hasKink else { continue }
      let inputs = arguments.map { values[$0] ?? 0 }
      let s = Evaluator.switchValue(function, inputs)
      signs.append(s > 0 ? 1 : (s < 0 ? -1 : 0))
    }
    return signs
  }
}
