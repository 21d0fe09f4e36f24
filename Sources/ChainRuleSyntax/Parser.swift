import ChainRuleSupport

/// A hand-written Pratt parser for ChainRule's formula grammar, in plain text or LaTeX.
///
/// Precedence, from loosest to tightest: `+ −`, `· /` (and a number directly before a name or
/// bracket, `2x`), unary `−`/`+`, `^`. `^` is right-associative and binds tighter than unary minus:
/// `2^3^2` = 2⁹ and `-x^2` = −(x²); its right side may carry a sign (`x^-1`).
///
/// LaTeX input is turned into the same tokens by `LaTeXLexer` and read by the same rules, with
/// two additions: operands side by side multiply, at the precedence of `·` (`\omega_1 x`,
/// `\sin[x] \cos[x]`), and a function without brackets takes one factor as its argument
/// (`\sin x`, `\log 2x`, `\exp x^2`; `\sin x \cos y` is sin(x)·cos(y)).
///
/// ```swift
/// let program = try Parser.parse("f = beta0 + omega0*x\nl = (f - y)^2")
/// let same = try Parser.parse("f = \\beta_0 + \\omega_0 x \\\\ \\ell = (f - y)^2", syntax: .latex)
/// ```
public struct Parser {
  /// The deepest nesting accepted before a diagnostic: one level per bracket, call, sign or
  /// exponent around a token, so `sin((x))` is three levels deep. The parser recurses once per
  /// level, on a ``LargeStack`` thread for deep input.
  public static let maximumDepth = 100_000
  /// The largest input accepted, in bytes.
  public static let maximumInputBytes = 4_000_000

  private let source: String
  let tokens: [Token]
  /// The names the `.name` tokens refer to.
  private let names: [String]
  var index = 0
  /// Nesting of the expression being parsed: 0 at the top of a line, +1 per bracket, call,
  /// sign or exponent around the current token.
  var depth = -1
  /// The deepest `depth` reached.
  private var deepest = 0
  /// Open brackets around the current token, to tell a stray `)` from an empty group.
  var openGroups = 0
  /// Whether a number here may multiply the name or bracket after it (`2x`): not in an
  /// exponent, where `x^2 y` would otherwise silently read as x^(2y).
  var numberMayMultiply = true
  private var defined: Set<String> = []
  /// Every name used in a formula, in order (checked for use before definition).
  private var nameUses: [(name: String, span: SourceSpan)] = []
  /// False inside the argument list of a reference, `f[x, φ]`: only notation, no use.
  private var notesUses = true
  /// The spans of the `e`s read as Euler's number, so `e^u` reads as exp(u).
  private var eulerSpans: Set<SourceSpan> = []
  /// The name on the left of the line being parsed, and whether its body has used it.
  private var definingName: String? = nil
  private var bodyUsesDefiningName = false
  /// LaTeX input: side-by-side operands multiply and functions may go without brackets.
  let readsLaTeX: Bool
  /// See ``argumentLists(in:)``.
  private let argumentLists: [Int: Int]

  private init(source: String, tokens: [Token], names: [String], readsLaTeX: Bool) {
    self.source = source
    self.tokens = tokens
    self.names = names
    self.readsLaTeX = readsLaTeX
    self.argumentLists = Self.argumentLists(in: tokens)
  }

  /// Parses `source` into a program of one or more definitions, in the syntax it is written in:
  /// LaTeX if it holds a backslash command, plain otherwise (see ``InputSyntax/auto``).
  ///
  /// - Parameter source: A formula, or lines `name = formula` (separated by line breaks or `;`).
  /// - Returns: The parsed program.
  /// - Throws: ``Diagnostic`` for the first problem found.
  public static func parse(_ source: String) throws(Diagnostic) -> Program {
    try parse(source, syntax: .auto)
  }

  /// Parses `source` written in `syntax` into a program of one or more definitions.
  ///
  /// ```swift
  /// let book = #"f[x, \phi] = \beta_1 + \omega_1 \cdot \sin[\beta_0 + \omega_0 \cdot x]"#
  /// let program = try Parser.parse(book, syntax: .latex)
  /// ```
  ///
  /// - Parameters:
  ///   - source: A formula, or lines `name = formula` (separated by line breaks, `;`, or `\\` in
  ///     LaTeX).
  ///   - syntax: `.plain`, `.latex`, or `.auto` to choose by the text (``InputSyntax/resolved(for:)``).
  /// - Returns: The parsed program; its spans point into `source` whatever the syntax.
  /// - Throws: ``Diagnostic`` for the first problem found, including an unsupported LaTeX command.
  public static func parse(_ source: String, syntax: InputSyntax) throws(Diagnostic) -> Program {
    let bytes = source.utf8.count
    guard bytes <= maximumInputBytes else {
      throw Diagnostic(
        .inputTooLarge(bytes: bytes, limit: maximumInputBytes), at: SourceSpan(start: 0, end: 0))
    }
    let readsLaTeX = syntax.resolved(for: source) == .latex
    let tokens: [Token]
    let names: [String]
    if readsLaTeX {
      var lexer = LaTeXLexer(source)
      tokens = try lexer.tokenize()
      names = lexer.names
    } else {
      var lexer = Lexer(source)
      tokens = try lexer.tokenize()
      names = lexer.names
    }
    var parser = Parser(source: source, tokens: tokens, names: names, readsLaTeX: readsLaTeX)
    // Deep nesting recurses deeply: give it a stack that the nesting limit cannot exhaust,
    // whatever thread the caller is on.
    guard Self.mayNestDeeply(tokens) else { return try parser.parseProgram() }
    let result = LargeStack.run { () -> Result<Program, Diagnostic> in
      do throws(Diagnostic) {
        return .success(try parser.parseProgram())
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// Whether the tokens could nest more than a small thread's stack holds: many openings,
  /// signs, carets or names (each can open a level of recursion: a LaTeX function name takes
  /// its argument without brackets, `\sin \sin x`).
  private static func mayNestDeeply(_ tokens: [Token]) -> Bool {
    var levels = 0
    for token in tokens {
      switch token.kind {
      case .openParen, .openBracket, .openBrace, .caret, .minus, .plus, .name: levels += 1
      default: break
      }
      if levels > 150 { return true }
    }
    return false
  }

  var current: Token { tokens[index] }

  /// The name a `.name` token stands for; nil for other tokens.
  private func name(of token: Token) -> String? {
    guard case .name(let index) = token.kind else { return nil }
    return names[Int(index)]
  }

  private func peekKind(_ ahead: Int) -> Token.Kind {
    let i = index + ahead
    return i < tokens.count ? tokens[i].kind : .end
  }

  mutating func advance() -> Token {
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
    if definitions.count > 1 { try refuseUseBeforeDefinition(definitions) }
    return Program(definitions: definitions, source: source, depth: deepest)
  }

  /// Lines are read in order: a name used on a line before the line that defines it is refused
  /// (`a = 1 + b; b = x`), with the caret under its first use. The uses were noted while
  /// parsing (``reference(_:_:)``); a formula of one line has nothing to check.
  private func refuseUseBeforeDefinition(_ definitions: [Definition]) throws(Diagnostic) {
    var definedAt: [String: SourceSpan] = [:]
    for definition in definitions {
      if let name = definition.name, let span = definition.nameSpan, definedAt[name] == nil { definedAt[name] = span }
    }
    for use in nameUses {
      guard let nameSpan = definedAt[use.name], use.span.start < nameSpan.start else { continue }
      throw Diagnostic(
        .usedBeforeDefinition(use.name, useLine: line(of: use.span.start), definitionLine: line(of: nameSpan.start)),
        at: use.span)
    }
  }

  private mutating func skipNewlines() {
    while current.kind == .newline { _ = advance() }
  }

  /// A line is `name = body`, `name[args] = body`, or (last line only) a bare formula.
  private mutating func parseLine() throws(Diagnostic) -> Definition {
    if let name = name(of: current), let bodyStart = definitionBodyStart() {
      let nameSpan = current.span
      if defined.contains(name) { throw Diagnostic(.redefinition(name), at: nameSpan) }
      if Function(named: name) != nil {
        throw Diagnostic(.expected("a name that is not a function", found: "'\(name)'"), at: nameSpan)
      }
      index = bodyStart
      definingName = name
      bodyUsesDefiningName = false
      let body = try parseExpression(0)
      definingName = nil
      if bodyUsesDefiningName { throw Diagnostic(.selfReference(name), at: nameSpan) }
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

  /// A name in the formula, noting whether it is the name being defined (`f = f + 1`) or not
  /// defined yet. `e` and `pi` (`π`, `\pi`) not defined by a line are the constants e and π.
  private mutating func reference(_ name: String, _ span: SourceSpan) -> SyntaxTree {
    if let definingName, name.utf8.count == definingName.utf8.count && name == definingName {
      bodyUsesDefiningName = true
    }
    if notesUses { nameUses.append((name, span)) }
    // e and π stay names (`2·π·r` prints as written); the evaluator gives them their values.
    if name == "e" { eulerSpans.insert(span) }
    return .name(name, span)
  }

  /// The names that stand for constants unless a line defines them, and their values: they are
  /// not variables of a formula, and evaluation gives them these values.
  public static let constants: [String: Double] = ["e": 2.718281828459045, "pi": Double.pi]

  /// Whether `name` is one of ``constants``, without hashing it.
  public static func isConstantName(_ name: String) -> Bool {
    let count = name.utf8.count
    return (count == 1 && name == "e") || (count == 2 && name == "pi")
  }

  /// The line of the UTF-8 offset `offset`, from 1: the source's own lines, or for a one-line
  /// source its `;`-separated parts (the lines of the program, as in `a = b; b = x`).
  private func line(of offset: Int) -> Int {
    let bytes = source.utf8
    if bytes.contains(UInt8(ascii: "\n")) {
      return 1 + bytes.prefix(offset).lazy.filter { $0 == UInt8(ascii: "\n") }.count
    }
    return 1 + tokens.lazy.filter { $0.kind == .newline && $0.span.end <= offset }.count
  }

  // MARK: Pratt core

  enum Power {
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

  // The recursive functions below keep their frames small (errors are built in helpers), so the
  // nesting limit is reached before an 8 MB stack runs out, even in a debug build.

  mutating func parseExpression(_ minimumPower: Int) throws(Diagnostic) -> SyntaxTree {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else { throw nestingTooDeep() }
    deepest = max(deepest, depth)
    if depth > 0 && depth % Self.levelsPerStack == 0 { return try parseLevelOnFreshStack(minimumPower) }
    return try parseLevel(minimumPower)
  }

  /// Levels parsed on one thread's stack before the parser goes on on a fresh ``LargeStack``
  /// thread: a level costs up to about 7 KB of stack in a debug build, so 100,000 levels would
  /// not fit one 512 MB stack, while 2,000 fit even the smallest stack `LargeStack` falls back to.
  private static let levelsPerStack = 2_000

  /// ``parseLevel(_:)`` on a new thread with a large stack, waited for.
  private mutating func parseLevelOnFreshStack(_ minimumPower: Int) throws(Diagnostic) -> SyntaxTree {
    let result = LargeStack.run { () -> Result<SyntaxTree, Diagnostic> in
      do throws(Diagnostic) {
        return .success(try parseLevel(minimumPower))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// One level: an operand and the operators that extend it.
  private mutating func parseLevel(_ minimumPower: Int) throws(Diagnostic) -> SyntaxTree {
    var left = try parsePrefix()
    while let extended = try parseInfix(after: left, minimumPower) { left = extended }
    return left
  }

  /// `left` extended by the operator at the current token and its right operand, or nil if the
  /// operator binds more loosely than `minimumPower` (or there is none).
  private mutating func parseInfix(after left: SyntaxTree, _ minimumPower: Int) throws(Diagnostic) -> SyntaxTree? {
    let kind = current.kind
    if let power = infixPower(of: kind) {
      guard power > minimumPower || (kind == .caret && power == minimumPower) else { return nil }
      _ = advance()
      // `^` is right-associative and its exponent may be signed: `x^-2`, `2^3^2`.
      if kind == .caret { numberMayMultiply = false }
      let right = try parseExpression(kind == .caret ? Power.prefix - 1 : power)
      if kind == .caret, case .name(_, let span) = left, eulerSpans.contains(span) {
        return .call(.exp, [right], left.span.merged(with: right.span))
      }
      return Self.binary(kind, left, right)
    }
    if case .superscript(let exponent) = kind {
      // `x²` binds as `x^2` does; as a postfix it takes no right operand.
      guard Power.power > minimumPower || Power.power == minimumPower else { return nil }
      let token = advance()
      let power = SyntaxTree.number(exponent, token.span)
      return .binary(.power, left, power, left.span.merged(with: token.span))
    }
    guard startsOperand(kind) else { return nil }
    // In LaTeX, operands side by side multiply, as `·` does: `\omega_1 x`, `2 \sin x \cos x`.
    // A number is never a right factor: `x 2` is as ambiguous in LaTeX as in plain text.
    guard readsLaTeX && !kind.isNumber else { throw missingOperator() }
    guard Power.product > minimumPower else { return nil }
    let right = try parseExpression(Power.product)
    return Self.binary(.star, left, right)
  }

  /// `left op right` for the operator token `kind`.
  private static func binary(_ kind: Token.Kind, _ left: SyntaxTree, _ right: SyntaxTree) -> SyntaxTree {
    let op: SyntaxTree.Operator =
      switch kind {
      case .plus: .add
      case .minus: .subtract
      case .star: .multiply
      case .slash: .divide
      default: .power
      }
    return .binary(op, left, right, left.span.merged(with: right.span))
  }

  /// The caret goes under the token that opened the level beyond the limit.
  private func nestingTooDeep() -> Diagnostic {
    Diagnostic(.nestingTooDeep(limit: Self.maximumDepth), at: index > 0 ? tokens[index - 1].span : current.span)
  }

  /// Two operands side by side: the current token has no operator before it.
  private func missingOperator() -> Diagnostic {
    Diagnostic(.missingOperator(found: current.describe(in: source)), at: current.span)
  }

  func startsOperand(_ kind: Token.Kind) -> Bool {
    switch kind {
    case .number, .name, .openParen, .openBracket, .openBrace, .squareRoot, .indicator: true
    default: false
    }
  }

  private mutating func parsePrefix() throws(Diagnostic) -> SyntaxTree {
    let token = advance()
    switch token.kind {
    case .number: return try parseNumber(token)
    case .minus, .plus: return try parseSigned(token)
    case .openParen, .openBracket, .openBrace: return try parseGroup(token)
    case .name: return try parseName(token)
    case .bar: return try parseAbsoluteValue(token)
    case .squareRoot: return try parseSquareRoot(token)
    case .indicator: return try parseIndicator(token)
    default: throw unexpectedOperand(token)
    }
  }

  /// A number; directly followed by a name or a bracket it multiplies: `2x`, `2(x + 1)`, `2x^2`.
  private mutating func parseNumber(_ token: Token) throws(Diagnostic) -> SyntaxTree {
    guard case .number(let value) = token.kind else { return .number(0, token.span) }
    let number = SyntaxTree.number(value, token.span)
    let mayMultiply = numberMayMultiply || readsLaTeX
    numberMayMultiply = true
    guard mayMultiply, startsOperand(current.kind), !current.kind.isNumber else { return number }
    let factor = try parseExpression(Power.prefix)
    return .binary(.multiply, number, factor, token.span.merged(with: factor.span))
  }

  /// `-x`, `+x`: the sign binds more loosely than `^`, so `-x^2` is −(x²).
  private mutating func parseSigned(_ sign: Token) throws(Diagnostic) -> SyntaxTree {
    let operand = try parseExpression(Power.prefix)
    let span = sign.span.merged(with: operand.span)
    return sign.kind == .minus ? .negate(operand, span) : operand
  }

  /// `(x)`, `[x]`, `{x}`.
  private mutating func parseGroup(_ open: Token) throws(Diagnostic) -> SyntaxTree {
    numberMayMultiply = true
    openGroups += 1
    defer { openGroups -= 1 }
    let inner = try parseExpression(0)
    let close = try expectClosing(open)
    let span = open.span.merged(with: close.span)
    if !eulerSpans.isEmpty && eulerSpans.contains(inner.span) { eulerSpans.insert(span) }  // `(e)^x` is exp(x) too
    return inner.spanning(span)
  }

  private mutating func unexpectedOperand(_ token: Token) -> Diagnostic {
    index -= token.kind == .end ? 0 : 1
    return unexpected(expecting: "a number, a name or '('", at: token)
  }

  private mutating func parseName(_ token: Token) throws(Diagnostic) -> SyntaxTree {
    if let function = function(calledBy: token) { return try parseCall(function, token) }
    return try parseReference(token)
  }

  /// The function a name token calls: its own, or the sigmoid for `sigma` before a bracket.
  private func function(calledBy token: Token) -> Function? {
    guard let name = name(of: token) else { return nil }
    if current.isOpening && name.utf8.count == 5 && name == "sigma" { return .sigmoid }
    return Function(named: name)
  }

  /// A name that is not a function: a symbol, or a definition with its argument list (`f[x, φ]`).
  private mutating func parseReference(_ token: Token) throws(Diagnostic) -> SyntaxTree {
    guard let name = name(of: token) else { return .name("", token.span) }
    if current.isOpening {
      if defined.contains(name) {
        // `f[x, φ]` refers to the definition of `f`; its argument list is only notation, so
        // it may hold names only: `f(3)` would look like f evaluated at 3, which it is not.
        let open = advance()
        // The argument list is dropped, so the names in it are no use of the defined name, nor
        // of any other.
        let defining = definingName
        definingName = nil
        notesUses = false
        defer {
          definingName = defining
          notesUses = true
        }
        for argument in try parseArguments(after: open) {
          guard case .name = argument else {
            throw Diagnostic(.argumentsNotSubstituted(name), at: argument.span)
          }
        }
        return reference(name, token.span)
      }
      // In LaTeX, `\omega (x + 1)` multiplies; only a word close to a function name is refused,
      // and an argument list `f[x_i, \phi]` of a name not defined yet.
      if readsLaTeX && (name.count < 3 || Function.suggestion(for: name) == nil) {
        if let close = argumentListClose() { throw undefinedDefinition(name, token, close) }
        return reference(name, token.span)
      }
      throw notAFunction(name, token)
    }
    return reference(name, token.span)
  }

  /// The index of the bracket closing the one at the current token, if a comma separates what it
  /// holds: an argument list, not a factor.
  private func argumentListClose() -> Int? {
    argumentLists[index]
  }

  /// The brackets holding a comma directly (argument lists): each opening's index and its
  /// closing's, from one pass over the tokens, so asking at every bracket of a deeply nested
  /// formula costs no rescan.
  private static func argumentLists(in tokens: [Token]) -> [Int: Int] {
    var lists: [Int: Int] = [:]
    var open: [(index: Int, hasComma: Bool)] = []
    for (i, token) in tokens.enumerated() {
      switch token.kind {
      case .openParen, .openBracket, .openBrace: open.append((i, false))
      case .closeParen, .closeBracket, .closeBrace:
        if let innermost = open.popLast(), innermost.hasComma { lists[innermost.index] = i }
      case .comma:
        if !open.isEmpty { open[open.count - 1].hasComma = true }
      case .newline, .end: open.removeAll()
      default: break
      }
    }
    return lists
  }

  /// `f[x_i, \phi]` where no line defines `f`.
  private func undefinedDefinition(_ name: String, _ token: Token, _ close: Int) -> Diagnostic {
    let span = token.span.merged(with: tokens[close].span)
    let bytes = Array(source.utf8)[span.start..<min(span.end, source.utf8.count)]
    return Diagnostic(
      .expected("a definition of '\(name)' on an earlier line", found: "'\(String(decoding: bytes, as: UTF8.self))'"),
      at: span)
  }

  /// A name followed by a bracket that is neither a function nor a definition.
  private func notAFunction(_ name: String, _ token: Token) -> Diagnostic {
    if let suggestion = Function.suggestion(for: name) {
      return Diagnostic(.unknownFunction(name, suggestion: suggestion), at: token.span)
    }
    // `foo(x)` looks like a call; `x(y + 1)` like a product missing its `*`.
    if name.count >= 3 { return Diagnostic(.unknownFunction(name, suggestion: nil), at: token.span) }
    return missingOperator()
  }

  func closes(_ open: Token, _ kind: Token.Kind) -> Bool {
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

  mutating func expectClosing(_ open: Token) throws(Diagnostic) -> Token {
    if closes(open, current.kind) { return advance() }
    switch current.kind {
    case .closeParen, .closeBracket, .closeBrace:
      throw Diagnostic(
        .mismatchedBracket(
          expected: Self.closing(for: open), found: String(current.describe(in: source).dropFirst().dropLast())),
        at: current.span)
    case .end, .newline:
      throw Diagnostic(.unclosedBracket(String(open.describe(in: source).dropFirst().dropLast())), at: open.span)
    default:
      throw unexpected(expecting: "an operator or '\(Self.closing(for: open))'")
    }
  }

  func unexpected(expecting what: String, at token: Token? = nil) -> Diagnostic {
    let token = token ?? current
    switch token.kind {
    case .closeParen, .closeBracket, .closeBrace:
      if what.hasPrefix("an operator or the end") || openGroups == 0 {
        let text = String(token.describe(in: source).dropFirst().dropLast())
        return Diagnostic(.unmatchedClosingBracket(text), at: token.span)
      }
    case .end, .newline:
      // Point just after the last thing written, where the missing part belongs.
      if let position = tokens.firstIndex(of: token), position > 0, tokens[position - 1].kind != .newline {
        let end = tokens[position - 1].span.end
        return Diagnostic(.expected(what, found: token.describe(in: source)), at: SourceSpan(start: end, end: end))
      }
    default: break
    }
    return Diagnostic(.expected(what, found: token.describe(in: source)), at: token.span)
  }
}

extension String {
  func trimmingSpaces() -> String {
    // From both ends only: the middle is never walked.
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[start...end])
  }
}

extension Token.Kind {
  fileprivate var isNumber: Bool {
    if case .number = self { return true }
    return false
  }
}
