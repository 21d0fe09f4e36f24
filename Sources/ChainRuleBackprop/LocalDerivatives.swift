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
    differentiator = Differentiator(graph: graph)
  }

  /// ∂expression/∂name, simplified and in terms of stored steps.
  public mutating func derivative(of expression: NodeID, withRespectTo name: String) -> NodeID {
    rewritten(differentiator.derivative(of: expression, withRespectTo: name))
  }

  /// ∂expression/∂name for every name, from one symbolic sweep (a step that reads many values
  /// costs one sweep, not one per value).
  public mutating func derivatives(of expression: NodeID, withRespectTo names: [String]) -> [NodeID] {
    differentiator.gradient(of: expression, withRespectTo: names).map { rewritten($0) }
  }

  /// A raw derivative simplified and written in terms of stored steps.
  private mutating func rewritten(_ raw: NodeID) -> NodeID {
    let simple = canonical.simplify(raw)
    return canonical.simplify(Self.substitute(simple, reuse, in: graph))
  }

  /// `id` with every subexpression found in `map` replaced by its step symbol.
  static func substitute(_ id: NodeID, _ map: [NodeID: NodeID], in graph: ExpressionGraph) -> NodeID {
    if let symbol = map[id] { return symbol }
    let node = graph[id]
    let children = node.children
    if children.isEmpty { return id }
    let replaced = children.map { substitute($0, map, in: graph) }
    if replaced.elementsEqual(children) { return id }
    switch node {
    case .sum: return graph.sum(replaced)
    case .product: return graph.product(replaced)
    case .power: return graph.power(replaced[0], replaced[1])
    case .call(let function, _): return graph.call(function, replaced)
    case .number, .symbol: return id
    }
  }
}
