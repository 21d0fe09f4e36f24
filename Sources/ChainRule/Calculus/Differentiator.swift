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
    let order = graph.reachable(from: root)
    var adjoint: [NodeID: NodeID] = [root: graph.number(1)]
    for node in order.reversed() {
      guard let bar = adjoint[node] else { continue }
      let children = graph[node].children
      let locals = localDerivatives(of: node)
      for (child, local) in zip(children, locals) {
        let contribution = graph.multiply(bar, local)
        if graph.numberValue(contribution) == 0 { continue }
        adjoint[child] = adjoint[child].map { graph.add($0, contribution) } ?? contribution
      }
    }
    return adjoint
  }

  /// ∂root/∂s for each symbol name in `symbols`, in that order (0 where root does not use s).
  public func gradient(of root: NodeID, withRespectTo symbols: [String]) -> [NodeID] {
    let adjoint = adjoints(of: root)
    return symbols.map { adjoint[graph.symbol($0)] ?? graph.number(0) }
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
      return factors.indices.map { i in
        g.product(factors.enumerated().filter { $0.offset != i }.map(\.element))
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
