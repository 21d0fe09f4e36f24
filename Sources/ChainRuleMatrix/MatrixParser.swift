import ChainRuleSyntax

/// The parser of matrix mode: lines of declarations (`x: N×D_in`), size bindings
/// (`N, D_in = 64, 1000`), definitions (`h = x·w1`) and a result.
///
/// Expressions follow the scalar grammar's precedence (`+ −` < `· ⊙ / @` < unary `−` < `^`),
/// with postfix transposes (`wᵀ`, `w'`, `w.T`, `w^T`, `w^\top`), methods (`x.dot(w)`,
/// `a.sum()`), norms `‖W‖_F²` and, in LaTeX, operands side by side multiplying (`W^{(1)} x`).
public struct MatrixParser {
  let source: String
  var tokens: [MatrixToken]
  var index = 0
  let readsLaTeX: Bool
  /// Names defined on earlier lines, and names declared.
  var defined: Set<String> = []
  var declared: Set<String> = []
  /// Nesting of norms around the current token (a `‖` then closes rather than opens).
  var normDepth = 0
  var depth = 0
  static let maximumDepth = 500

  /// Whether `source` declares a shape on some line (`x: 64×1000`, `x \in \mathbb{R}^{…}`): the
  /// test for matrix mode. A formula without one is a scalar formula, read as before.
  public static func declaresShapes(_ source: String) -> Bool {
    // Cheap first: no colon, ∈ or `\in`, no declaration.
    guard source.contains(":") || source.contains("∈") || source.contains("\\in") else { return false }
    let latex = InputSyntax.auto.resolved(for: source) == .latex
    var lexer = MatrixLexer(source, latex: latex)
    guard let tokens = try? lexer.tokenize() else { return false }
    var atLineStart = true
    for (i, token) in tokens.enumerated() {
      if atLineStart, token.name != nil, i + 1 < tokens.count, tokens[i + 1].kind == .colon { return true }
      atLineStart = token.kind == .newline
    }
    return false
  }

  /// Parses a matrix-mode program.
  ///
  /// - Throws: ``MatrixDiagnostic`` for the first problem, with its span.
  public static func parse(_ source: String) throws(MatrixDiagnostic) -> MatrixProgram {
    let latex = InputSyntax.auto.resolved(for: source) == .latex
    var lexer = MatrixLexer(source, latex: latex)
    var tokens = try lexer.tokenize()
    // `W^(1): h×d` in plain text declares a superscripted name: read `W^(1)` as one name
    // everywhere (elsewhere `^(` starts a power).
    let bases = Self.plainSuperscriptBases(tokens)
    if !bases.isEmpty {
      var again = MatrixLexer(source, latex: latex, superscriptBases: bases)
      tokens = try again.tokenize()
    }
    var parser = MatrixParser(source: source, tokens: tokens, readsLaTeX: latex)
    return try parser.parseProgram()
  }

  init(source: String, tokens: [MatrixToken], readsLaTeX: Bool) {
    self.source = source
    self.tokens = tokens
    self.readsLaTeX = readsLaTeX
  }

  private static func plainSuperscriptBases(_ tokens: [MatrixToken]) -> Set<String> {
    var bases: Set<String> = []
    var i = 0
    while i + 5 < tokens.count {
      if let name = tokens[i].name, tokens[i + 1].kind == .caret, tokens[i + 2].kind == .openParen,
        case .number = tokens[i + 3].kind, tokens[i + 4].kind == .closeParen, tokens[i + 5].kind == .colon
      {
        bases.insert(name)
      }
      i += 1
    }
    return bases
  }

  var current: MatrixToken { tokens[index] }

  func peekKind(_ ahead: Int) -> MatrixToken.Kind {
    index + ahead < tokens.count ? tokens[index + ahead].kind : .end
  }

  @discardableResult
  mutating func advance() -> MatrixToken {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  func unexpected(expecting what: String) -> MatrixDiagnostic {
    MatrixDiagnostic(Diagnostic(.expected(what, found: current.describe(in: source)), at: current.span))
  }

  private mutating func parseProgram() throws(MatrixDiagnostic) -> MatrixProgram {
    var declarations: [MatrixDeclaration] = []
    var bindings: [(String, Int)] = []
    var definitions: [MatrixDefinition] = []
    // Declarations first (they may follow the lines that use them), then the rest in order.
    var lines: [Range<Int>] = []
    var start = 0
    for (i, token) in tokens.enumerated() where token.kind == .newline || token.kind == .end {
      if i > start { lines.append(start..<i) }
      start = i + 1
    }
    var rest: [Range<Int>] = []
    for line in lines {
      index = line.lowerBound
      if current.name != nil && peekKind(1) == .colon {
        declarations += try parseDeclarations(until: line.upperBound)
      } else {
        rest.append(line)
      }
    }
    for declaration in declarations {
      if declared.contains(declaration.name) {
        throw MatrixDiagnostic(Diagnostic(.redefinition(declaration.name), at: declaration.span))
      }
      declared.insert(declaration.name)
    }
    for line in rest {
      index = line.lowerBound
      if let binding = try parseSizeBinding(until: line.upperBound, declarations: declarations) {
        bindings += binding
        continue
      }
      if let last = definitions.last, last.name == nil {
        throw MatrixDiagnostic(
          Diagnostic(
            .expected("a definition 'name = …' (only the last line may be a bare formula)", found: "a formula"),
            at: last.body.span))
      }
      definitions.append(try parseDefinition(until: line.upperBound))
    }
    guard !definitions.isEmpty else {
      throw MatrixDiagnostic(
        "the input declares shapes but holds no formula", hint: "add a line such as 'loss = sum((x·w − y)^2)'",
        at: SourceSpan(start: source.utf8.count, end: source.utf8.count))
    }
    return MatrixProgram(
      source: source, declarations: declarations, sizeBindings: bindings, definitions: definitions,
      readsLaTeX: readsLaTeX)
  }

  // MARK: Declarations

  /// `x: 64×1000`, `w: D_in×H, b: 1×H`, `x \in \mathbb{R}^{N \times D}`.
  private mutating func parseDeclarations(until end: Int) throws(MatrixDiagnostic) -> [MatrixDeclaration] {
    var declarations: [MatrixDeclaration] = []
    while index < end {
      guard let name = current.name else { throw unexpected(expecting: "a name to declare") }
      let span = advance().span
      guard current.kind == .colon else { throw unexpected(expecting: "':' and a shape") }
      advance()
      let shape = try parseShape(until: end)
      declarations.append(MatrixDeclaration(name: name, shape: shape, span: span))
      if index < end {
        guard current.kind == .comma else { throw unexpected(expecting: "',' or the end of the line") }
        advance()
      }
    }
    return declarations
  }

  /// `64×1000`, `64x1000`, `N × D_in`, `3` (a column vector), `\mathbb{R}^{N \times D}`.
  private mutating func parseShape(until end: Int) throws(MatrixDiagnostic) -> MatrixShape {
    var braced = false
    if current.kind == .reals {
      advance()
      if current.kind == .caret { advance() }
      if current.kind == .openBrace {
        advance()
        braced = true
      }
    }
    var sizes: [MatrixSize] = []
    func size(_ text: String) -> MatrixSize {
      if let n = Int(text) { return .fixed(n) }
      return .named(text)
    }
    while index < end {
      switch current.kind {
      case .number(let value) where value == value.rounded() && value >= 1 && value < 1e9:
        sizes.append(.fixed(Int(value)))
        advance()
      case .name(let name):
        // `64x1000` lexes as 64 then the name `x1000`; `N x D` has a lone `x`.
        if !sizes.isEmpty && name.hasPrefix("x") {
          if name != "x" { sizes.append(size(String(name.dropFirst()))) }
        } else {
          sizes.append(.named(name))
        }
        advance()
      case .star:
        advance()
      case .closeBrace where braced:
        advance()
        braced = false
      default:
        if sizes.isEmpty { throw unexpected(expecting: "a shape such as 64×1000, N×D or 3") }
        if current.kind == .comma { break }
        throw unexpected(expecting: "'×' or the end of the shape")
      }
      if current.kind == .comma { break }
    }
    switch sizes.count {
    case 1: return MatrixShape(rows: sizes[0], columns: .one)
    case 2: return MatrixShape(rows: sizes[0], columns: sizes[1])
    default:
      throw MatrixDiagnostic(
        "a shape has rows and columns (or one size, for a column vector); found \(sizes.count) sizes",
        hint: "write it as 64×1000, N×D_in or 3", at: current.span)
    }
  }

  /// `N, D_in, H, D_out = 64, 1000, 100, 10`, or `N = 64` for a name used as a size: sizes
  /// bound in the file. Nil (nothing consumed) for any other line.
  private mutating func parseSizeBinding(until end: Int, declarations: [MatrixDeclaration])
    throws(MatrixDiagnostic) -> [(String, Int)]?
  {
    let start = index
    var names: [(String, SourceSpan)] = []
    while index < end, let name = current.name {
      names.append((name, current.span))
      advance()
      if current.kind == .comma { advance() } else { break }
    }
    guard !names.isEmpty, current.kind == .equals else {
      index = start
      return nil
    }
    advance()
    var values: [Int] = []
    while index < end, case .number(let value) = current.kind {
      guard value == value.rounded(), value >= 1, value < 1e9 else { break }
      values.append(Int(value))
      advance()
      if current.kind == .comma { advance() } else { break }
    }
    let sizes = Set(
      declarations.flatMap { [$0.shape.rows, $0.shape.columns] }.compactMap { size -> String? in
        if case .named(let name) = size { return name }
        return nil
      })
    let isBinding = index == end && values.count == names.count && (names.count > 1 || sizes.contains(names[0].0))
    guard isBinding else {
      if names.count > 1 && index == end {
        throw MatrixDiagnostic(
          "\(names.count) sizes but \(values.count) numbers", hint: "give one whole number per size",
          at: names[0].1.merged(with: tokens[max(start, end - 1)].span))
      }
      index = start
      return nil
    }
    return zip(names.map(\.0), values).map { ($0, $1) }
  }

  // MARK: Definitions

  private mutating func parseDefinition(until end: Int) throws(MatrixDiagnostic) -> MatrixDefinition {
    var name: String? = nil
    var nameSpan: SourceSpan? = nil
    if let candidate = current.name, peekKind(1) == .equals {
      nameSpan = current.span
      if defined.contains(candidate) || declared.contains(candidate) {
        throw MatrixDiagnostic(Diagnostic(.redefinition(candidate), at: current.span))
      }
      name = candidate
      advance()
      advance()
    }
    let body = try parseExpression(0)
    guard index >= end || current.kind == .newline || current.kind == .end else {
      throw unexpected(expecting: "an operator or the end of the line")
    }
    if let name {
      if Self.uses(name, body) {
        throw MatrixDiagnostic(Diagnostic(.selfReference(name), at: nameSpan ?? body.span))
      }
      defined.insert(name)
    }
    return MatrixDefinition(name: name, nameSpan: nameSpan, body: body)
  }

  /// Whether `tree` mentions `name`.
  static func uses(_ name: String, _ tree: MatrixSyntax) -> Bool {
    switch tree {
    case .number: false
    case .name(let other, _): other == name
    case .negate(let a, _), .transpose(let a, _), .keyword(_, let a, _): uses(name, a)
    case .binary(_, let a, let b, _, _): uses(name, a) || uses(name, b)
    case .call(_, let arguments, _, _): arguments.contains { uses(name, $0) }
    }
  }
}
