import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// Binding strength of printed forms, shared by every printer so parentheses appear exactly
/// where the parser needs them (as SymPy's `printing/precedence.py`: Add < Mul < Pow).
enum Precedence {
  /// `a + b`, `a − b`.
  static let sum = 10
  /// A product led by a minus sign, or a negative number: `−2·x`.
  static let negative = 15
  /// `a·b`, `a/b`.
  static let product = 20
  /// `a^b`.
  static let power = 40
  /// Names, non-negative numbers, calls and bracketed groups.
  static let atom = 100
}
