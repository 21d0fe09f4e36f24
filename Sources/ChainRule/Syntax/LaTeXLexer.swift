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
  private let scalars: [Unicode.Scalar]
  private let offsets: [Int]  // UTF-8 offset of each scalar, plus one past the end
  private var position = 0
  private var tokens: [Token] = []
  /// Open brackets of every kind, for skipping line breaks inside them.
  private var bracketDepth = 0
  /// The `{` groups open here, innermost last, with what their `}` must add.
  private var groups: [(role: GroupRole, open: SourceSpan)] = []
  /// The `\mathbf{1}[…]` indicators waiting for their `> 0`: the bracket depth inside each.
  private var indicators: [Int] = []
  /// The token count just after the last superscript's argument, to refuse `x^{a}^{b}`.
  private var superscriptEnd = -1

  private enum GroupRole {
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

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    let index = position + ahead
    return index < scalars.count ? scalars[index] : nil
  }

  private func span(from start: Int) -> SourceSpan {
    SourceSpan(start: offsets[start], end: offsets[position])
  }

  private func text(from start: Int) -> String {
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars[start..<position])
    return text
  }

  private mutating func skipSpaces() {
    while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\u{A0}" {
      position += 1
    }
  }

  private mutating func skipSpaceAndComments() {
    while true {
      skipSpaces()
      guard let scalar = peek(), scalar == "%" || scalar == "#" else { return }
      while let c = peek(), c != "\n" { position += 1 }
    }
  }

  /// The letters of the command word starting at `index` (just after a backslash).
  private func word(at index: Int) -> String {
    var word = ""
    var i = index
    while i < scalars.count, scalars[i].isASCIILetter {
      word.unicodeScalars.append(scalars[i])
      i += 1
    }
    return word
  }

  /// The command word after the backslash at the current position, without consuming it.
  private func peekCommand() -> String? {
    peek() == "\\" ? word(at: position + 1) : nil
  }

  /// Consumes `\word` (the current position is at the backslash).
  private mutating func consumeCommand(_ word: String) {
    position += 1 + word.unicodeScalars.count
  }

  /// How the next thing in the source is named in an "expected …, found …" message, and its span.
  private func describeNext() -> (String, SourceSpan) {
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

  private func expected(_ what: String) -> Diagnostic {
    let (found, span) = describeNext()
    return Diagnostic(.expected(what, found: found), at: span)
  }

  // MARK: Emitting tokens

  private mutating func emit(_ kind: Token.Kind, _ span: SourceSpan) {
    switch kind {
    case .openParen, .openBracket, .openBrace: bracketDepth += 1
    case .closeParen, .closeBracket, .closeBrace: bracketDepth = max(0, bracketDepth - 1)
    default: break
    }
    tokens.append(Token(kind: kind, span: span))
  }

  /// Emits a closing bracket, first checking that an indicator `\mathbf{1}[u > 0]` it closes
  /// got its `> 0`.
  private mutating func emitClosing(_ kind: Token.Kind, _ span: SourceSpan) throws(Diagnostic) {
    if indicators.last == bracketDepth {
      throw Diagnostic(
        .expected("'> 0' before the bracket closing '\\mathbf{1}[…'", found: "'\(text(of: span))'"), at: span)
    }
    emit(kind, span)
  }

  private func text(of span: SourceSpan) -> String {
    guard let start = offsets.firstIndex(of: span.start), let end = offsets.firstIndex(of: span.end) else {
      return ""
    }
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars[start..<end])
    return text
  }

  /// Ends the line, unless inside brackets or the formula continues: after an operator
  /// (`a +` ⏎ `b`) or before one (`a` ⏎ `+ b`, as `multline` breaks a long sum).
  private mutating func lineBreak(_ span: SourceSpan) {
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
  private func nextLineStartsWithOperator() -> Bool {
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

  private mutating func lexItem(_ scalar: Unicode.Scalar) throws(Diagnostic) {
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
  private func isAtEndOfLine() -> Bool {
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

  private mutating func openGroup(_ role: GroupRole, _ span: SourceSpan) {
    emit(.openBrace, span)
    groups.append((role, span))
  }

  private mutating func closeGroup(_ span: SourceSpan) throws(Diagnostic) {
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
  private mutating func beginFractionPart(numerator: Bool, _ fraction: SourceSpan) throws(Diagnostic) {
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
  private mutating func lexOneCharacterArgument(after command: String, isScript: Bool) throws(Diagnostic) {
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
      kind = .name(String(scalar))
      if isScript, let next = peek(), next.isASCIILetter || next.isASCIIDigit {
        throw severalCharacters(in: "superscript", from: start)
      }
    } else if let greek = GreekLetters.name(of: scalar) {
      position += 1
      kind = .name(greek)
    } else if let command = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: command) {
      consumeCommand(command)
      kind = .name(greek)
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
  private mutating func severalCharacters(in script: String, from start: Int) -> Diagnostic {
    while let c = peek(), c.isASCIILetter || c.isASCIIDigit || c == "." { position += 1 }
    let marker = script == "subscript" ? "_" : "^"
    var found = text(from: start).trimmingSpaces()
    if !found.hasPrefix(marker) { found = marker + found }
    return Diagnostic(
      .expected("braces around a \(script) of more than one character", found: "'\(found)'"), at: span(from: start))
  }

  // MARK: Numbers

  /// A number, with scientific notation `1.5 \times 10^{-5}` read as the single number 1.5e-5.
  private mutating func lexNumber() throws(Diagnostic) {
    let start = position
    let (text, end) = Lexer.scanNumber(in: scalars, from: position)
    position = end
    var literal = text
    if let (exponent, end) = scientificExponent() {
      literal = text + "e" + exponent
      position = end
    }
    guard let value = Double(literal), value.isFinite else {
      throw Diagnostic(.numberOutOfRange(literal), at: span(from: start))
    }
    emit(.number(value), span(from: start))
  }

  /// If `\times 10^{n}` (or `\times 10^n`) with an integer `n` follows, its exponent and end.
  private func scientificExponent() -> (String, Int)? {
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

  // MARK: Names

  /// A run of letters and digits (`x`, `net`, `w1`) or a Greek letter (`β`), then its subscripts.
  private mutating func lexLetters() throws(Diagnostic) {
    let start = position
    var base = ""
    if let first = peek(), !first.isASCIILetter, let greek = GreekLetters.name(of: first) {
      base = greek
      position += 1
    }
    while let c = peek(), c.isASCIILetter || c.isASCIIDigit {
      base.unicodeScalars.append(c)
      position += 1
    }
    var digits = ""
    while let c = peek(), (0x2080...0x2089).contains(c.value) {
      digits += String(c.value - 0x2080)
      position += 1
    }
    try lexSubscripts(of: digits.isEmpty ? [base] : [base, digits], from: start)
  }

  /// Reads the subscripts after a name's base and emits the name: `\beta_3` → `beta3`,
  /// `x_{i}` → `x_i`, `w_{a,b}` → `w_a_b`, `\mathit{net}_{h}_{1}` → `net_h1`. An empty group
  /// after the name (`\beta{}`, as printed) is skipped.
  private mutating func lexSubscripts(of base: [String], from start: Int) throws(Diagnostic) {
    var parts = base
    skipEmptyGroup()
    while true {
      let save = position
      skipSpaces()
      guard peek() == "_" else {
        position = save
        break
      }
      let subscriptStart = position
      position += 1
      skipSpaces()
      parts += try readSubscript(from: subscriptStart)
      skipEmptyGroup()
    }
    let name = SymbolSpelling.canonicalName(base: parts.joined(separator: "_"), subscript: nil)
    emit(.name(name), span(from: start))
  }

  private mutating func skipEmptyGroup() {
    guard peek() == "{" else { return }
    var i = position + 1
    while i < scalars.count, scalars[i] == " " { i += 1 }
    if i < scalars.count, scalars[i] == "}" { position = i + 1 }
  }

  /// The parts of one subscript: `{h1}` → `h1`; `{a,b}` → `a`, `b`; `i`; `\alpha` → `alpha`.
  private mutating func readSubscript(from start: Int) throws(Diagnostic) -> [String] {
    guard let scalar = peek() else { throw expected("a subscript after '_'") }
    if scalar == "{" {
      let open = position
      position += 1
      var parts = [""]
      while true {
        skipSpaces()
        guard let c = peek() else {
          throw Diagnostic(.unclosedBracket("{"), at: SourceSpan(start: offsets[open], end: offsets[open + 1]))
        }
        if c == "}" {
          position += 1
          break
        }
        if c == "," {
          position += 1
          parts.append("")
        } else if c.isASCIILetter || c.isASCIIDigit {
          parts[parts.count - 1].unicodeScalars.append(c)
          position += 1
        } else if let greek = GreekLetters.name(of: c) {
          parts[parts.count - 1] += greek
          position += 1
        } else if let command = peekCommand(), !command.isEmpty {
          let commandStart = position
          consumeCommand(command)
          if let greek = GreekLetters.name(ofLaTeXCommand: command) {
            parts[parts.count - 1] += greek
          } else if Self.textCommands.contains(command) {
            parts[parts.count - 1] += try readTextArgument(of: command)
          } else {
            throw Diagnostic(.unsupportedCommand("\\" + command), at: span(from: commandStart))
          }
        } else if c == "\\", let next = peek(1), Self.spacing.contains(next) {
          position += 2
        } else {
          throw expected("letters, digits or ',' in a subscript")
        }
      }
      if parts.contains(where: \.isEmpty) {
        throw Diagnostic(
          .expected("a name or digits in the subscript", found: "'\(text(from: open))'"), at: span(from: open))
      }
      return parts
    }
    if scalar.isASCIILetter || scalar.isASCIIDigit {
      position += 1
      if let next = peek(), next.isASCIILetter || next.isASCIIDigit,
        scalar.isASCIILetter || next.isASCIIDigit
      {
        throw severalCharacters(in: "subscript", from: start)
      }
      return [String(scalar)]
    }
    if let greek = GreekLetters.name(of: scalar) {
      position += 1
      return [greek]
    }
    if let command = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: command) {
      consumeCommand(command)
      return [greek]
    }
    throw expected("a subscript after '_'")
  }

  /// The text argument of `\mathrm`, `\operatorname`, `\mathit`, `\text`, `\mathbf`…: letters and
  /// digits in braces (`{ReLU}`, `{net}`), or one letter or Greek letter without them
  /// (`\boldsymbol\phi`). `\_` is an underscore; one Greek letter may stand alone (`{\phi}`).
  private mutating func readTextArgument(of command: String) throws(Diagnostic) -> String {
    if peek() == "*" { position += 1 }  // `\operatorname*`
    skipSpaces()
    guard let scalar = peek() else { throw expected("an argument after '\\\(command)'") }
    if scalar != "{" {
      if scalar.isASCIILetter || scalar.isASCIIDigit {
        position += 1
        return String(scalar)
      }
      if let word = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: word) {
        consumeCommand(word)
        return greek
      }
      throw expected("'{' after '\\\(command)'")
    }
    let open = position
    position += 1
    var content = ""
    while true {
      guard let c = peek() else {
        throw Diagnostic(.unclosedBracket("{"), at: SourceSpan(start: offsets[open], end: offsets[open + 1]))
      }
      if c == "}" {
        position += 1
        break
      }
      if c.isASCIILetter || c.isASCIIDigit {
        content.unicodeScalars.append(c)
        position += 1
      } else if c == "\\" && peek(1) == "_" {
        content += "_"
        position += 2
      } else if content.isEmpty, let word = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: word) {
        consumeCommand(word)
        content = greek
        skipSpaces()
        guard peek() == "}" else { throw expected("'}' after the Greek letter") }
      } else if c == " " && content.isEmpty {
        position += 1
      } else {
        throw expected("letters or digits in '\\\(command){…}'")
      }
    }
    guard !content.isEmpty else {
      throw Diagnostic(.expected("a name in '\\\(command){…}'", found: "'\(text(from: open))'"), at: span(from: open))
    }
    return content
  }

  // MARK: Commands

  /// Commands that draw a word in a font; their argument is a name or, for the upright ones, a
  /// function (`\operatorname{ReLU}`, `\mathrm{softplus}`).
  static let textCommands: Set<String> = [
    "operatorname", "mathrm", "text", "textrm", "textnormal", "mbox", "mathit", "textit", "mathsf",
    "mathbf", "boldsymbol", "bm", "mathbb", "mathds", "pmb",
  ]
  private static let uprightCommands: Set<String> = ["operatorname", "mathrm", "text", "textrm", "textnormal", "mbox"]
  private static let boldCommands: Set<String> = ["mathbf", "boldsymbol", "bm", "mathbb", "mathds", "pmb"]

  /// Function commands and the function names they stand for.
  static let functionCommands: [String: String] = [
    "sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "log": "log", "ln": "ln",
    "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "arctan": "atan", "arcsin": "asin",
    "arccos": "acos", "max": "max", "min": "min",
  ]

  /// Commands that only set spacing or style, skipped.
  private static let ignoredCommands: Set<String> = [
    "quad", "qquad", "enspace", "thinspace", "medspace", "thickspace", "negthinspace",
    "negmedspace", "negthickspace", "displaystyle", "textstyle", "scriptstyle", "nonumber",
    "notag", "nolimits", "limits",
  ]

  /// Environments that only lay out lines: their `\begin{…}` and `\end{…}` are skipped.
  private static let layoutEnvironments: Set<String> = [
    "equation", "equation*", "align", "align*", "aligned", "alignat", "alignat*", "gather",
    "gather*", "gathered", "split", "multline", "multline*", "eqnarray", "eqnarray*", "math",
    "displaymath",
  ]

  /// Punctuation commands that set spacing: `\,` `\;` `\:` `\!` `\>` and a control space.
  private static let spacing: Set<Unicode.Scalar> = [",", ";", ":", "!", ">", " ", "\t", "\n", "\r"]

  /// Size prefixes of delimiters: `\bigl(` is `\left(`, `\Bigr]` is `\right]`, `\big(` is `(`.
  private static let sizes = ["bigg", "Bigg", "big", "Big"]  // longest first

  /// Every command the reader understands, for "did you mean" suggestions.
  static var knownCommands: [String] {
    let commands =
      Array(functionCommands.keys) + Array(textCommands) + GreekLetters.table.map { String($0.latex.dropFirst()) }
      + ["frac", "dfrac", "tfrac", "sqrt", "cdot", "times", "div", "left", "right", "lvert", "rvert"]
    return commands.sorted()  // so ties go the same way on every run: `\sinn` → `\sin`, not `\sinh`
  }

  private mutating func lexCommand(from start: Int) throws(Diagnostic) {
    guard let next = peek() else {
      throw Diagnostic(.unsupportedCommand("\\"), at: span(from: start))
    }
    guard next.isASCIILetter else {
      position += 1
      if Self.spacing.contains(next) { return }
      switch next {
      case "\\": lineBreak(span(from: start))
      case "{": emit(.openBrace, span(from: start))
      case "}": try emitClosing(.closeBrace, span(from: start))
      case "[", "]", "(", ")": break  // display and inline math delimiters
      default: throw Diagnostic(.unsupportedCommand(text(from: start)), at: span(from: start))
      }
      return
    }
    let command = word(at: position)
    position += command.unicodeScalars.count
    let commandSpan = span(from: start)
    if Self.ignoredCommands.contains(command) { return }
    if let greek = GreekLetters.name(ofLaTeXCommand: command) {
      return try lexSubscripts(of: [greek], from: start)
    }
    if let function = Self.functionCommands[command] {
      return try lexFunction(function, from: start)
    }
    if Self.textCommands.contains(command) {
      return try lexStyledWord(command, from: start)
    }
    switch command {
    case "cdot", "times", "ast": emit(.star, commandSpan)
    case "div": emit(.slash, commandSpan)
    case "frac", "dfrac", "tfrac":
      emit(.openParen, commandSpan)
      try beginFractionPart(numerator: true, commandSpan)
    case "sqrt": try lexSquareRoot(from: start)
    case "left": try lexDelimiter(opening: true, command: "\\left", from: start)
    case "right": try lexDelimiter(opening: false, command: "\\right", from: start)
    case "lvert":
      emit(.name("abs"), commandSpan)
      emit(.openParen, commandSpan)
    case "rvert": try emitClosing(.closeParen, commandSpan)
    case "lbrack": emit(.openBracket, commandSpan)
    case "rbrack": try emitClosing(.closeBracket, commandSpan)
    case "lbrace": emit(.openBrace, commandSpan)
    case "rbrace": try emitClosing(.closeBrace, commandSpan)
    case "gt": try lexComparison(from: start)
    case "begin", "end":
      let environment = try readEnvironment(command)
      guard Self.layoutEnvironments.contains(environment) else {
        throw Diagnostic(.unsupportedCommand("\\\(command){\(environment)}"), at: span(from: start))
      }
    case "label", "tag":
      _ = try readEnvironment(command)
    default:
      if let size = Self.sizes.first(where: { command.hasPrefix($0) && command.count <= $0.count + 1 }) {
        switch command.dropFirst(size.count) {
        case "l": return try lexDelimiter(opening: true, command: "\\" + command, from: start)
        case "r": return try lexDelimiter(opening: false, command: "\\" + command, from: start)
        case "", "m": return  // the delimiter that follows is read as itself
        default: break
        }
      }
      throw Diagnostic(.unsupportedCommand("\\" + command), at: commandSpan)
    }
  }

  /// The `{name}` after `\begin`, `\end`, `\label` or `\tag`.
  private mutating func readEnvironment(_ command: String) throws(Diagnostic) -> String {
    skipSpaces()
    guard peek() == "{" else { throw expected("'{' after '\\\(command)'") }
    let open = position
    while let c = peek(), c != "}", c != "\n" { position += 1 }
    guard peek() == "}" else {
      throw Diagnostic(.unclosedBracket("{"), at: SourceSpan(start: offsets[open], end: offsets[open + 1]))
    }
    position += 1
    var name = ""
    name.unicodeScalars.append(contentsOf: scalars[(open + 1)..<(position - 1)])
    return name.trimmingSpaces()
  }

  /// A function command: its name token; the parser reads the bracket or the one-factor argument.
  /// `\sin^2 x` is refused: its power belongs after the argument.
  private mutating func lexFunction(_ name: String, from start: Int) throws(Diagnostic) {
    emit(.name(name), span(from: start))
    let save = position
    skipSpaces()
    guard peek() == "^" else {
      position = save
      return
    }
    position += 1
    throw Diagnostic(.unsupportedCommand(text(from: start).filter { $0 != " " }), at: span(from: start))
  }

  /// `\operatorname{ReLU}`, `\mathrm{out}_{h1}`, `\mathit{net}_{h}`, `\boldsymbol\phi`, `\mathbf{1}[u > 0]`.
  private mutating func lexStyledWord(_ command: String, from start: Int) throws(Diagnostic) {
    let word = try readTextArgument(of: command)
    if Self.boldCommands.contains(command)
      && (word == "1" || (word == "I" && (command == "mathbb" || command == "mathds")))
    {
      return try lexIndicator(from: start)
    }
    if Self.uprightCommands.contains(command), let function = Self.function(named: word) {
      return try lexFunction(function.name, from: start)
    }
    if command == "operatorname" {
      throw Diagnostic(.unknownFunction(word, suggestion: Function.suggestion(for: word)), at: span(from: start))
    }
    guard word.unicodeScalars.first?.isASCIIDigit != true else {
      throw Diagnostic(.expected("a name in '\\\(command){…}'", found: "'\(word)'"), at: span(from: start))
    }
    try lexSubscripts(of: [word], from: start)
  }

  /// A function named in an upright font, any capitalisation: `ReLU`, `softplus`, `sgn`, `arctan`.
  private static func function(named word: String) -> Function? {
    let lowered = word.lowercased()
    if let function = Function(named: lowered) { return function }
    switch lowered {
    case "sgn": return .sign
    case "arctan": return .atan
    case "arcsin": return .asin
    case "arccos": return .acos
    default: return nil
    }
  }

  /// `\sqrt{a}` is `sqrt{a}` and `\sqrt2` is `sqrt(2)`; `\sqrt[n]{a}` is refused.
  private mutating func lexSquareRoot(from start: Int) throws(Diagnostic) {
    let commandSpan = span(from: start)
    skipSpaces()
    if peek() == "[" {
      while let c = peek(), c != "]", c != "\n", c != "{" { position += 1 }
      if peek() == "]" { position += 1 }
      throw Diagnostic(.unsupportedCommand(text(from: start).filter { $0 != " " }), at: span(from: start))
    }
    emit(.name("sqrt"), commandSpan)
    if peek() == "{" { return }  // the group is read next, as the argument
    try lexOneCharacterArgument(after: "\\sqrt", isScript: false)
  }

  /// The argument of `^`: a group in braces or one character.
  private mutating func lexSuperscript() throws(Diagnostic) {
    skipSpaces()
    if peek() == "{" {
      let start = position
      position += 1
      return openGroup(.superscript, span(from: start))
    }
    try lexOneCharacterArgument(after: "^", isScript: true)
    superscriptEnd = tokens.count
  }

  /// The delimiter after `\left`, `\right`, `\bigl`, `\Bigr`…: `(` `[` `\{` as brackets, `|` as
  /// the absolute value's bars.
  private mutating func lexDelimiter(opening: Bool, command: String, from start: Int) throws(Diagnostic) {
    skipSpaces()
    guard let scalar = peek() else { throw expected("a bracket after '\(command)'") }
    // The delimiter as written: `(`, `|`, `\{`, `\lbrace`.
    let delimiterStart = position
    if scalar == "\\" {
      let word = word(at: position + 1)
      position += 1 + max(1, word.unicodeScalars.count)
      position = min(position, scalars.count)
    } else {
      position += 1
    }
    let delimiter = text(from: delimiterStart)
    let delimiterSpan = span(from: start)
    switch (opening, delimiter) {
    case (true, "("): emit(.openParen, delimiterSpan)
    case (true, "["), (true, "\\lbrack"): emit(.openBracket, delimiterSpan)
    case (true, "\\{"), (true, "\\lbrace"): emit(.openBrace, delimiterSpan)
    case (true, "|"), (true, "\\vert"), (true, "\\lvert"):
      emit(.name("abs"), delimiterSpan)
      emit(.openParen, delimiterSpan)
    case (false, ")"), (false, "|"), (false, "\\vert"), (false, "\\rvert"):
      try emitClosing(.closeParen, delimiterSpan)
    case (false, "]"), (false, "\\rbrack"): try emitClosing(.closeBracket, delimiterSpan)
    case (false, "\\}"), (false, "\\rbrace"): try emitClosing(.closeBrace, delimiterSpan)
    default:
      if delimiter == "." || delimiter.hasPrefix("\\") {
        throw Diagnostic(.unsupportedCommand(text(from: start).filter { $0 != " " }), at: delimiterSpan)
      }
      position = start + command.unicodeScalars.count
      skipSpaces()
      throw expected("\(opening ? "an opening" : "a closing") bracket after '\(command)'")
    }
  }

  /// `\mathbf{1}[u > 0]`, the printed form of step(u): the name `step`, then the bracket.
  private mutating func lexIndicator(from start: Int) throws(Diagnostic) {
    let indicatorSpan = span(from: start)
    emit(.name("step"), indicatorSpan)
    skipSpaces()
    let opensBracket: Bool
    if let command = peekCommand() {
      opensBracket = command == "left" || Self.sizes.contains { command == $0 + "l" }
    } else {
      opensBracket = peek() == "[" || peek() == "("
    }
    guard opensBracket else { throw expected("'[' after '\\mathbf{1}'") }
    indicators.append(bracketDepth + 1)
  }

  /// The `> 0` closing an indicator `\mathbf{1}[u > 0]`; any other comparison is refused.
  private mutating func lexComparison(from start: Int) throws(Diagnostic) {
    guard indicators.last == bracketDepth else {
      throw Diagnostic(.unsupportedCommand(text(from: start)), at: span(from: start))
    }
    skipSpaces()
    let zeroStart = position
    if let scalar = peek(), scalar.isASCIIDigit || scalar == "." {
      let (text, end) = Lexer.scanNumber(in: scalars, from: position)
      if Double(text) == 0 {
        position = end
        indicators.removeLast()
        return
      }
    }
    position = zeroStart
    throw expected("0 after '>' in '\\mathbf{1}[u > 0]'")
  }
}

extension LaTeXLexer {
  /// The advice printed under an unsupported command.
  static func hint(forUnsupported command: String) -> String {
    if command.hasPrefix("\\sqrt[") { return "write the root as a power, e.g. x^{1/3}" }
    if command.hasSuffix("^") {
      let name = String(command.dropLast())
      return "write the power after the argument, \(name)[x]^{2}; inverses are \\arcsin \\arccos \\arctan"
    }
    switch command {
    case "|", "\\vert", "\\|": return "write \\left| … \\right| for an absolute value"
    case ">", "\\gt": return "a comparison is read only in the indicator \\mathbf{1}[u > 0]"
    case "\\partial", "\\nabla", "\\mathrm{d}":
      return "write the function itself; ChainRule finds its derivatives"
    case "\\sum", "\\prod", "\\int": return "write the terms out, or one definition per line"
    case "\\left.", "\\right.": return "write matching brackets, e.g. \\left( … \\right)"
    default: break
    }
    let word = String(command.drop { $0 == "\\" })
    if word.count >= 4, word.allSatisfy(\.isLetter),
      let suggestion = Suggestion.closest(to: word, among: knownCommands.filter { $0.count >= 3 })
    {
      return "did you mean '\\\(suggestion)'?"
    }
    return "supported: \\frac \\sqrt \\cdot \\times \\left \\right, functions and Greek letters"
  }
}

extension Unicode.Scalar {
  fileprivate var isASCIIDigit: Bool { self >= "0" && self <= "9" }
  fileprivate var isASCIILetter: Bool { (self >= "a" && self <= "z") || (self >= "A" && self <= "Z") }
}
