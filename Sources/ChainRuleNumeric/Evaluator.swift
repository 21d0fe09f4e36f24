import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Why an expression has no value at a point.
public enum EvaluationError: Error, Hashable, Sendable {
  /// A variable was given no value.
  case unboundSymbol(String)
  /// The subexpression at `node` has no real value there (log of a negative, division by zero,
  /// overflow …); the ``DomainError`` says why.
  case domain(DomainError, node: NodeID)
}

/// Evaluates graph nodes at a point, in one forward loop over ascending ids.
///
/// Domain errors name the subexpression that failed instead of returning NaN. Kinks met on the
/// way (relu, abs, step, sign at 0; max/min at a tie) are reported, so a caller can say which
/// convention its derivative used there.
///
/// ```swift
/// let value = try Evaluator(graph: graph).evaluate(id, at: ["x": 2])
/// ```
public struct Evaluator {
  /// A kink met during evaluation: the call node whose branch was chosen by convention.
  public struct Kink: Hashable, Sendable {
    /// The call node with the kink.
    public var node: NodeID
    /// The function at that node.
    public var function: Function
  }

  /// The graph whose nodes are evaluated.
  public let graph: ExpressionGraph

  /// Creates an evaluator over `graph`.
  public init(graph: ExpressionGraph) { self.graph = graph }

  /// The value of `id` at `point` (variable name → value).
  ///
  /// - Throws: ``EvaluationError`` for a variable without a value or a domain error.
  public func evaluate(_ id: NodeID, at point: [String: Double]) throws(EvaluationError) -> Double {
    try values(of: [id], at: point).values[id] ?? .nan
  }

  /// The values of every node the roots depend on, and the kinks met at exactly a tie.
  ///
  /// One loop over the nodes in ascending id order: every operand is evaluated before the node
  /// that uses it, and shared subexpressions once.
  public func values(
    of roots: [NodeID], at point: [String: Double]
  ) throws(EvaluationError) -> (values: NodeValues, kinks: [Kink]) {
    var store = NodeValues(ids: graph.reachable(from: roots))
    var kinks: [Kink] = []
    // Operands precede their users, so each lookup finds a value already stored.
    func operand(_ id: NodeID) -> Double {
      guard let position = store.position(of: id) else { return .nan }
      return store.values[position]
    }
    for id in store.ids {
      // Nodes are read through the graph's records, not copied out as `Node`s.
      let slots = graph.operandSlots(id)
      var value = 0.0
      switch graph.kind(id) {
      case .number: value = graph.constant(of: id)
      case .symbol:
        let name = graph.symbolName(id) ?? ""
        guard let v = point[name] else { throw .unboundSymbol(name) }
        value = v
      case .sum:
        for slot in slots { value += operand(graph.operand(atSlot: slot)) }
      case .product:
        value = 1
        for slot in slots { value *= operand(graph.operand(atSlot: slot)) }
      case .power:
        let (base, exponent) = (graph.operand(atSlot: slots.lowerBound), graph.operand(atSlot: slots.lowerBound + 1))
        value = try Self.power(operand(base), operand(exponent), node: id)
      case .call:
        guard let function = graph.function(of: id) else { break }
        let first = graph.operand(atSlot: slots.lowerBound)
        if function == .log, let stable = stableLogOfSigmoid(first, operand) {
          value = stable
          break
        }
        let inputs = slots.map { operand(graph.operand(atSlot: $0)) }
        do {
          value = try function.evaluate(inputs)
        } catch {
          throw .domain(error, node: id)
        }
        if function.hasKink && Self.switchValue(function, inputs) == 0 {
          kinks.append(Kink(node: id, function: function))
        }
      }
      guard value.isFinite else { throw .domain(.overflow, node: id) }
      store.values.append(value)
    }
    return (store, kinks)
  }

  /// log σ(u) = −softplus(−u) and log(1 − σ(u)) = −softplus(u), computed without forming σ(u),
  /// which rounds to 0 (or 1) far from the origin though the logarithm is finite; nil for any
  /// other argument.
  func stableLogOfSigmoid(_ argument: NodeID, _ value: (NodeID) -> Double) -> Double? {
    func softplus(_ u: Double) -> Double { Swift.max(u, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(u))) }
    if case .call(.sigmoid, let inner) = graph[argument] {
      return -softplus(-value(inner[0]))
    }
    if case .sum(let terms) = graph[argument], terms.count == 2, graph.numberValue(terms[0]) == 1,
      case .product(let factors) = graph[terms[1]], factors.count == 2, graph.numberValue(factors[0]) == -1,
      case .call(.sigmoid, let inner) = graph[factors[1]]
    {
      return -softplus(value(inner[0]))
    }
    return nil
  }

  /// The quantity whose sign picks a kinked function's branch: u, or b − a for max/min.
  static func switchValue(_ function: Function, _ inputs: [Double]) -> Double {
    switch function.definition.kink?.switchValue {
    case .difference: inputs.count > 1 ? inputs[1] - inputs[0] : .nan
    case .argument, nil: inputs.first ?? .nan
    }
  }

  /// `b^e` with the domain checks a learner expects.
  static func power(_ b: Double, _ e: Double, node: NodeID) throws(EvaluationError) -> Double {
    if b == 0 && e < 0 { throw .domain(.divisionByZero, node: node) }
    if b < 0 && e != e.rounded() {
      throw .domain(.negativeBaseFractionalPower(base: b, exponent: e), node: node)
    }
    if e == 2 { return b * b }
    if e == -1 { return 1 / b }
    return Foundation.pow(b, e)
  }
}
