/// The Unicode math ChainRule prints, read back as input: `|x − y|`, `√x`, `𝟙[h > 0]`.
/// (Superscript exponents, `x²` and `x⁻¹`, are postfix operators in ``Parser/parseExpression(_:)``.)
extension Parser {
  /// `|u|` is abs(u); the bar that closes it is the first one not inside brackets.
  mutating func parseAbsoluteValue(_ open: Token) throws(Diagnostic) -> SyntaxTree {
    numberMayMultiply = true
    openGroups += 1
    defer { openGroups -= 1 }
    let inner = try parseExpression(0)
    guard current.kind == .bar else {
      if current.kind == .end || current.kind == .newline {
        throw Diagnostic(.unclosedBracket("|"), at: open.span)
      }
      throw unexpected(expecting: "an operator or '|'")
    }
    let close = advance()
    return .call(.abs, [inner], open.span.merged(with: close.span))
  }

  /// `√u` is sqrt(u) of the operand that follows, as `-` takes one: `√x`, `√(x + 1)`, `√x·y` is
  /// (√x)·y.
  mutating func parseSquareRoot(_ root: Token) throws(Diagnostic) -> SyntaxTree {
    let operand = try parseExpression(Power.prefix)
    return .call(.sqrt, [operand], root.span.merged(with: operand.span))
  }

  /// `𝟙[a > b]` is step(a − b): 1 where a > b, else 0 (`𝟙[h > 0]` is step(h)).
  mutating func parseIndicator(_ indicator: Token) throws(Diagnostic) -> SyntaxTree {
    guard current.kind == .openBracket || current.kind == .openParen else {
      throw unexpected(expecting: "'[' after '𝟙', as in 𝟙[x > 0]")
    }
    let open = advance()
    openGroups += 1
    defer { openGroups -= 1 }
    let left = try parseExpression(0)
    guard current.kind == .greater else { throw unexpected(expecting: "'>' in 𝟙[… > …]") }
    _ = advance()
    let right = try parseExpression(0)
    let closing: Token.Kind = open.kind == .openBracket ? .closeBracket : .closeParen
    guard current.kind == closing else {
      throw unexpected(expecting: "an operator or '\(closing == .closeBracket ? "]" : ")")'")
    }
    let close = advance()
    let span = indicator.span.merged(with: close.span)
    if case .number(0, _) = right { return .call(.step, [left], span) }
    return .call(.step, [.binary(.subtract, left, right, left.span.merged(with: right.span))], span)
  }
}
