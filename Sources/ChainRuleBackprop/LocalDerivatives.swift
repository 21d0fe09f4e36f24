import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// The local derivatives of a forward program's steps, written in terms of stored steps.
///
/// ∂c/∂s for a step c and a name s it uses (an earlier step, a parameter or data) is the
/// symbolic derivative of c's expression by s, simplified, with every subexpression that a step
/// already holds replaced by that step's name: exp(f₁) becomes h₂, σ(u)·(1 − σ(u)) becomes
/// out·(1 − out). Backward passes #1 and #2 of ``Trace`` and the edges of the computation graph
/// read their local derivatives from here, so both show the same expressions.
///
/// ```swift
/// var locals = LocalDerivatives(program: program)
/// locals.derivative(of: step.expression, withRespectTo: "f0")   // cos(f0)
/// ```
public struct LocalDerivatives {
  /// The graph of the program's steps; the derivatives are nodes of it.
  public let graph: ExpressionGraph
  private var canonical: CanonicalForm
  private let differentiator: Differentiator
  /// Each step's canonical expression → the step's name as a symbol.
  private let reuse: [NodeID: NodeID]
  /// The steps that are products, found by their factors' bases.
  private let productSteps: ProductSteps

  /// Prepares the local derivatives of `program`'s steps.
  public init(program: ForwardProgram) {
    let graph = program.graph
    self.graph = graph
    var canonical = CanonicalForm(graph: graph)
    var reuse: [NodeID: NodeID] = [:]
    for step in program.steps where graph.numberValue(step.expression) == nil {
      if case .symbol = graph[step.expression] { continue }
      reuse[canonical.simplify(step.expression)] = graph.symbol(step.name)
    }
    self.canonical = canonical
    self.reuse = reuse
    productSteps = ProductSteps(reuse, in: graph)
    differentiator = Differentiator(graph: graph)
  }

  /// ∂expression/∂name, simplified and in terms of stored steps.
  public mutating func derivative(of expression: NodeID, withRespectTo name: String) -> NodeID {
    rewritten(differentiator.derivative(of: expression, withRespectTo: name))
  }

  /// ∂expression/∂name in step names, and as the expression's own inputs give it: the first to
  /// print (`1 − h₁²`), the second to evaluate (`1 − tanh(f₀)²`, which the evaluator computes
  /// without cancelling where h₁ is close to ±1).
  public mutating func derivativeAndValueForm(
    of expression: NodeID, withRespectTo name: String
  ) -> (printed: NodeID, evaluated: NodeID) {
    let raw = canonical.simplify(differentiator.derivative(of: expression, withRespectTo: name))
    return (rewrittenInSteps(raw), raw)
  }

  /// ∂expression/∂name for every name, from one symbolic sweep (a step that reads many values
  /// costs one sweep, not one per value).
  public mutating func derivatives(of expression: NodeID, withRespectTo names: [String]) -> [NodeID] {
    differentiator.gradient(of: expression, withRespectTo: names).map { rewritten($0) }
  }

  /// A raw derivative simplified and written in terms of stored steps.
  private mutating func rewritten(_ raw: NodeID) -> NodeID {
    rewrittenInSteps(canonical.simplify(raw))
  }

  /// A canonical expression with every part a step holds replaced by the step's name: whole
  /// subexpressions, and the factors of a product that make up a step (exp(z₂)·s⁻²·…, with
  /// p₂ = exp(z₂)/s, is p₂·s⁻¹·…), then simplified again.
  public mutating func rewrittenInSteps(_ id: NodeID) -> NodeID {
    canonical.simplify(Self.substitute(id, reuse, in: graph, products: productSteps))
  }

  /// A factor as base and whole exponent (`u⁻²` → (u, −2)); nil for a number or a power with
  /// another exponent.
  fileprivate static func baseAndExponent(_ factor: NodeID, in graph: ExpressionGraph) -> (NodeID, Double)? {
    if graph.numberValue(factor) != nil { return nil }
    if let (base, exponent) = graph.powerParts(factor) {
      guard let e = graph.numberValue(exponent), e == e.rounded() else { return (factor, 1) }
      return (base, e)
    }
    return (factor, 1)
  }

  /// `id` with every subexpression found in `map`, and every product holding the factors of a
  /// product step, replaced by the step's symbol.
  static func substitute(
    _ id: NodeID, _ map: [NodeID: NodeID], in graph: ExpressionGraph, products: ProductSteps
  ) -> NodeID {
    if let symbol = map[id] { return symbol }
    let node = graph[id]
    let children = node.children
    if children.isEmpty { return id }
    let replaced = children.map { substitute($0, map, in: graph, products: products) }
    guard case .product = node, !products.steps.isEmpty else {
      if replaced.elementsEqual(children) { return id }
      return rebuild(node, replaced, in: graph)
    }
    // The product's factors as bases with exponents; steps are taken out while they fit.
    var numbers: [NodeID] = []
    var others: [NodeID] = []
    var parts: [(base: NodeID, exponent: Double)] = []
    for factor in replaced {
      if graph.numberValue(factor) != nil {
        numbers.append(factor)
      } else if let part = baseAndExponent(factor, in: graph) {
        parts.append(part)
      } else {
        others.append(factor)
      }
    }
    var symbols: [NodeID] = []
    for step in products.candidates(for: parts.map(\.base)) {
      while step.factors.allSatisfy({ wanted in
        parts.contains {
          $0.base == wanted.base && $0.exponent * wanted.exponent > 0 && abs($0.exponent) >= abs(wanted.exponent)
        }
      }) {
        for wanted in step.factors {
          guard let position = parts.firstIndex(where: { $0.base == wanted.base }) else { continue }
          parts[position].exponent -= wanted.exponent
        }
        parts.removeAll { $0.exponent == 0 }
        symbols.append(step.symbol)
      }
    }
    guard !symbols.isEmpty else {
      if replaced.elementsEqual(children) { return id }
      return rebuild(node, replaced, in: graph)
    }
    let rest = parts.map { $0.exponent == 1 ? $0.base : graph.power($0.base, graph.number($0.exponent)) }
    return graph.product(numbers + symbols + others + rest)
  }

  /// `node` with its operands replaced.
  private static func rebuild(_ node: Node, _ operands: [NodeID], in graph: ExpressionGraph) -> NodeID {
    switch node {
    case .sum: return graph.sum(operands)
    case .product: return graph.product(operands)
    case .power: return graph.power(operands[0], operands[1])
    case .call(let function, _): return graph.call(function, operands)
    case .number(let value): return graph.number(value)
    case .symbol(let name): return graph.symbol(name)
    }
  }

  /// `id` with every subexpression found in `map` replaced by its step symbol.
  static func substitute(_ id: NodeID, _ map: [NodeID: NodeID], in graph: ExpressionGraph) -> NodeID {
    substitute(id, map, in: graph, products: ProductSteps([:], in: graph))
  }
}

/// The steps whose expressions are products, as their factors (base and whole exponent) with
/// the step's symbol, indexed by base so a product looks only at steps it may hold.
struct ProductSteps {
  typealias Step = (factors: [(base: NodeID, exponent: Double)], symbol: NodeID)
  let steps: [Step]
  private let byBase: [NodeID: [Int]]

  init(_ reuse: [NodeID: NodeID], in graph: ExpressionGraph) {
    var steps: [Step] = []
    for (expression, symbol) in reuse where graph.kind(expression) == .product {
      var factors: [(base: NodeID, exponent: Double)] = []
      var allFactors = true
      for slot in graph.operandSlots(expression) {
        guard let part = LocalDerivatives.baseAndExponent(graph.operand(atSlot: slot), in: graph) else {
          allFactors = false
          break
        }
        factors.append(part)
      }
      if allFactors { steps.append((factors, symbol)) }
    }
    steps.sort { $0.symbol < $1.symbol }
    var byBase: [NodeID: [Int]] = [:]
    for (position, step) in steps.enumerated() {
      for factor in step.factors { byBase[factor.base, default: []].append(position) }
    }
    self.steps = steps
    self.byBase = byBase
  }

  /// The steps with a factor of one of `bases`, each once, in a fixed order.
  func candidates(for bases: [NodeID]) -> [Step] {
    var positions: Set<Int> = []
    for base in bases { positions.formUnion(byBase[base] ?? []) }
    return positions.sorted().map { steps[$0] }
  }
}
