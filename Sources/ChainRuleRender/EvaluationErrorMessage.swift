import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSyntax

extension EvaluationError {
  /// What went wrong, as a learner reads it: the subexpression without a value and why, e.g.
  /// `log(x) is undefined: log needs a positive argument, but here its argument is −2`.
  ///
  /// - Parameters:
  ///   - printer: Prints the failing subexpression (of the graph the error's node is in).
  ///   - notation: The notation of the numbers.
  public func message(printer: ExpressionPrinter, notation: Notation) -> String {
    switch self {
    case .unboundSymbol(let name):
      return "no value for '\(name)'; add \(name)=… to --at"
    case .domain(let domain, let node):
      let text = printer.abbreviated(node, characters: 120)
      switch domain {
      case .outsideDomain(let function, let argument, let domainText):
        return
          "\(text) is undefined: \(function) needs \(domainText), but here its argument is \(ValueFormat.text(argument, notation))"
      case .divisionByZero:
        return "division by zero in \(text)"
      case .negativeBaseFractionalPower(let base, let exponent):
        return
          "\(text) is undefined: a negative base (\(ValueFormat.text(base, notation))) to a fractional power (\(ValueFormat.text(exponent, notation)))"
      case .overflow:
        return "\(text) overflows: its value is too large for a 64-bit float"
      }
    }
  }
}
