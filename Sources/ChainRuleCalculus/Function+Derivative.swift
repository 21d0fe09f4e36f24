import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

extension Function {
  /// The partial derivatives ∂f/∂uᵢ at the arguments `u`, as nodes of `graph`.
  ///
  /// sin′ = cos, cos′ = −sin, tan′ = 1/cos², exp′ = exp, log′(u) = 1/u, sqrt′(u) = 1/(2·sqrt(u)),
  /// tanh′ = 1 − tanh², σ′ = σ·(1 − σ), softplus′ = σ, relu′ = 𝟙[u > 0], abs′ = sign,
  /// atan′(u) = 1/(1 + u²), sinh′ = cosh, cosh′ = sinh, asin′(u) = (1 − u²)^−½,
  /// acos′(u) = −(1 − u²)^−½, step′ = sign′ = 0 (away from 0).
  /// Kinks follow one convention: relu′(0) = 0 and abs′(0) = 0 (as PyTorch), and max/min pick
  /// their first argument on ties: ∂max(a, b)/∂a = 1 − 𝟙[b − a > 0], ∂max/∂b = 𝟙[b − a > 0].
  public func partialDerivatives<Arguments: RandomAccessCollection<NodeID>>(
    at u: Arguments, in graph: ExpressionGraph
  ) -> [NodeID] where Arguments.Index == Int {
    if let derivative = derivative(at: u[0], in: graph) { return [derivative] }
    let g = graph
    let x = u[0]
    switch self {
    case .max, .min:
      // max picks a unless b > a; min picks a unless a > b.
      let b = u[1]
      let pickSecond = self == .max ? g.call(.step, [g.subtract(b, x)]) : g.call(.step, [g.subtract(x, b)])
      return [g.subtract(g.number(1), pickSecond), pickSecond]
    default: return []  // every other function takes one argument, answered above
    }
  }

  /// f′(x) of a function of one argument, as a node of `graph`; nil for `max` and `min`, which
  /// take two (see ``partialDerivatives(at:in:)``).
  func derivative(at x: NodeID, in graph: ExpressionGraph) -> NodeID? {
    let g = graph
    switch self {
    case .sin: return g.call(.cos, x)
    case .cos: return g.negate(g.call(.sin, x))
    case .tan: return g.power(g.call(.cos, x), g.number(-2))
    case .exp: return g.call(.exp, x)
    case .log: return g.power(x, g.number(-1))
    case .sqrt: return g.divide(g.number(1), g.multiply(g.number(2), g.call(.sqrt, x)))
    case .tanh: return g.subtract(g.number(1), g.power(g.call(.tanh, x), g.number(2)))
    case .sigmoid:
      let s = g.call(.sigmoid, x)
      return g.multiply(s, g.subtract(g.number(1), s))
    case .softplus: return g.call(.sigmoid, x)
    case .relu: return g.call(.step, x)
    case .abs: return g.call(.sign, x)
    case .atan: return g.power(g.add(g.number(1), g.power(x, g.number(2))), g.number(-1))
    case .sinh: return g.call(.cosh, x)
    case .cosh: return g.call(.sinh, x)
    case .asin, .acos:
      let root = g.power(g.subtract(g.number(1), g.power(x, g.number(2))), g.number(-0.5))
      return self == .asin ? root : g.negate(root)
    case .step, .sign: return g.number(0)
    case .max, .min: return nil
    }
  }
}
