import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

extension Formula {
  /// A printer for this formula's graph.
  public func printer(_ notation: Notation, brackets: ExpressionPrinter.Brackets = .square)
    -> ExpressionPrinter
  {
    ExpressionPrinter(graph: graph, notation: notation, brackets: brackets)
  }
}
