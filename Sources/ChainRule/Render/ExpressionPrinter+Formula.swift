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
}
