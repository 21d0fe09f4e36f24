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
  ///
  /// - Throws: ``EvaluationError`` for the first node without a value.
  public func values(
    of roots: [NodeID], at point: [String: Double]
  ) throws(EvaluationError) -> (values: NodeValues, kinks: [Kink]) {
    let result = sweep(roots, at: point, stopAtFirstFailure: true)
    if let failure = result.failures.first { throw failure.value }
    return (result.values, result.kinks)
  }

  /// Every root's value where it has one, and for the others why not, from one loop: a node
  /// without a value makes every node that uses it NaN, and each NaN records the failure that
  /// caused it. One partial derivative without a value does not stop the others.
  public func valuesOrFailures(
    of roots: [NodeID], at point: [String: Double]
  ) -> (values: NodeValues, failures: [NodeID: EvaluationError], kinks: [Kink]) {
    let result = sweep(roots, at: point, stopAtFirstFailure: false)
    var failures: [NodeID: EvaluationError] = [:]
    for root in roots {
      guard let position = result.values.position(of: root), result.values.values[position].isNaN else { continue }
      let cause = result.causes[position]
      if cause >= 0, let failure = result.failures[NodeID(Int(cause))] { failures[root] = failure }
    }
    return (result.values, failures, result.kinks)
  }

  /// The evaluation loop. Without `stopAtFirstFailure` a failing node gets NaN and its id as the
  /// cause; a node with a failing operand inherits the cause.
  private func sweep(
    _ roots: [NodeID], at point: [String: Double], stopAtFirstFailure: Bool
  ) -> (values: NodeValues, causes: [Int32], failures: [NodeID: EvaluationError], kinks: [Kink]) {
    var store = NodeValues(ids: graph.reachable(from: roots))
    var kinks: [Kink] = []
    var failures: [NodeID: EvaluationError] = [:]
    var causes: [Int32] = []
    if !stopAtFirstFailure { causes.reserveCapacity(store.ids.count) }
    // Operands precede their users, so each lookup finds a value already stored.
    func operand(_ id: NodeID) -> Double {
      guard let position = store.position(of: id) else { return .nan }
      return store.values[position]
    }
    func inheritedCause(_ id: NodeID) -> Int32 {
      for slot in graph.operandSlots(id) {
        if let position = store.position(of: graph.operand(atSlot: slot)), causes[position] >= 0 {
          return causes[position]
        }
      }
      return -1
    }
    for id in store.ids {
      do throws(EvaluationError) {
        let value = try self.value(of: id, at: point, operand: operand, kinks: &kinks)
        store.values.append(value)
        if !stopAtFirstFailure { causes.append(value.isNaN ? inheritedCause(id) : -1) }
      } catch {
        failures[id] = error
        if stopAtFirstFailure { return (store, causes, failures, kinks) }
        store.values.append(.nan)
        causes.append(id.index)
      }
    }
    return (store, causes, failures, kinks)
  }

  /// The value of one node from its operands' values; NaN when an operand has none (a failure
  /// already recorded below).
  private func value(
    of id: NodeID, at point: [String: Double], operand: (NodeID) -> Double, kinks: inout [Kink]
  ) throws(EvaluationError) -> Double {
    // Nodes are read through the graph's records, not copied out as `Node`s.
    let slots = graph.operandSlots(id)
    var value = 0.0
    switch graph.kind(id) {
    case .number: return graph.constant(of: id)
    case .symbol:
      let name = graph.symbolName(id) ?? ""
      // The constants e and π are never variables (a line defining the name replaces them).
      guard let v = Parser.constants[name] ?? point[name] else { throw .unboundSymbol(name) }
      return v
    case .sum:
      // c − c·tanh(u)² and c − c·σ(u) are added as c·sech²(u) and c·σ(−u): formed as written
      // they cancel to 0 far from the origin, where the true value is small but not 0.
      let pair = stableComplementPair(slots, operand)
      if let pair { value = pair.value }
      for slot in slots where slot != pair?.constantSlot && slot != pair?.termSlot {
        value += operand(graph.operand(atSlot: slot))
      }
    case .product:
      value = 1
      for slot in slots { value *= operand(graph.operand(atSlot: slot)) }
    case .power:
      let (base, exponent) = (graph.operand(atSlot: slots.lowerBound), graph.operand(atSlot: slots.lowerBound + 1))
      let (b, e) = (operand(base), operand(exponent))
      if b.isNaN || e.isNaN { return .nan }
      value = try Self.power(b, e, node: id)
    case .call:
      guard let function = graph.function(of: id) else { return .nan }
      let first = graph.operand(atSlot: slots.lowerBound)
      if function == .log, let stable = stableLogOfSigmoid(first, operand) { return stable }
      let inputs = slots.map { operand(graph.operand(atSlot: $0)) }
      if inputs.contains(where: \.isNaN) { return .nan }
      do {
        value = try function.evaluate(inputs)
      } catch {
        throw .domain(error, node: id)
      }
      if function.hasKink && Self.switchValue(function, inputs) == 0 {
        kinks.append(Kink(node: id, function: function))
      }
    }
    // NaN from an operand without a value passes on; NaN made here (∞ − ∞) is an overflow.
    if value.isNaN && slots.contains(where: { operand(graph.operand(atSlot: $0)).isNaN }) { return .nan }
    guard value.isFinite else { throw .domain(.overflow, node: id) }
    return value
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

  /// In a sum, a constant term c and a term −c·tanh(u)² or −c·σ(u), and their sum computed
  /// without cancellation: c·sech²(u) = c/cosh²(u) and c·σ(−u). Nil when the sum has no such pair.
  ///
  /// 1 − tanh(u)² is tanh′(u) and 1 − σ(u) a factor of σ′(u), so derivatives meet these forms
  /// often; at u = 20, 1 − tanh(u)² rounds to 0 though sech²(20) ≈ 1.7·10⁻¹⁷.
  func stableComplementPair(
    _ slots: Range<Int>, _ value: (NodeID) -> Double
  ) -> (constantSlot: Int, termSlot: Int, value: Double)? {
    guard slots.count >= 2,
      let constantSlot = slots.first(where: { graph.kind(graph.operand(atSlot: $0)) == .number })
    else { return nil }
    let c = graph.constant(of: graph.operand(atSlot: constantSlot))
    guard c != 0, c.isFinite else { return nil }
    for slot in slots where slot != constantSlot {
      var term = graph.operand(atSlot: slot)
      var coefficient = 1.0
      if graph.kind(term) == .product {
        let factors = graph.operandSlots(term)
        guard factors.count == 2, let k = graph.numberValue(graph.operand(atSlot: factors.lowerBound)) else {
          continue
        }
        coefficient = k
        term = graph.operand(atSlot: factors.lowerBound + 1)
      }
      guard coefficient == -c else { continue }
      switch graph.kind(term) {
      case .power:
        let parts = graph.operandSlots(term)
        let base = graph.operand(atSlot: parts.lowerBound)
        guard graph.numberValue(graph.operand(atSlot: parts.lowerBound + 1)) == 2, graph.kind(base) == .call,
          graph.function(of: base) == .tanh
        else { continue }
        let u = value(graph.operand(atSlot: graph.operandSlots(base).lowerBound))
        let cosh = Foundation.cosh(u)
        return (constantSlot, slot, c / (cosh * cosh))
      case .call:
        guard graph.function(of: term) == .sigmoid else { continue }
        let u = value(graph.operand(atSlot: graph.operandSlots(term).lowerBound))
        return (constantSlot, slot, c * ((try? Function.sigmoid.evaluate([-u])) ?? .nan))
      default: continue
      }
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
