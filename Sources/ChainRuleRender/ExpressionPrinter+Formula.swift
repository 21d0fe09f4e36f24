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

extension ExpressionPrinter {
  /// The number of operations in a printed plain formula: each `+ - * / ^` and each call.
  ///
  /// Counts what a reader sees, as SymPy's `count_ops` does: `a - b` is one operation, `-a` one,
  /// `a/b` one. The sign of a number's exponent (`1e-05`) is not an operation.
  public static func operationCount(ofPlain text: String) -> Int {
    var count = 0
    var previous: Character = " "
    var beforePrevious: Character = " "
    for character in text {
      switch character {
      case "+", "-":
        let isExponentSign = (previous == "e" || previous == "E") && beforePrevious.isNumber
        if !isExponentSign { count += 1 }
      case "*", "/", "^": count += 1
      case "(":
        if previous.isLetter { count += 1 }
      default: break
      }
      if character != " " {
        beforePrevious = previous
        previous = character
      }
    }
    return count
  }

  /// Counts operations as printed in plain text, for nodes of any of `graphs`: the argument
  /// ``Trace/init(program:parameters:point:printedOperations:)`` takes.
  ///
  /// Keeps one printer per graph, so the many small expressions of a trace that share parts are
  /// formatted once, not once per question.
  public static func plainOperationCounter(for graphs: [ExpressionGraph]) -> (ExpressionGraph, NodeID) -> Int {
    let printers = graphs.map { ExpressionPrinter(graph: $0, notation: .plain) }
    return { graph, id in
      let printer = printers.first { $0.graph === graph } ?? ExpressionPrinter(graph: graph, notation: .plain)
      return operationCount(ofPlain: printer.string(id))
    }
  }
}
