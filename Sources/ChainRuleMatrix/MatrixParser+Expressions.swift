import ChainRuleSyntax

/// The functions of matrix mode that are not in the scalar table, with their arities.
enum MatrixBuiltins {
  static let arities: [String: ClosedRange<Int>] = [
    "sum": 1...2, "mean": 1...2, "trace": 1...1, "tr": 1...1, "norm": 1...1, "norm2": 1...1, "softmax": 1...1,
    "crossentropy": 2...2, "cross_entropy": 2...2, "transpose": 1...1, "square": 1...1, "dot": 2...2,
    "matmul": 2...2, "maximum": 2...2, "minimum": 2...2, "ones": 2...2, "eye": 1...1,
  ]

  /// Whether `name` calls a function (of the table or of matrix mode).
  static func isFunction(_ name: String) -> Bool {
    arities[name] != nil || Function(named: name) != nil || name == "sigma"
  }
}

extension MatrixParser {
  enum Power {
    static let sum = 10
    static let product = 20
    static let prefix = 30
    static let power = 40
  }

  private static func infix(_ kind: MatrixToken.Kind) -> (Int, MatrixSyntax.Operator)? {
    switch kind {
    case .plus: (Power.sum, .add)
    case .minus: (Power.sum, .subtract)
    case .star: (Power.product, .product)
    case .at: (Power.product, .matmul)
    case .hadamard: (Power.product, .hadamard)
    case .slash: (Power.product, .divide)
    case .caret: (Power.power, .power)
    default: nil
    }
  }

  mutating func parseExpression(_ minimum: Int) throws(MatrixDiagnostic) -> MatrixSyntax {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else {
      throw MatrixDiagnostic(Diagnostic(.nestingTooDeep(limit: Self.maximumDepth), at: current.span))
    }
    var left = try parsePrefix()
    while let extended = try parseInfix(after: left, minimum) { left = extended }
    return left
  }

  private func startsOperand(_ kind: MatrixToken.Kind) -> Bool {
    switch kind {
    case .number, .name, .openParen, .openBracket, .openBrace, .fraction: true
    case .norm: normDepth == 0
    default: false
    }
  }

  private func isNumber(_ kind: MatrixToken.Kind) -> Bool {
    if case .number = kind { return true }
    return false
  }

  private mutating func parseInfix(after left: MatrixSyntax, _ minimum: Int) throws(MatrixDiagnostic) -> MatrixSyntax? {
    let token = current
    if let (power, op) = Self.infix(token.kind) {
      guard power > minimum || (op == .power && power == minimum) else { return nil }
      advance()
      let right = try parseExpression(op == .power ? Power.prefix - 1 : power)
      return .binary(op, left, right, operatorSpan: token.span, span: left.span.merged(with: right.span))
    }
    guard startsOperand(token.kind) else { return nil }
    // In LaTeX, operands side by side multiply: `W^{(1)} x`, `\lambda \|W\|^2`.
    guard readsLaTeX && !isNumber(token.kind) else {
      throw MatrixDiagnostic(Diagnostic(.missingOperator(found: token.describe(in: source)), at: token.span))
    }
    guard Power.product > minimum else { return nil }
    let right = try parseExpression(Power.product)
    let between = SourceSpan(start: left.span.end, end: max(left.span.end, right.span.start))
    return .binary(.product, left, right, operatorSpan: between, span: left.span.merged(with: right.span))
  }

  private mutating func parsePrefix() throws(MatrixDiagnostic) -> MatrixSyntax {
    let token = advance()
    switch token.kind {
    case .minus, .plus:
      let operand = try parseExpression(Power.prefix)
      return token.kind == .minus ? .negate(operand, token.span.merged(with: operand.span)) : operand
    case .number(let value):
      let number = try parsePostfix(.number(value, token.span))
      // `2x`, `2(x + 1)`: a number before a name or a bracket multiplies it.
      guard startsOperand(current.kind), !isNumber(current.kind), !readsLaTeX else { return number }
      let factor = try parseExpression(Power.prefix)
      return .binary(
        .product, number, factor, operatorSpan: SourceSpan(start: token.span.end, end: token.span.end),
        span: token.span.merged(with: factor.span))
    default:
      index -= token.kind == .end ? 0 : 1
      return try parsePostfix(try parsePrimary())
    }
  }

  private mutating func parsePrimary() throws(MatrixDiagnostic) -> MatrixSyntax {
    let token = current
    switch token.kind {
    case .name(var name):
      advance()
      var nameSpan = token.span
      // `np.maximum(h, 0)`, `np.square(d)`: NumPy's prefix is only a namespace.
      if name == "np" && current.kind == .dot, case .name(let inner) = peekKind(1), MatrixBuiltins.isFunction(inner) {
        advance()
        nameSpan = advance().span
        name = inner
      }
      let isVariable = defined.contains(name) || declared.contains(name)
      if !isVariable, !MatrixBuiltins.isFunction(name), current.isOpening, name.count >= 3 {
        // `sinn(x)` looks like a call of a misspelt function.
        let names = Function.allNames + MatrixBuiltins.arities.keys.sorted()
        let suggestion = Suggestion.closest(to: name.lowercased(), among: names)
        if suggestion != nil || !readsLaTeX {
          throw MatrixDiagnostic(Diagnostic(.unknownFunction(name, suggestion: suggestion), at: token.span))
        }
      }
      guard !isVariable, MatrixBuiltins.isFunction(name) else { return .name(name, token.span) }
      if name == "sigma" && !current.isOpening && !readsLaTeX { return .name(name, token.span) }
      if current.isOpening {
        let open = advance()
        let arguments = try parseArguments(after: open)
        return .call(name, arguments, nameSpan: nameSpan, span: token.span.merged(with: tokens[index - 1].span))
      }
      if readsLaTeX, startsOperand(current.kind) || current.kind == .minus {
        if name == "sigma" && !startsOperand(current.kind) { return .name(name, token.span) }
        depth += 1
        defer { depth -= 1 }
        let argument = try parseExpression(Power.product)
        return .call(name, [argument], nameSpan: nameSpan, span: token.span.merged(with: argument.span))
      }
      if name == "sigma" { return .name(name, token.span) }
      throw MatrixDiagnostic(Diagnostic(.functionWithoutArguments(name), at: token.span))
    case .openParen, .openBracket, .openBrace:
      advance()
      let inner = try parseExpression(0)
      try expectClosing(token)
      return inner
    case .norm:
      advance()
      normDepth += 1
      let inner = try parseExpression(0)
      normDepth -= 1
      guard current.kind == .norm else {
        if current.kind == .end || current.kind == .newline {
          throw MatrixDiagnostic(Diagnostic(.unclosedBracket("‖"), at: token.span))
        }
        throw unexpected(expecting: "an operator or '‖' to close the norm")
      }
      var end = advance().span
      // `‖W‖²_F`: a square written before the subscript.
      var squareFirst: MatrixToken? = nil
      if case .superscript = current.kind, peekKind(1) == .underscore { squareFirst = advance() }
      if current.kind == .underscore {
        advance()
        end = try parseNormSubscript()
      }
      var norm = MatrixSyntax.call("norm2", [inner], nameSpan: token.span, span: token.span.merged(with: end))
      if let squareFirst, case .superscript(let k) = squareFirst.kind {
        norm = .binary(
          .power, norm, .number(Double(k), squareFirst.span), operatorSpan: squareFirst.span,
          span: norm.span.merged(with: end))
      }
      return norm
    case .fraction:
      advance()
      let numerator = try parseBraced()
      let denominator = try parseBraced()
      return .binary(
        .divide, numerator, denominator, operatorSpan: token.span, span: token.span.merged(with: denominator.span))
    default:
      throw unexpected(expecting: "a number, a name or '('")
    }
  }

  /// `F`, `2`, `{F}` after `‖…‖_`: the Frobenius norm either way; the span of the subscript.
  private mutating func parseNormSubscript() throws(MatrixDiagnostic) -> SourceSpan {
    if current.kind == .openBrace {
      let open = advance()
      let inner = advance()
      let close = try expectClosing(open)
      guard inner.name == "F" || inner.kind == .number(2) else {
        throw MatrixDiagnostic(
          "only the Frobenius norm ‖·‖_F is known", hint: "write ‖A‖_F or ‖A‖", at: inner.span)
      }
      return close.span
    }
    let inner = advance()
    guard inner.name == "F" || inner.kind == .number(2) else {
      throw MatrixDiagnostic("only the Frobenius norm ‖·‖_F is known", hint: "write ‖A‖_F or ‖A‖", at: inner.span)
    }
    return inner.span
  }

  /// `{…}`, the argument of `\frac`.
  private mutating func parseBraced() throws(MatrixDiagnostic) -> MatrixSyntax {
    guard current.kind == .openBrace else { throw unexpected(expecting: "'{'") }
    let open = advance()
    let inner = try parseExpression(0)
    try expectClosing(open)
    return inner
  }

  /// Transposes, superscript powers and methods after an operand.
  private mutating func parsePostfix(_ operand: MatrixSyntax) throws(MatrixDiagnostic) -> MatrixSyntax {
    var operand = operand
    while true {
      let token = current
      switch token.kind {
      case .transposeMark:
        advance()
        operand = .transpose(operand, operand.span.merged(with: token.span))
      case .superscript(let k):
        advance()
        operand = .binary(
          .power, operand, .number(Double(k), token.span), operatorSpan: token.span,
          span: operand.span.merged(with: token.span))
      case .caret where isTransposeAfterCaret():
        let ahead = peekKind(1) == .openBrace ? 4 : 2
        var end = token.span
        for _ in 0..<ahead { end = advance().span }
        operand = .transpose(operand, operand.span.merged(with: end))
      case .dot:
        guard case .name(let method) = peekKind(1) else { throw unexpected(expecting: "a name") }
        advance()
        let nameToken = advance()
        operand = try parseMethod(method, on: operand, nameToken)
      default:
        return operand
      }
    }
  }

  /// Whether the `^` at the current token writes a transpose: `^T`, `^\top`, `^{T}`, `^{\top}`
  /// (`T` is a transpose unless it names something).
  private func isTransposeAfterCaret() -> Bool {
    func isMark(_ kind: MatrixToken.Kind) -> Bool {
      if kind == .transposeMark { return true }
      if case .name("T") = kind { return !defined.contains("T") && !declared.contains("T") }
      return false
    }
    if isMark(peekKind(1)) { return true }
    return peekKind(1) == .openBrace && isMark(peekKind(2)) && peekKind(3) == .closeBrace
  }

  /// `.T`, `.dot(B)`, `.sum()`, `.sum(axis=0)`, `.mean()`, `.transpose()`, `.max(…)`.
  private mutating func parseMethod(_ method: String, on operand: MatrixSyntax, _ nameToken: MatrixToken)
    throws(MatrixDiagnostic) -> MatrixSyntax
  {
    if method == "T" { return .transpose(operand, operand.span.merged(with: nameToken.span)) }
    guard ["dot", "sum", "mean", "transpose", "max", "min", "trace"].contains(method) else {
      throw MatrixDiagnostic(
        "unknown method '.\(method)'", hint: "matrix mode knows .T, .dot(…), .sum(…), .mean(…), .transpose()",
        at: nameToken.span)
    }
    guard current.isOpening else { throw unexpected(expecting: "'(' after .\(method)") }
    let open = advance()
    let arguments = try parseArguments(after: open)
    let span = operand.span.merged(with: tokens[index - 1].span)
    if method == "dot" {
      guard arguments.count == 1 else {
        throw MatrixDiagnostic(
          Diagnostic(.wrongArgumentCount(function: "dot", expected: 1, found: arguments.count), at: nameToken.span))
      }
      return .binary(.matmul, operand, arguments[0], operatorSpan: nameToken.span, span: span)
    }
    return .call(method, [operand] + arguments, nameSpan: nameToken.span, span: span)
  }

  private mutating func parseArguments(after open: MatrixToken) throws(MatrixDiagnostic) -> [MatrixSyntax] {
    var arguments: [MatrixSyntax] = []
    if current.isClosing {
      try expectClosing(open)
      return arguments
    }
    while true {
      if let keyword = current.name, peekKind(1) == .equals {
        let start = advance().span
        advance()
        let value = try parseExpression(0)
        arguments.append(.keyword(keyword, value, start.merged(with: value.span)))
      } else {
        arguments.append(try parseExpression(0))
      }
      if current.kind == .comma {
        advance()
        continue
      }
      try expectClosing(open)
      return arguments
    }
  }

  @discardableResult
  private mutating func expectClosing(_ open: MatrixToken) throws(MatrixDiagnostic) -> MatrixToken {
    let pairs: [(MatrixToken.Kind, MatrixToken.Kind, String, String)] = [
      (.openParen, .closeParen, "(", ")"), (.openBracket, .closeBracket, "[", "]"), (.openBrace, .closeBrace, "{", "}"),
    ]
    let pair = pairs.first { $0.0 == open.kind } ?? pairs[0]
    if current.kind == pair.1 { return advance() }
    if current.isClosing {
      let found = String(current.describe(in: source).dropFirst().dropLast())
      throw MatrixDiagnostic(Diagnostic(.mismatchedBracket(expected: pair.3, found: found), at: current.span))
    }
    if current.kind == .end || current.kind == .newline {
      throw MatrixDiagnostic(Diagnostic(.unclosedBracket(pair.2), at: open.span))
    }
    throw unexpected(expecting: "an operator or '\(pair.3)'")
  }
}
