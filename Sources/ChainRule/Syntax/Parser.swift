/// A hand-written Pratt parser for ChainRule's formula grammar.
///
/// Precedence, from loosest to tightest: `+ −`, `· /` (and a number directly before a name or
/// bracket, `2x`), unary `−`/`+`, `^`. `^` is right-associative and binds tighter than unary minus:
/// `2^3^2` = 2⁹ and `-x^2` = −(x²); its right side may carry a sign (`x^-1`).
///
/// ```swift
/// let program = try Parser.parse("f = beta0 + omega0*x\nl = (f - y)^2")
/// ```
public struct Parser {
  /// The deepest nesting of brackets and calls accepted before a diagnostic.
  public static let maximumDepth = 2_000
  /// The largest input accepted, in bytes.
  public static let maximumInputBytes = 4_000_000

  private let source: String
  private let tokens: [Token]
  private var index = 0
  private var depth = 0
  private var defined: Set<String> = []

  private init(source: String, tokens: [Token]) {
    self.source = source
    self.tokens = tokens
  }

  /// Parses `source` into a program of one or more definitions.
  ///
  /// - Parameter source: A formula, or lines `name = formula` (separated by line breaks or `;`).
  /// - Returns: The parsed program.
  /// - Throws: ``Diagnostic`` for the first problem found.
  public static func parse(_ source: String) throws(Diagnostic) -> Program {
    let bytes = source.utf8.count
    guard bytes <= maximumInputBytes else {
      throw Diagnostic(
        .inputTooLarge(bytes: bytes, limit: maximumInputBytes), at: SourceSpan(start: 0, end: 0))
    }
    var lexer = Lexer(source)
    let tokens = try lexer.tokenize()
    var parser = Parser(source: source, tokens: tokens)
    return try parser.parseProgram()
  }

  /// The canonical spelling of a single name as typed (`β₀`, `beta_0` → `beta0`), or nil if
  /// `text` is not exactly one name.
  public static func canonicalName(_ text: String) -> String? {
    var lexer = Lexer(text.trimmingSpaces())
    guard let tokens = try? lexer.tokenize(), tokens.count == 2,
      case .name(let name) = tokens[0].kind
    else { return nil }
    return name
  }

  private var current: Token { tokens[index] }

  private func peekKind(_ ahead: Int) -> Token.Kind {
    let i = index + ahead
    return i < tokens.count ? tokens[i].kind : .end
  }

  private mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  private mutating func parseProgram() throws(Diagnostic) -> Program {
    var definitions: [Definition] = []
    skipNewlines()
    while current.kind != .end {
      let definition = try parseLine()
      if let last = definitions.last, last.name == nil {
        throw Diagnostic(
          .expected("a definition 'name = …' (only the last line may be a bare formula)", found: "a formula"),
          at: last.body.span)
      }
      definitions.append(definition)
      switch current.kind {
      case .newline: skipNewlines()
      case .end: break
      default: throw unexpected(expecting: "an operator or the end of the line")
      }
    }
    guard !definitions.isEmpty else {
      throw Diagnostic(.emptyInput, at: SourceSpan(start: 0, end: source.utf8.count))
    }
    return Program(definitions: definitions, source: source)
  }

  private mutating func skipNewlines() {
    while current.kind == .newline { _ = advance() }
  }

  /// A line is `name = body`, `name[args] = body`, or (last line only) a bare formula.
  private mutating func parseLine() throws(Diagnostic) -> Definition {
    if case .name(let name) = current.kind, let bodyStart = definitionBodyStart() {
      let nameSpan = current.span
      if defined.contains(name) { throw Diagnostic(.redefinition(name), at: nameSpan) }
      if Function(named: name) != nil {
        throw Diagnostic(.expected("a name that is not a function", found: "'\(name)'"), at: nameSpan)
      }
      index = bodyStart
      let body = try parseExpression(0)
      if Self.uses(name, in: body) { throw Diagnostic(.selfReference(name), at: nameSpan) }
      defined.insert(name)
      return Definition(name: name, nameSpan: nameSpan, body: body)
    }
    return Definition(name: nil, nameSpan: nil, body: try parseExpression(0))
  }

  /// If the tokens from here read `name =` or `name[…] =`, the index just after `=`.
  private func definitionBodyStart() -> Int? {
    var i = index + 1
    if i < tokens.count, tokens[i].isOpening {
      var level = 0
      while i < tokens.count {
        let kind = tokens[i].kind
        if tokens[i].isOpening { level += 1 }
        if kind == .closeParen || kind == .closeBracket || kind == .closeBrace { level -= 1 }
        if kind == .end || kind == .newline { return nil }
        i += 1
        if level == 0 { break }
      }
    }
    return i < tokens.count && tokens[i].kind == .equals ? i + 1 : nil
  }

  private static func uses(_ name: String, in tree: SyntaxTree) -> Bool {
    var stack = [tree]
    while let node = stack.popLast() {
      switch node {
      case .number: break
      case .name(let other, _): if other == name { return true }
      case .negate(let operand, _): stack.append(operand)
      case .binary(_, let left, let right, _): stack.append(contentsOf: [left, right])
      case .call(_, let arguments, _): stack.append(contentsOf: arguments)
      }
    }
    return false
  }

  // MARK: Pratt core

  private enum Power {
    static let sum = 10
    static let product = 20
    static let prefix = 30
    static let power = 40
  }

  private func infixPower(of kind: Token.Kind) -> Int? {
    switch kind {
    case .plus, .minus: Power.sum
    case .star, .slash: Power.product
    case .caret: Power.power
    default: nil
    }
  }

  private mutating func parseExpression(_ minimumPower: Int) throws(Diagnostic) -> SyntaxTree {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else {
      throw Diagnostic(.nestingTooDeep(limit: Self.maximumDepth), at: current.span)
    }
    var left = try parsePrefix()
    while true {
      let token = current
      if let power = infixPower(of: token.kind) {
        guard power > minimumPower || (token.kind == .caret && power == minimumPower) else { break }
        _ = advance()
        // `^` is right-associative and its exponent may be signed: `x^-2`, `2^3^2`.
        let right =
          token.kind == .caret ? try parseExpression(Power.prefix - 1) : try parseExpression(power)
        let op: SyntaxTree.Operator =
          switch token.kind {
          case .plus: .add
          case .minus: .subtract
          case .star: .multiply
          case .slash: .divide
          default: .power
          }
        left = .binary(op, left, right, left.span.merged(with: right.span))
        continue
      }
      if startsOperand(token.kind) {
        throw Diagnostic(.missingOperator(found: token.describe(in: source)), at: token.span)
      }
      break
    }
    return left
  }

  private func startsOperand(_ kind: Token.Kind) -> Bool {
    switch kind {
    case .number, .name, .openParen, .openBracket, .openBrace: true
    default: false
    }
  }

  private mutating func parsePrefix() throws(Diagnostic) -> SyntaxTree {
    let token = advance()
    switch token.kind {
    case .number(let value):
      let number = SyntaxTree.number(value, token.span)
      // A number directly followed by a name or a bracket multiplies: `2x`, `2(x + 1)`, `2x^2`.
      guard startsOperand(current.kind), !current.kind.isNumber else { return number }
      let factor = try parseExpression(Power.prefix)
      return .binary(.multiply, number, factor, token.span.merged(with: factor.span))
    case .minus, .plus:
      let operand = try parseExpression(Power.prefix)
      let span = token.span.merged(with: operand.span)
      return token.kind == .minus ? .negate(operand, span) : operand
    case .openParen, .openBracket, .openBrace:
      let inner = try parseExpression(0)
      _ = try expectClosing(token)
      return inner
    case .name(let name):
      return try parseName(name, token: token)
    default:
      index -= token.kind == .end ? 0 : 1
      throw unexpected(expecting: "a number, a name or '('", at: token)
    }
  }

  private mutating func parseName(_ name: String, token: Token) throws(Diagnostic) -> SyntaxTree {
    let function = name == "sigma" && current.isOpening ? .sigmoid : Function(named: name)
    if let function {
      guard current.isOpening else {
        throw Diagnostic(.functionWithoutArguments(function.name), at: token.span)
      }
      let open = advance()
      let arguments = try parseArguments(after: open)
      let close = tokens[index - 1]
      let span = token.span.merged(with: close.span)
      guard arguments.count == function.arity else {
        throw Diagnostic(
          .wrongArgumentCount(function: function.name, expected: function.arity, found: arguments.count),
          at: span)
      }
      return .call(function, arguments, span)
    }
    if current.isOpening {
      if defined.contains(name) {
        // `f[x, φ]` refers to the definition of `f`; its argument list is only notation.
        let open = advance()
        _ = try parseArguments(after: open)
        return .name(name, token.span)
      }
      if let suggestion = Function.suggestion(for: name) {
        throw Diagnostic(.unknownFunction(name, suggestion: suggestion), at: token.span)
      }
      throw Diagnostic(.missingOperator(found: current.describe(in: source)), at: current.span)
    }
    return .name(name, token.span)
  }

  private mutating func parseArguments(after open: Token) throws(Diagnostic) -> [SyntaxTree] {
    depth += 1
    defer { depth -= 1 }
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

  private func closes(_ open: Token, _ kind: Token.Kind) -> Bool {
    switch (open.kind, kind) {
    case (.openParen, .closeParen), (.openBracket, .closeBracket), (.openBrace, .closeBrace): true
    default: false
    }
  }

  private static func closing(for open: Token) -> String {
    switch open.kind {
    case .openParen: ")"
    case .openBracket: "]"
    default: "}"
    }
  }

  private mutating func expectClosing(_ open: Token) throws(Diagnostic) -> Token {
    if closes(open, current.kind) { return advance() }
    switch current.kind {
    case .closeParen, .closeBracket, .closeBrace:
      throw Diagnostic(
        .mismatchedBracket(expected: Self.closing(for: open), found: String(current.describe(in: source).dropFirst().dropLast())),
        at: current.span)
    case .end, .newline:
      throw Diagnostic(.unclosedBracket(String(open.describe(in: source).dropFirst().dropLast())), at: open.span)
    default:
      throw unexpected(expecting: "an operator or '\(Self.closing(for: open))'")
    }
  }

  private func unexpected(expecting what: String, at token: Token? = nil) -> Diagnostic {
    let token = token ?? current
    switch token.kind {
    case .closeParen, .closeBracket, .closeBrace:
      if what.hasPrefix("an operator or the end") {
        let text = String(token.describe(in: source).dropFirst().dropLast())
        return Diagnostic(.unmatchedClosingBracket(text), at: token.span)
      }
    default: break
    }
    return Diagnostic(.expected(what, found: token.describe(in: source)), at: token.span)
  }
}

extension String {
  func trimmingSpaces() -> String {
    String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }
}

extension Token.Kind {
  fileprivate var isNumber: Bool {
    if case .number = self { return true }
    return false
  }
}
