import ChainRuleExpression
import ChainRuleSyntax

extension Function {
  /// The partial derivatives ∂f/∂uᵢ at the arguments `u`, as nodes of `graph`: the
  /// definition's derivative templates (``FunctionDefinition/derivatives``) instantiated.
  public func partialDerivatives<Arguments: RandomAccessCollection<NodeID>>(
    at u: Arguments, in graph: ExpressionGraph
  ) -> [NodeID] where Arguments.Index == Int {
    let arguments = Operands(u)
    return (0..<arity).map { graph.instantiateDerivative($0, of: self, at: arguments) }
  }

  /// f′(x) of a function of one argument, as a node of `graph`; nil for functions of more.
  func derivative(at x: NodeID, in graph: ExpressionGraph) -> NodeID? {
    guard arity == 1 else { return nil }
    return graph.instantiateDerivative(0, of: self, at: x)
  }
}
