import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// Symbolic reverse-mode differentiation: every partial derivative from one backward sweep.
///
/// The sweep visits the nodes of ℓ from the root down (descending ids) and *accumulates* each
/// child's adjoint, `ū += v̄ · ∂v/∂u`, exactly as a numeric backward pass does. Each adjoint is a
/// shared node, so ∂ℓ/∂(every symbol) of an N-layer formula takes O(N) distinct nodes; the
/// readable closed form appears only when a derivative is flattened by ``CanonicalForm``.
///
/// ```swift
/// let gradient = Differentiator(graph: graph).gradient(of: loss, withRespectTo: ["x", "y"])
/// ```
public struct Differentiator {
  /// The graph holding the formula and, afterwards, its derivatives.
  public let graph: ExpressionGraph

  /// Creates a differentiator over `graph`.
  public init(graph: ExpressionGraph) { self.graph = graph }

  /// The adjoint ∂root/∂v of every node v that root depends on.
  public func adjoints(of root: NodeID) -> [NodeID: NodeID] {
    let (adjoint, base) = adjointTable(of: root)
    var result: [NodeID: NodeID] = [:]
    for (index, bar) in adjoint.enumerated() where bar >= 0 {
      result[NodeID(base + index)] = NodeID(Int(bar))
    }
    return result
  }

  /// The backward sweep: for each node index from the lowest root depends on (`base`) up to
  /// root's, the id of its adjoint, or −1. Starting at the lowest keeps the table small for a
  /// small expression late in a large graph (a step's local derivative), which a table from 0
  /// would make as large as the graph, once per step.
  func adjointTable(of root: NodeID) -> (adjoint: [Int32], base: Int) {
    let order = graph.reachable(from: root)
    let base = Int(order.first?.index ?? root.index)
    var adjoint = [Int32](repeating: -1, count: Int(root.index) - base + 1)
    adjoint[Int(root.index) - base] = graph.number(1).index
    /// ū += contribution.
    func accumulate(_ child: NodeID, _ contribution: NodeID) {
      if graph.numberValue(contribution) == 0 { return }
      let existing = adjoint[Int(child.index) - base]
      adjoint[Int(child.index) - base] =
        existing >= 0 ? graph.add(NodeID(Int(existing)), contribution).index : contribution.index
    }
    for node in order.reversed() {
      let index = adjoint[Int(node.index) - base]
      guard index >= 0 else { continue }
      let bar = NodeID(Int(index))
      // The commonest nodes without an array of local derivatives: a sum passes v̄ to each
      // term, a product of two gives each factor v̄ times the other, f(u) gives u v̄·f′(u).
      let slots = graph.operandSlots(node)
      switch graph.kind(node) {
      case .number, .symbol:
        continue
      case .sum:
        for slot in slots { accumulate(graph.operand(atSlot: slot), bar) }
      case .product where slots.count == 2:
        let (a, b) = (graph.operand(atSlot: slots.lowerBound), graph.operand(atSlot: slots.lowerBound + 1))
        accumulate(a, graph.multiply(bar, b))
        accumulate(b, graph.multiply(bar, a))
      case .call where slots.count == 1 && graph.function(of: node)?.arity == 1:
        let argument = graph.operand(atSlot: slots.lowerBound)
        guard let local = graph.function(of: node)?.derivative(at: argument, in: graph) else { continue }
        accumulate(argument, graph.multiply(bar, local))
      case .product, .power, .call:
        for (slot, local) in zip(slots, localDerivatives(of: node)) {
          accumulate(graph.operand(atSlot: slot), graph.multiply(bar, local))
        }
      }
    }
    return (adjoint, base)
  }

  /// ∂root/∂s for each symbol name in `symbols`, in that order (0 where root does not use s).
  public func gradient(of root: NodeID, withRespectTo symbols: [String]) -> [NodeID] {
    let (adjoint, base) = adjointTable(of: root)
    return symbols.map { name in
      let index = Int(graph.symbol(name).index) - base
      return index >= 0 && index < adjoint.count && adjoint[index] >= 0
        ? NodeID(Int(adjoint[index])) : graph.number(0)
    }
  }

  /// ∂root/∂s for one symbol.
  public func derivative(of root: NodeID, withRespectTo symbol: String) -> NodeID {
    gradient(of: root, withRespectTo: [symbol])[0]
  }

  /// ∂v/∂(each child of v), in the order of `graph[v].children`.
  ///
  /// Sum: 1 for each term. Product: the product of the other factors. Power uᵉ: e·u^(e−1)
  /// for the base and uᵉ·log(u) for the exponent (only when it is not a constant).
  public func localDerivatives(of id: NodeID) -> [NodeID] {
    let g = graph
    switch g[id] {
    case .number, .symbol:
      return []
    case .sum(let terms):
      return terms.map { _ in g.number(1) }
    case .product(let factors):
      if factors.count == 2 { return [factors[1], factors[0]] }
      return factors.indices.map { i in
        var others: NodeID? = nil
        for (j, factor) in factors.enumerated() where j != i {
          others = others.map { g.multiply($0, factor) } ?? factor
        }
        return others ?? g.number(1)
      }
    case .power(let base, let exponent):
      let dBase = g.multiply(exponent, g.power(base, g.subtract(exponent, g.number(1))))
      let dExponent = g.numberValue(exponent) != nil ? g.number(0) : g.multiply(id, g.call(.log, [base]))
      return [dBase, dExponent]
    case .call(let function, let arguments):
      return function.partialDerivatives(at: arguments, in: g)
    }
  }
}
