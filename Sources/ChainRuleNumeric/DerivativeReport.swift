import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// Every partial derivative of a formula, simplified where small enough to print, with values
/// at a point: the data behind `chainrule diff`, for any renderer (text, JSON, a web page).
///
/// A closed form of a deep formula can be enormous (quadratic in the depth, or exponential when
/// steps are reused); such a row is *summarised*: its size is counted from the shared graph
/// without writing it out, and the row keeps the shared, unsimplified derivative.
///
/// Values are computed from the simplified forms (the canonical form keeps the domain the user
/// wrote, and its forms evaluate more stably: ∂ log σ(x)/∂x is 1 − σ(x), not σ(x)·(1 − σ(x))/σ(x),
/// which underflows far out). A derivative without a value at the point does not stop the others;
/// its ``Row/failure`` says why.
///
/// ```swift
/// var report = DerivativeReport(formula: formula, variables: ["x", "y"])
/// try report.evaluate(at: ["x": -2, "y": 3])
/// report.rows[1].failure   // ∂(x^y)/∂y: log(x) is undefined at x = −2
/// ```
public struct DerivativeReport {
  /// One partial derivative.
  public struct Row: Sendable {
    /// The variable differentiated by.
    public var variable: String
    /// The shared, unsimplified adjoint from the backward sweep.
    public var raw: NodeID
    /// The canonical form (equal to `raw` when too large to simplify).
    public var simplified: NodeID
    /// Whether the closed form is too large to print and was summarised.
    public var summarised: Bool
    /// Operations of the closed form as printed, or the tree size of `raw` when summarised.
    public var operations: Int
    /// Distinct nodes of this derivative alone (nil past 200 variables: one pass each would be
    /// quadratic; the report's ``allDistinctNodes`` counts them together).
    public var distinctNodes: Int?
    /// The value at the point, once ``DerivativeReport/evaluate(at:)`` has run and found one.
    public var value: Double?
    /// Why the derivative has no value at the point.
    public var failure: EvaluationError?
  }

  /// Closed forms with more operations than this are summarised unless `full` is asked for.
  public static let printLimit = 10_000

  /// The formula differentiated.
  public let formula: Formula
  /// The formula's canonical form.
  public let closedForm: NodeID
  /// One row per variable, in the order asked.
  public private(set) var rows: [Row]
  /// Distinct nodes of all the derivatives together: their size with sharing.
  public let allDistinctNodes: Int
  /// The formula's value at the point, once evaluated.
  public private(set) var value: Double?
  /// The kinks met evaluating the formula and its derivatives.
  public private(set) var kinks: [Evaluator.Kink] = []

  /// Differentiates `formula` by each of `variables` and simplifies what is small enough.
  ///
  /// - Parameters:
  ///   - formula: The formula.
  ///   - variables: The variables, in the order the rows take.
  ///   - full: Simplify and count closed forms of any size (the caller's output limit still
  ///     applies when printing).
  public init(formula: Formula, variables: [String], full: Bool = false) {
    self.formula = formula
    closedForm = formula.simplified(formula.root)
    let gradient = formula.gradient(withRespectTo: variables)
    var canonical = CanonicalForm(graph: formula.graph)
    var counter = PrintedOperationCounter(graph: formula.graph)
    let sizes = formula.graph.treeOperationCounts(gradient)
    allDistinctNodes = formula.graph.distinctNodeCount(gradient)
    rows = zip(variables, zip(gradient, sizes)).map { variable, pair in
      let (raw, size) = pair
      let distinct = variables.count <= 200 ? formula.graph.distinctNodeCount([raw]) : nil
      if size > Self.printLimit * 4 && !full {
        return Row(
          variable: variable, raw: raw, simplified: raw, summarised: true, operations: size, distinctNodes: distinct)
      }
      let simple = canonical.simplify(raw)
      let operations = counter.count(simple)
      return Row(
        variable: variable, raw: raw, simplified: simple, summarised: operations > Self.printLimit && !full,
        operations: operations, distinctNodes: distinct)
    }
  }

  /// Evaluates the formula and every derivative at `point`, in one pass over their shared nodes.
  ///
  /// - Throws: ``EvaluationError`` when the formula itself has no value there (a derivative
  ///   without one is recorded in its row instead).
  public mutating func evaluate(at point: [String: Double]) throws(EvaluationError) {
    let evaluator = Evaluator(graph: formula.graph)
    let roots = [closedForm] + rows.map(\.simplified)
    let result = evaluator.valuesOrFailures(of: roots, at: point)
    if let failure = result.failures[closedForm] { throw failure }
    value = result.values[closedForm]
    for i in rows.indices {
      if let failure = result.failures[rows[i].simplified] {
        rows[i].failure = failure
      } else {
        rows[i].value = result.values[rows[i].simplified]
      }
    }
    kinks = result.kinks
  }
}
