import ChainRuleSyntax

/// Turns a matrix-mode formula into tokens, in plain text, Unicode or LaTeX.
///
/// Besides the scalar grammar's spellings it reads `@`, `⊙`/`.*`, `ᵀ`/`'`, `.T`/`.dot(…)`,
/// `‖·‖`, `:` (declarations), superscript powers `²` and superscript names `W⁽¹⁾`; in LaTeX
/// `\odot`, `^\top`, `\|W\|_F^2`, `W^{(1)}`, `\operatorname{…}` and `x \in \mathbb{R}^{N \times D}`.
/// Names are canonicalised as the scalar lexer does (``Parser/canonicalName(_:)``).
struct MatrixLexer {
  private let scalars: [Unicode.Scalar]
  /// The UTF-8 offset of each scalar, and one past the end.
  private let offsets: [Int]
  private let latex: Bool
  private var position = 0
  private var bracketDepth = 0
  /// Base names declared with a plain superscript `W^(1)`: only these read `^(k)` as part of
  /// the name (otherwise it is a power).
  let superscriptBases: Set<String>

  init(_ source: String, latex: Bool, superscriptBases: Set<String> = []) {
    var scalars: [Unicode.Scalar] = []
    var offsets: [Int] = []
    var offset = 0
    for scalar in source.unicodeScalars {
      scalars.append(scalar)
      offsets.append(offset)
      offset += UTF8.width(scalar)
    }
    offsets.append(offset)
    self.scalars = scalars
    self.offsets = offsets
    self.latex = latex
    self.superscriptBases = superscriptBases
  }

  mutating func tokenize() throws(MatrixDiagnostic) -> [MatrixToken] {
    var tokens: [MatrixToken] = []
    while true {
      let token = try next(previous: tokens.last?.kind)
      tokens.append(token)
      if token.kind == .end { return tokens }
    }
  }

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    position + ahead < scalars.count ? scalars[position + ahead] : nil
  }

  private func span(from start: Int) -> SourceSpan {
    SourceSpan(start: offsets[start], end: offsets[min(position, scalars.count)])
  }

  private func token(_ kind: MatrixToken.Kind, from start: Int) -> MatrixToken {
    MatrixToken(kind: kind, span: span(from: start))
  }

  private static func isDigit(_ s: Unicode.Scalar?) -> Bool { s.map { $0 >= "0" && $0 <= "9" } ?? false }
  private static func isLetter(_ s: Unicode.Scalar?) -> Bool {
    guard let s else { return false }
    if (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") { return true }
    // Greek letters and ℓ, as the scalar lexer reads them (asked only of those blocks).
    guard (0x0370...0x03FF).contains(s.value) || s.value == 0x2113 else { return false }
    return Parser.canonicalName(String(s)) != nil
  }
  private static let subscriptDigits: [UInt32: Character] = Dictionary(
    uniqueKeysWithValues: (0...9).map { (0x2080 + UInt32($0), Character(String($0))) })
  private static let superscriptDigits: [UInt32: Int] = [
    0x2070: 0, 0xB9: 1, 0xB2: 2, 0xB3: 3, 0x2074: 4, 0x2075: 5, 0x2076: 6, 0x2077: 7, 0x2078: 8, 0x2079: 9,
  ]

  private mutating func skipSpace() {
    while let c = peek() {
      if c == " " || c == "\t" || c == "\r" || c == "\u{A0}" {
        position += 1
      } else if c == "#" || (latex && c == "%") {
        while let d = peek(), d != "\n" { position += 1 }
      } else if latex && c == "\\", let d = peek(1), ",;:! ".unicodeScalars.contains(d) {
        position += 2
      } else if latex && c == "&" {
        position += 1
      } else {
        return
      }
    }
  }

  private mutating func next(previous: MatrixToken.Kind?) throws(MatrixDiagnostic) -> MatrixToken {
    skipSpace()
    let start = position
    guard let c = peek() else { return token(.end, from: start) }
    if c == "\n" || c == ";" || (latex && c == "\\" && peek(1) == "\\") {
      position += c == "\\" ? 2 : 1
      if bracketDepth > 0 { return try next(previous: previous) }
      return token(.newline, from: start)
    }
    if Self.isDigit(c) || (c == "." && Self.isDigit(peek(1))) { return try number() }
    if latex && c == "\\" { return try command(previous: previous) }
    if Self.isLetter(c) { return name() }
    if let power = Self.superscriptDigits[c.value] {
      var value = power
      position += 1
      while let d = peek(), let digit = Self.superscriptDigits[d.value] {
        value = value * 10 + digit
        position += 1
      }
      return token(.superscript(value), from: start)
    }
    position += 1
    let kind: MatrixToken.Kind
    switch c {
    case "+": kind = .plus
    case "-", "−", "–": kind = .minus
    case "*":
      if peek() == "*" {
        position += 1
        kind = .caret
      } else {
        kind = .star
      }
    case "·", "⋅", "×", "∙": kind = .star
    case "@": kind = .at
    case "⊙", "∘", "◦": kind = .hadamard
    case ".":
      if peek() == "*" {
        position += 1
        kind = .hadamard
      } else {
        kind = .dot
      }
    case "/", "÷": kind = .slash
    case "^": kind = .caret
    case "ᵀ", "⊤", "'", "’": kind = .transposeMark
    case "‖": kind = .norm
    case "_": kind = .underscore
    case ":", "∈": kind = .colon
    case ",": kind = .comma
    case "=": kind = .equals
    case "(":
      kind = .openParen
      bracketDepth += 1
    case "[":
      kind = .openBracket
      bracketDepth += 1
    case "{":
      kind = .openBrace
      bracketDepth += 1
    case ")":
      kind = .closeParen
      bracketDepth = max(0, bracketDepth - 1)
    case "]":
      kind = .closeBracket
      bracketDepth = max(0, bracketDepth - 1)
    case "}":
      kind = .closeBrace
      bracketDepth = max(0, bracketDepth - 1)
    case "|" where !latex: kind = .norm
    case "|" where latex && peek() == "|":
      position += 1
      kind = .norm
    default:
      position = start
      throw unexpectedCharacter(c, at: start)
    }
    return token(kind, from: start)
  }

  private func unexpectedCharacter(_ c: Unicode.Scalar, at start: Int) -> MatrixDiagnostic {
    let code = "U+" + String(c.value, radix: 16, uppercase: true).leftPadded(to: 4)
    let text = c.properties.isWhitespace || c.properties.generalCategory == .control ? "(\(code))" : "'\(c)' (\(code))"
    return MatrixDiagnostic(
      Diagnostic(.unexpectedCharacter(text), at: SourceSpan(start: offsets[start], end: offsets[start + 1])))
  }

  private mutating func number() throws(MatrixDiagnostic) -> MatrixToken {
    let start = position
    var text = ""
    while let c = peek(), Self.isDigit(c) {
      text.unicodeScalars.append(c)
      position += 1
    }
    // `2.` is a number, but `h.T` and `2.*x` are not part of one.
    if peek() == ".", Self.isDigit(peek(1)) || (!text.isEmpty && peek(1) != "*" && !Self.isLetter(peek(1))) {
      text.append(".")
      position += 1
      while let c = peek(), Self.isDigit(c) {
        text.unicodeScalars.append(c)
        position += 1
      }
    }
    if let e = peek(), e == "e" || e == "E" {
      var ahead = 1
      if let sign = peek(1), sign == "+" || sign == "-" { ahead = 2 }
      if Self.isDigit(peek(ahead)) {
        text.append("e")
        if ahead == 2, let sign = peek(1) { text.unicodeScalars.append(sign) }
        position += ahead
        while let c = peek(), Self.isDigit(c) {
          text.unicodeScalars.append(c)
          position += 1
        }
      }
    }
    if text.hasPrefix(".") { text = "0" + text }
    if text.hasSuffix(".") { text += "0" }
    guard let value = Double(text), value.isFinite else {
      throw MatrixDiagnostic(Diagnostic(.numberOutOfRange(text), at: span(from: start)))
    }
    return token(.number(value), from: start)
  }

  /// A name: letters, digits, underscores joining parts, subscript digits, `_{…}`; then a
  /// superscript `⁽¹⁾`, `^{(1)}` (LaTeX) or `^(1)` (plain, for declared bases).
  private mutating func name() -> MatrixToken {
    let start = position
    var raw = ""
    while let c = peek() {
      if Self.isLetter(c) || Self.isDigit(c) || Self.subscriptDigits[c.value] != nil {
        raw.unicodeScalars.append(c)
        position += 1
      } else if c == "_", Self.isLetter(peek(1)) || Self.isDigit(peek(1)) {
        raw.append("_")
        position += 1
      } else if c == "_", peek(1) == "{", let group = braceGroup(at: position + 1) {
        raw += "_{" + group.text + "}"
        position = group.end
      } else {
        break
      }
    }
    // ASCII letters and digits alone are their own canonical spelling (as in the scalar lexer).
    let plain = raw.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "_") }
    var name = plain ? raw : (Parser.canonicalName(raw) ?? raw)
    if let suffix = superscriptSuffix(base: name) { name += suffix }
    return token(.name(name), from: start)
  }

  /// The text of the `{…}` group starting at `index` (without nested groups), and the index
  /// after it.
  private func braceGroup(at index: Int) -> (text: String, end: Int)? {
    guard index < scalars.count, scalars[index] == "{" else { return nil }
    var text = ""
    var i = index + 1
    while i < scalars.count, scalars[i] != "}" {
      if scalars[i] == "{" || scalars[i] == "\n" { return nil }
      text.unicodeScalars.append(scalars[i])
      i += 1
    }
    guard i < scalars.count else { return nil }
    return (text.trimmingCharacters(), i + 1)
  }

  /// `⁽¹⁾`, `^{(1)}` or (for a declared base) `^(1)` after a name: `^(1)`, moving past it.
  private mutating func superscriptSuffix(base: String) -> String? {
    if peek() == "⁽" {
      var digits = ""
      var i = position + 1
      while i < scalars.count, let d = Self.superscriptDigits[scalars[i].value] {
        digits += String(d)
        i += 1
      }
      guard !digits.isEmpty, i < scalars.count, scalars[i] == "⁾" else { return nil }
      position = i + 1
      return "^(\(digits))"
    }
    guard peek() == "^" else { return nil }
    var i = position + 1
    let braced = latex && i < scalars.count && scalars[i] == "{"
    if braced { i += 1 }
    guard i < scalars.count, scalars[i] == "(" else { return nil }
    guard braced || superscriptBases.contains(base) else { return nil }
    i += 1
    var digits = ""
    while i < scalars.count, Self.isDigit(scalars[i]) {
      digits.unicodeScalars.append(scalars[i])
      i += 1
    }
    guard !digits.isEmpty, i < scalars.count, scalars[i] == ")" else { return nil }
    i += 1
    if braced {
      guard i < scalars.count, scalars[i] == "}" else { return nil }
      i += 1
    }
    position = i
    return "^(\(digits))"
  }

  /// A LaTeX command.
  private mutating func command(previous: MatrixToken.Kind?) throws(MatrixDiagnostic) -> MatrixToken {
    let start = position
    position += 1
    if let c = peek(), !Self.isASCIILetter(c) {
      position += 1
      switch c {
      case "|": return token(.norm, from: start)
      case "{":
        bracketDepth += 1
        return token(.openBrace, from: start)
      case "}":
        bracketDepth = max(0, bracketDepth - 1)
        return token(.closeBrace, from: start)
      default: throw unsupported("\\" + String(c), from: start)
      }
    }
    var word = ""
    while let c = peek(), Self.isASCIILetter(c) {
      word.unicodeScalars.append(c)
      position += 1
    }
    switch word {
    case "cdot", "times", "ast": return token(.star, from: start)
    case "odot", "circ": return token(.hadamard, from: start)
    case "top", "intercal": return token(.transposeMark, from: start)
    case "lVert", "rVert", "Vert": return token(.norm, from: start)
    case "frac", "dfrac", "tfrac": return token(.fraction, from: start)
    case "in": return token(.colon, from: start)
    case "left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "biggl", "biggr":
      // `\left.` opens nothing; otherwise the delimiter after it is read as usual.
      skipSpace()
      if peek() == "." { position += 1 }
      return try next(previous: previous)
    case "quad", "qquad": return try next(previous: previous)
    case "mathbb":
      if let group = braceGroup(at: position), group.text == "R" {
        position = group.end
        return token(.reals, from: start)
      }
      throw unsupported("\\mathbb", from: start)
    case "operatorname", "mathrm", "text", "textrm", "mathit", "mathbf", "boldsymbol", "bm", "mathsf":
      skipSpace()
      guard let group = braceGroup(at: position) else { throw unsupported("\\" + word, from: start) }
      position = group.end
      if word == "mathsf" && group.text == "T" { return token(.transposeMark, from: start) }
      var raw = group.text.replacingSpaces()
      // An upright function name in any capitalisation: \operatorname{ReLU}, \mathrm{Tr}, \operatorname{CE}.
      if word == "operatorname" || word == "mathrm" || word == "text", let function = Self.uprightFunction(raw) {
        return token(.name(function), from: start)
      }
      if peek() == "_", peek(1) == "{", let sub = braceGroup(at: position + 1) {
        raw += "_{" + sub.text + "}"
        position = sub.end
      } else if peek() == "_", Self.isLetter(peek(1)) || Self.isDigit(peek(1)) {
        raw += "_" + String(peek(1).map(Character.init) ?? "_")
        position += 2
      }
      var name = Parser.canonicalName(raw) ?? raw
      if let suffix = superscriptSuffix(base: name) { name += suffix }
      return token(.name(name), from: start)
    default:
      // A Greek letter or a function name (`\lambda`, `\ell`, `\exp`, `\max`): a name, with a
      // subscript if one follows.
      var raw = "\\" + word
      if peek() == "_", peek(1) == "{", let sub = braceGroup(at: position + 1) {
        raw += "_{" + sub.text + "}"
        position = sub.end
      } else if peek() == "_", let d = peek(1), Self.isLetter(d) || Self.isDigit(d) {
        raw += "_" + String(Character(d))
        position += 2
      }
      if let name = Parser.canonicalName(raw) {
        var full = name
        if let suffix = superscriptSuffix(base: name) { full += suffix }
        return token(.name(full), from: start)
      }
      if Function(named: word) != nil || ["tr", "sum", "max", "min", "arctan", "arcsin", "arccos"].contains(word) {
        let mapped = ["arctan": "atan", "arcsin": "asin", "arccos": "acos"][word] ?? word
        return token(.name(mapped), from: start)
      }
      throw unsupported("\\" + word, from: start)
    }
  }

  /// The function an upright name stands for: the table's names, aliases and upright names in
  /// any capitalisation, and matrix mode's own (`tr`, `sum`, `softmax`, `CE` for crossentropy).
  static func uprightFunction(_ name: String) -> String? {
    let lowered = name.lowercased()
    if let function = Function(named: lowered) { return function.name }
    for function in Function.allCases where function.definition.uprightNames.contains(lowered) { return function.name }
    if lowered == "ce" { return "crossentropy" }
    if ["tr", "trace", "sum", "mean", "softmax", "crossentropy", "norm"].contains(lowered) { return lowered }
    return nil
  }

  private func unsupported(_ command: String, from start: Int) -> MatrixDiagnostic {
    MatrixDiagnostic(Diagnostic(.unsupportedCommand(command), at: span(from: start)))
  }

  private static func isASCIILetter(_ c: Unicode.Scalar) -> Bool {
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }

  fileprivate func replacingSpaces() -> String { String(filter { $0 != " " }) }
}
