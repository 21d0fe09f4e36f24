/// Function calls: `sin(x)`, `max[a, b]`, and in LaTeX `\sin x` without brackets.
extension Parser {
  /// `sin(x)`, `max[a, b]`; in LaTeX also `\sin x`.
  mutating func parseCall(_ function: Function, _ token: Token) throws(Diagnostic) -> SyntaxTree {
    guard current.isOpening else { return try parseCallWithoutBrackets(function, token) }
    let open = advance()
    let arguments = try parseArguments(after: open)
    let span = token.span.merged(with: tokens[index - 1].span)
    guard arguments.count == function.arity else { throw wrongArgumentCount(function, arguments.count, span) }
    return .call(function, arguments, span)
  }

  /// In LaTeX a function may take one factor without brackets: `\sin x`, `\log 2x`, `\exp -x^2`.
  private mutating func parseCallWithoutBrackets(_ function: Function, _ token: Token) throws(Diagnostic)
    -> SyntaxTree
  {
    let kind = current.kind
    guard readsLaTeX && function.arity == 1 && (startsOperand(kind) || kind == .minus || kind == .plus) else {
      throw Diagnostic(.functionWithoutArguments(function.name), at: token.span)
    }
    depth += 1  // counted like an argument list, so `\sin \sin … x` meets the limit in time
    defer { depth -= 1 }
    let argument = try parseExpression(Power.product)
    return .call(function, [argument], token.span.merged(with: argument.span))
  }

  private func wrongArgumentCount(_ function: Function, _ count: Int, _ span: SourceSpan) -> Diagnostic {
    Diagnostic(.wrongArgumentCount(function: function.name, expected: function.arity, found: count), at: span)
  }

  mutating func parseArguments(after open: Token) throws(Diagnostic) -> [SyntaxTree] {
    numberMayMultiply = true
    openGroups += 1
    defer { openGroups -= 1 }
    var arguments: [SyntaxTree] = []
    if closes(open, current.kind) {
      _ = advance()
      return arguments
    }
    while true {
      arguments.append(try parseExpression(0))
      if current.kind == .comma {
        _ = advance()
        continue
      }
      _ = try expectClosing(open)
      return arguments
    }
  }
}
