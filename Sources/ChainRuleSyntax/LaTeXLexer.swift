import ChainRuleSupport

/// Turns a formula written in LaTeX into the tokens of the plain grammar, so one parser reads both.
///
/// The textbook's notation maps onto the plain grammar's tokens:
///
/// | LaTeX                                          | tokens                          |
/// |------------------------------------------------|---------------------------------|
/// | `\beta_3`, `\beta_{3}`, `\ell_i`, `x_{i}`      | names `beta3`, `beta3`, `l_i`, `x_i` |
/// | `\mathit{net}_{h1}`, `\mathit{net}_{h}_{1}`    | name `net_h1`                   |
/// | `\cdot`, `\times`, `\div`                      | `*`, `*`, `/`                   |
/// | `\frac{a}{b}`, `\frac12`                       | `({a}/{b})`, `((1)/(2))`        |
/// | `x^{a}`, `x^2`, `x^-1`                         | `x^{a}`, `x^(2)`, `x^(-1)`      |
/// | `\sqrt{a}`                                     | `sqrt{a}`                       |
/// | `{a}`, `\{ \}`, `\left( \right)`, `\left[ \right]` | `{a}`, `{ }`, `( )`, `[ ]`  |
/// | `\left| a \right|`, `\lvert a \rvert`          | `abs(a)`                        |
/// | `\sin` … `\tanh`, `\arctan`, `\ln`, `\max`     | names `sin` … `tanh`, `atan`, `ln`, `max` |
/// | `\operatorname{ReLU}`, `\mathrm{softplus}`     | names `relu`, `softplus`        |
/// | `\mathbf{1}\left[u > 0\right]`                 | `step[u]`                       |
/// | `1.5 \times 10^{-5}`                           | the number 1.5e-5               |
/// | `\\`, a line break, `;`                        | end of line                     |
///
/// Spacing (`\,` `\;` `\!` `\quad` `~`), alignment `&`, size commands (`\bigl`, `\Bigr`), math
/// delimiters (`$`, `\[ \]`, `\( \)`), `\begin{align}` … `\end{align}`, `\label{…}`, `%` and `#`
/// comments, and a comma or full stop ending a displayed line are skipped. Side-by-side operands
/// (`\omega_1 x`) and functions without brackets (`\sin x`) are left to the parser, which reads
/// them as multiplication and as a one-factor argument in LaTeX input.
///
/// A subscript or superscript without braces is one character, as in LaTeX (`x^2y` is x²·y). A
/// digit running on after a digit, or a letter or digit after a letter (`x_10`, `x^23`, `net_h1`),
/// is a diagnostic asking for braces rather than a silent misreading. A run of letters is one
/// name, as in the plain grammar (`net`, not n·e·t).
///
/// Every token's span points into the LaTeX source, so diagnostics draw their caret under it.
struct LaTeXLexer {
  let scalars: [Unicode.Scalar]
  let offsets: [Int]  // UTF-8 offset of each scalar, plus one past the end
  var position = 0
  var tokens: [Token] = []
  /// The names of the `.name` tokens, in canonical spelling, by the index each token holds.
  var names: [String] = []
  /// Open brackets of every kind, for skipping line breaks inside them.
  var bracketDepth = 0
  /// The `{` groups open here, innermost last, with what their `}` must add.
  var groups: [(role: GroupRole, open: SourceSpan)] = []
  /// The `\mathbf{1}[…]` indicators waiting for their `> 0`: the bracket depth inside each.
  var indicators: [Int] = []
  /// The token count just after the last superscript's argument, to refuse `x^{a}^{b}`.
  var superscriptEnd = -1

  enum GroupRole {
    /// `{a}`: grouping, or the argument of `\sqrt` or a function.
    case grouping
    /// The argument of `^`.
    case superscript
    /// The first argument of `\frac` at this span: its `}` is followed by `/` and the second.
    case numerator(SourceSpan)
    /// The second argument of `\frac`: its `}` closes the fraction's parenthesis.
    case denominator
  }

  init(_ source: String) {
    (scalars, offsets) = Lexer.scalarsAndOffsets(of: source)
  }

  /// Lexes the whole source.
  ///
  /// - Throws: ``Diagnostic`` for an unsupported command (caret under the command), an unclosed
  ///   `{`, a malformed subscript or number.
  mutating func tokenize() throws(Diagnostic) -> [Token] {
    while true {
      skipSpaceAndComments()
      guard let scalar = peek() else { break }
      try lexItem(scalar)
    }
    if let innermost = groups.last {
      throw Diagnostic(.unclosedBracket("{"), at: innermost.open)
    }
    emit(.end, span(from: position))
    return tokens
  }

  // MARK: Reading characters

  func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    let index = position + ahead
    return index < scalars.count ? scalars[index] : nil
  }

  func span(from start: Int) -> SourceSpan {
    SourceSpan(start: offsets[start], end: offsets[position])
  }

  func text(from start: Int) -> String {
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars[start..<position])
    return text
  }

  mutating func skipSpaces() {
    while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\u{A0}" {
      position += 1
    }
  }

  mutating func skipSpaceAndComments() {
    while true {
      skipSpaces()
      guard let scalar = peek(), scalar == "%" || scalar == "#" else { return }
      while let c = peek(), c != "\n" { position += 1 }
    }
  }

  /// The letters of the command word starting at `index` (just after a backslash).
  func word(at index: Int) -> String {
    var word = ""
    var i = index
    while i < scalars.count, scalars[i].isASCIILetter {
      word.unicodeScalars.append(scalars[i])
      i += 1
    }
    return word
  }

  /// The command word after the backslash at the current position, without consuming it.
  func peekCommand() -> String? {
    peek() == "\\" ? word(at: position + 1) : nil
  }

  /// Consumes `\word` (the current position is at the backslash).
  mutating func consumeCommand(_ word: String) {
    position += 1 + word.unicodeScalars.count
  }

  /// How the next thing in the source is named in an "expected …, found …" message, and its span.
  func describeNext() -> (String, SourceSpan) {
    guard let scalar = peek() else { return ("end of input", span(from: position)) }
    if scalar == "\n" { return ("end of line", SourceSpan(start: offsets[position], end: offsets[position + 1])) }
    var end = position + 1
    if scalar == "\\" {
      let word = word(at: position + 1)
      end = min(scalars.count, position + 1 + max(1, word.unicodeScalars.count))
    }
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars[position..<end])
    let description = scalar.properties.generalCategory == .control ? Lexer.describe(scalar) : "'\(text)'"
    return (description, SourceSpan(start: offsets[position], end: offsets[end]))
  }

  func expected(_ what: String) -> Diagnostic {
    let (found, span) = describeNext()
    return Diagnostic(.expected(what, found: found), at: span)
  }

  // MARK: Emitting tokens

  /// Emits a name token for `name`.
  mutating func emitName(_ name: String, _ span: SourceSpan) {
    emit(nameKind(name), span)
  }

  /// The kind of a token for `name`, which joins ``names``.
  mutating func nameKind(_ name: String) -> Token.Kind {
    names.append(name)
    return .name(Int32(names.count - 1))
  }

  mutating func emit(_ kind: Token.Kind, _ span: SourceSpan) {
    switch kind {
    case .openParen, .openBracket, .openBrace: bracketDepth += 1
    case .closeParen, .closeBracket, .closeBrace: bracketDepth = max(0, bracketDepth - 1)
    default: break
    }
    tokens.append(Token(kind: kind, span: span))
  }

  /// Emits a closing bracket, first checking that an indicator `\mathbf{1}[u > 0]` it closes
  /// got its `> 0`.
  mutating func emitClosing(_ kind: Token.Kind, _ span: SourceSpan) throws(Diagnostic) {
    if indicators.last == bracketDepth {
      throw Diagnostic(
        .expected("'> 0' before the bracket closing '\\mathbf{1}[…'", found: "'\(text(of: span))'"), at: span)
    }
    emit(kind, span)
  }

  func text(of span: SourceSpan) -> String {
    guard let start = offsets.firstIndex(of: span.start), let end = offsets.firstIndex(of: span.end) else {
      return ""
    }
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars[start..<end])
    return text
  }

  /// Ends the line, unless inside brackets or the formula continues: after an operator
  /// (`a +` ⏎ `b`) or before one (`a` ⏎ `+ b`, as `multline` breaks a long sum).
  mutating func lineBreak(_ span: SourceSpan) {
    guard bracketDepth == 0 else { return }
    switch tokens.last?.kind {
    case .plus, .minus, .star, .slash, .caret, .equals, .comma: return
    default: break
    }
    if nextLineStartsWithOperator() { return }
    emit(.newline, span)
  }

  /// Whether the next thing after spaces, line breaks, `&`, comments and spacing commands is a
  /// binary operator.
  func nextLineStartsWithOperator() -> Bool {
    var i = position
    while i < scalars.count {
      let scalar = scalars[i]
      switch scalar {
      case " ", "\t", "\r", "\n", "&", "~", ";", "$": i += 1
      case "%", "#":
        while i < scalars.count, scalars[i] != "\n" { i += 1 }
      case "+", "-", "−", "–", "*", "/", "·", "⋅", "×", "÷": return true
      case "\\":
        guard i + 1 < scalars.count else { return false }
        let next = scalars[i + 1]
        let command = word(at: i + 1)
        if ["cdot", "times", "div"].contains(command) { return true }
        if Self.ignoredCommands.contains(command) {
          i += 1 + command.unicodeScalars.count
        } else if command.isEmpty && (next == "\\" || Self.spacing.contains(next)) {
          i += 2
        } else {
          return false
        }
      default: return false
      }
    }
    return false
  }

  // MARK: Items

  mutating func lexItem(_ scalar: Unicode.Scalar) throws(Diagnostic) {
    let start = position
    if scalar.isASCIIDigit || (scalar == "." && peek(1)?.isASCIIDigit == true) {
      return try lexNumber()
    }
    if scalar.isASCIILetter || GreekLetters.isLetter(scalar) {
      return try lexLetters()
    }
    position += 1
    switch scalar {
    case "\\": try lexCommand(from: start)
    case "\n", ";": lineBreak(span(from: start))
    case "{": openGroup(.grouping, span(from: start))
    case "}": try closeGroup(span(from: start))
    case "^":
      // `x^{a}^{b}` is an error in LaTeX ("double superscript"): which power was meant?
      if superscriptEnd == tokens.count {
        throw Diagnostic(
          .expected("one superscript per base (write {x^{a}}^{b})", found: "a second '^'"), at: span(from: start))
      }
      emit(.caret, span(from: start))
      try lexSuperscript()
    case "_":
      throw Diagnostic(.expected("a name before the subscript", found: "'_'"), at: span(from: start))
    case "&", "~", "$": break  // alignment, a non-breaking space, math delimiters
    case ">": try lexComparison(from: start)
    case "|": throw Diagnostic(.unsupportedCommand("|"), at: span(from: start))
    case ",", ".":
      // A comma or full stop ending a displayed formula is punctuation, not grammar.
      if bracketDepth == 0 && isAtEndOfLine() { break }
      guard scalar == "," else {
        throw Diagnostic(.unexpectedCharacter(Lexer.describe(scalar)), at: span(from: start))
      }
      emit(.comma, span(from: start))
    case "+": emit(.plus, span(from: start))
    case "-", "−", "–": emit(.minus, span(from: start))
    case "*":
      if peek() == "*" {
        position += 1
        emit(.caret, span(from: start))
      } else {
        emit(.star, span(from: start))
      }
    case "·", "⋅", "×", "∙": emit(.star, span(from: start))
    case "/", "÷": emit(.slash, span(from: start))
    case "(": emit(.openParen, span(from: start))
    case "[": emit(.openBracket, span(from: start))
    case ")": try emitClosing(.closeParen, span(from: start))
    case "]": try emitClosing(.closeBracket, span(from: start))
    case "=": emit(.equals, span(from: start))
    default:
      throw Diagnostic(.unexpectedCharacter(Lexer.describe(scalar)), at: span(from: start))
    }
  }

  /// Whether only spaces stand between here and the end of the line (or of the formula).
  func isAtEndOfLine() -> Bool {
    var i = position
    while i < scalars.count {
      switch scalars[i] {
      case " ", "\t", "\r": i += 1
      case "\n", "$", "%", "#", ";": return true
      case "\\":
        guard i + 1 < scalars.count else { return false }
        let command = word(at: i + 1)
        if scalars[i + 1] == "\\" || scalars[i + 1] == "]" || scalars[i + 1] == ")" || command == "end" {
          return true
        }
        if Self.ignoredCommands.contains(command) {
          i += 1 + command.unicodeScalars.count
        } else if command == "label" || command == "tag" {
          while i < scalars.count, scalars[i] != "}", scalars[i] != "\n" { i += 1 }
          i += 1
        } else {
          return false
        }
      default: return false
      }
    }
    return true
  }

  // MARK: Groups

  mutating func openGroup(_ role: GroupRole, _ span: SourceSpan) {
    emit(.openBrace, span)
    groups.append((role, span))
  }

  mutating func closeGroup(_ span: SourceSpan) throws(Diagnostic) {
    // With no `{` open, the brace goes to the parser, which reports it unmatched.
    guard let group = groups.popLast() else { return try emitClosing(.closeBrace, span) }
    try emitClosing(.closeBrace, span)
    switch group.role {
    case .grouping: break
    case .superscript: superscriptEnd = tokens.count
    case .numerator(let fraction):
      emit(.slash, fraction)
      try beginFractionPart(numerator: false, fraction)
    case .denominator:
      emit(.closeParen, span)
    }
  }

  /// `\frac{a}{b}` reads as `({a}/{b})`: the fraction is one operand, so `\frac{a}{b}^2` and
  /// `x \frac{a}{b}` keep it whole.
  mutating func beginFractionPart(numerator: Bool, _ fraction: SourceSpan) throws(Diagnostic) {
    while let scalar = peek(), scalar == "\n" || scalar == " " || scalar == "\t" || scalar == "\r" { position += 1 }
    if peek() == "{" {
      let start = position
      position += 1
      openGroup(numerator ? .numerator(fraction) : .denominator, span(from: start))
      return
    }
    try lexOneCharacterArgument(after: "\\frac", isScript: false)
    if numerator {
      emit(.slash, fraction)
      try beginFractionPart(numerator: false, fraction)
    } else {
      emit(.closeParen, tokens[tokens.count - 1].span)
    }
  }

  /// The argument of `^`, `\frac` or `\sqrt` written without braces: one digit, letter or Greek
  /// letter, as in LaTeX (`x^2`, `\frac12`, `e^x`, `2^\alpha`), in parentheses so it stays whole
  /// (`x^2y` is x²·y). After `^` it may carry a sign (`x^-1`, read as x^(−1)).
  ///
  /// A superscript running into more of its kind (`x^23`, `x^2.5`, `e^xy`) is a diagnostic.
  mutating func lexOneCharacterArgument(after command: String, isScript: Bool) throws(Diagnostic) {
    skipSpaces()
    let start = position
    var sign: Token.Kind? = nil
    if isScript, let scalar = peek(), scalar == "-" || scalar == "−" || scalar == "+" {
      sign = scalar == "+" ? .plus : .minus
      position += 1
      skipSpaces()
    }
    let atomStart = position
    guard let scalar = peek() else { throw expected("'{' after '\(command)'") }
    let kind: Token.Kind
    if scalar.isASCIIDigit {
      position += 1
      kind = .number(Double(scalar.value - 48))
      if isScript, peek()?.isASCIIDigit == true || (peek() == "." && peek(1)?.isASCIIDigit == true) {
        throw severalCharacters(in: "superscript", from: start)
      }
    } else if scalar.isASCIILetter {
      position += 1
      kind = nameKind(String(scalar))
      if isScript, let next = peek(), next.isASCIILetter || next.isASCIIDigit {
        throw severalCharacters(in: "superscript", from: start)
      }
    } else if let greek = GreekLetters.name(of: scalar) {
      position += 1
      kind = nameKind(greek)
    } else if let command = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: command) {
      consumeCommand(command)
      kind = nameKind(greek)
    } else {
      throw expected("'{' after '\(command)'")
    }
    let atomSpan = span(from: atomStart)
    emit(.openParen, atomSpan)
    if let sign { emit(sign, SourceSpan(start: offsets[start], end: offsets[start + 1])) }
    emit(kind, atomSpan)
    emit(.closeParen, atomSpan)
  }

  /// `x_10`, `x^23`: a script without braces is one character, so ask for braces.
  mutating func severalCharacters(in script: String, from start: Int) -> Diagnostic {
    while let c = peek(), c.isASCIILetter || c.isASCIIDigit || c == "." { position += 1 }
    let marker = script == "subscript" ? "_" : "^"
    var found = text(from: start).trimmingSpaces()
    if !found.hasPrefix(marker) { found = marker + found }
    return Diagnostic(
      .expected("braces around a \(script) of more than one character", found: "'\(found)'"), at: span(from: start))
  }

  // MARK: Numbers

  /// A number, with scientific notation `1.5 \times 10^{-5}` read as the single number 1.5e-5.
  mutating func lexNumber() throws(Diagnostic) {
    let start = position
    let (text, end) = Lexer.scanNumber(in: scalars, from: position)
    position = end
    var literal = text
    if let (exponent, end) = scientificExponent() {
      literal = text + "e" + exponent
      position = end
    }
    emit(.number(try Lexer.value(ofLiteral: literal, at: span(from: start))), span(from: start))
  }

  /// If `\times 10^{n}` (or `\times 10^n`) with an integer `n` follows, its exponent and end.
  func scientificExponent() -> (String, Int)? {
    var i = position
    func skip() { while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 } }
    func take(_ text: String) -> Bool {
      let wanted = Array(text.unicodeScalars)
      guard i + wanted.count <= scalars.count, Array(scalars[i..<i + wanted.count]) == wanted else { return false }
      i += wanted.count
      return true
    }
    func isDigit(_ index: Int) -> Bool { index < scalars.count && scalars[index].isASCIIDigit }
    skip()
    guard take("\\times"), !(i < scalars.count && scalars[i].isASCIILetter) else { return nil }
    skip()
    guard take("10"), !isDigit(i), !(i < scalars.count && scalars[i] == ".") else { return nil }
    skip()
    guard take("^") else { return nil }
    skip()
    var exponent = ""
    if take("{") {
      skip()
      if take("-") || take("−") {
        exponent = "-"
      } else {
        _ = take("+")
      }
      guard isDigit(i) else { return nil }
      while isDigit(i) {
        exponent.unicodeScalars.append(scalars[i])
        i += 1
      }
      skip()
      guard take("}") else { return nil }
    } else {
      guard isDigit(i), !isDigit(i + 1) else { return nil }
      exponent.unicodeScalars.append(scalars[i])
      i += 1
    }
    let end = i
    skip()
    if i < scalars.count && scalars[i] == "^" { return nil }
    return (exponent, end)
  }
}
