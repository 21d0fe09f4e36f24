/// Turns formula text into tokens, canonicalising names and operator spellings.
///
/// Accepts `*`, `·`, `⋅`, `×` for multiplication, `**` and `^` for powers, `−` (U+2212) for
/// minus, `;` as a line break, `#` comments, and names such as `beta_0`, `β₀`, `x_{10}`.
/// Line breaks inside brackets are skipped, so a long formula may span several lines.
struct Lexer {
  private let scalars: [Unicode.Scalar]
  private let offsets: [Int]  // UTF-8 offset of each scalar, plus one past the end
  private let utf8: [UInt8]
  private var position = 0
  private var bracketDepth = 0

  init(_ source: String) {
    (scalars, offsets) = Self.scalarsAndOffsets(of: source)
    utf8 = Array(source.utf8)
  }

  /// The source's Unicode scalars, and the UTF-8 offset of each (plus one past the end): both
  /// lexers read scalars and report spans in UTF-8 offsets.
  static func scalarsAndOffsets(of source: String) -> ([Unicode.Scalar], [Int]) {
    var scalars: [Unicode.Scalar] = []
    var offsets: [Int] = []
    scalars.reserveCapacity(source.utf8.count)
    offsets.reserveCapacity(source.utf8.count + 1)
    var offset = 0
    for scalar in source.unicodeScalars {
      scalars.append(scalar)
      offsets.append(offset)
      offset += UTF8.width(scalar)
    }
    offsets.append(offset)
    return (scalars, offsets)
  }

  /// Lexes the whole source.
  ///
  /// - Throws: ``Diagnostic`` for a character that cannot start a token or a malformed number.
  mutating func tokenize() throws(Diagnostic) -> [Token] {
    var tokens: [Token] = []
    while true {
      let token = try next()
      tokens.append(token)
      if token.kind == .end { return tokens }
    }
  }

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    let index = position + ahead
    return index < scalars.count ? scalars[index] : nil
  }

  private func span(from start: Int) -> SourceSpan {
    SourceSpan(start: offsets[start], end: offsets[position])
  }

  private mutating func next() throws(Diagnostic) -> Token {
    skipSpaceAndComments()
    let start = position
    guard let scalar = peek() else {
      return Token(kind: .end, span: span(from: start))
    }
    if scalar == "\n" || scalar == ";" {
      position += 1
      if bracketDepth > 0 { return try next() }
      return Token(kind: .newline, span: span(from: start))
    }
    if isDigit(scalar) || (scalar == "." && peek(1).map(isDigit) == true) {
      return try lexNumber()
    }
    if isASCIILetter(scalar) || GreekLetters.isLetter(scalar) {
      return lexName()
    }
    position += 1
    let kind: Token.Kind
    switch scalar {
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
    case "/", "÷": kind = .slash
    case "^": kind = .caret
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
    case ",": kind = .comma
    case "=": kind = .equals
    default:
      throw Diagnostic(.unexpectedCharacter(Self.describe(scalar)), at: span(from: start))
    }
    return Token(kind: kind, span: span(from: start))
  }

  /// How an unexpected character is named in a message: visible ones quoted, others by code.
  static func describe(_ scalar: Unicode.Scalar) -> String {
    let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
    if scalar.properties.generalCategory == .control {
      return "(control character \(code))"
    }
    if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format {
      return "(invisible character \(code))"
    }
    return "'\(scalar)' (\(code))"
  }

  private mutating func skipSpaceAndComments() {
    while let scalar = peek() {
      if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\u{A0}" {
        position += 1
      } else if scalar == "#" {
        while let c = peek(), c != "\n" { position += 1 }
      } else {
        return
      }
    }
  }

  private mutating func lexNumber() throws(Diagnostic) -> Token {
    let start = position
    let (text, end) = Self.scanNumber(in: scalars, from: position)
    position = end
    guard let value = Double(text), value.isFinite else {
      throw Diagnostic(.numberOutOfRange(text), at: span(from: start))
    }
    return Token(kind: .number(value), span: span(from: start))
  }

  /// The number literal starting at `start` and the index just past it.
  ///
  /// Digits, an optional fraction and an optional exponent (`2`, `.5`, `2.`, `6.02E23`, `1e-3`),
  /// spelled so `Double(_:)` reads it: `.5` → `0.5`, `2.` → `2.0`. Shared by both lexers.
  static func scanNumber(in scalars: [Unicode.Scalar], from start: Int) -> (text: String, end: Int) {
    var position = start
    func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
      position + ahead < scalars.count ? scalars[position + ahead] : nil
    }
    func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
      scalar.map { $0 >= "0" && $0 <= "9" } ?? false
    }
    var text = ""
    while let c = peek(), isDigit(c) {
      text.unicodeScalars.append(c)
      position += 1
    }
    if peek() == ".", isDigit(peek(1)) || !text.isEmpty {
      text.append(".")
      position += 1
      while let c = peek(), isDigit(c) {
        text.unicodeScalars.append(c)
        position += 1
      }
    }
    if let e = peek(), e == "e" || e == "E" {
      var ahead = 1
      if let sign = peek(1), sign == "+" || sign == "-" { ahead = 2 }
      if isDigit(peek(ahead)) {
        text.append("e")
        if ahead == 2, let sign = peek(1) { text.unicodeScalars.append(sign) }
        position += ahead
        while let c = peek(), isDigit(c) {
          text.unicodeScalars.append(c)
          position += 1
        }
      }
    }
    if text.hasPrefix(".") { text = "0" + text }
    if text.hasSuffix(".") { text += "0" }
    return (text, position)
  }

  private mutating func lexName() -> Token {
    let start = position
    var base = ""
    if let first = peek(), !isASCIILetter(first), let greek = GreekLetters.name(of: first) {
      base = greek
      position += 1
    }
    let asciiStart = position
    while let c = peek(), isASCIILetter(c) || isDigit(c) || c == "_" {
      // `β_{10}`: the braces belong to the subscript, not to the name's characters.
      if c == "_" && peek(1) == "{" { break }
      // An underscore joins a name to a letter or digit (`x_1`, `net_h1`, `w1_₁₁` as the
      // Unicode output prints `w1_11`); `x_` and `x__1` leave it out, so it is reported where
      // it stands.
      if c == "_", let next = peek(1),
        !(isASCIILetter(next) || isDigit(next) || Self.subscriptDigit(next) != nil)
      {
        break
      }
      if c == "_" && peek(1) == nil { break }
      position += 1
    }
    // The characters read are ASCII, so their UTF-8 bytes are the source's, copied at once.
    base += String(decoding: utf8[offsets[asciiStart]..<offsets[position]], as: UTF8.self)
    var digits: String? = nil
    if peek() == "_" && peek(1) == "{" {
      var ahead = 2
      var inner = ""
      while let c = peek(ahead), isDigit(c) || isASCIILetter(c) {
        inner.unicodeScalars.append(c)
        ahead += 1
      }
      if peek(ahead) == "}" && !inner.isEmpty {
        position += ahead + 1
        if inner.unicodeScalars.allSatisfy(isDigit) {
          digits = inner
          // `w1_{11}` is `w1_11`, as in LaTeX, not `w111` (which `w11_{1}` could also mean).
          if let last = base.utf8.last, last >= UInt8(ascii: "0") && last <= UInt8(ascii: "9") { base += "_" }
        } else {
          base += "_" + inner
        }
      }
    }
    if digits == nil {
      var subscripts = ""
      while let c = peek(), let digit = Self.subscriptDigit(c) {
        subscripts.append(digit)
        position += 1
      }
      if !subscripts.isEmpty { digits = subscripts }
    }
    let name = SymbolSpelling.canonicalName(base: base, subscript: digits)
    return Token(kind: .name(name), span: span(from: start))
  }

  private static func subscriptDigit(_ scalar: Unicode.Scalar) -> Character? {
    guard (0x2080...0x2089).contains(scalar.value) else { return nil }
    return Character(String(scalar.value - 0x2080))
  }

  private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    scalar >= "0" && scalar <= "9"
  }

  private func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
    (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
  }
}

extension String {
  func leftPadded(to width: Int, with pad: Character = "0") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
