import ChainRuleSupport

/// Turns formula text into tokens, canonicalising names and operator spellings.
///
/// Accepts `*`, `·`, `⋅`, `×` for multiplication, `**` and `^` for powers, `−` (U+2212) for
/// minus, `;` as a line break, `#` comments, and names such as `beta_0`, `β₀`, `x_{10}`.
/// Line breaks inside brackets are skipped, so a long formula may span several lines.
struct Lexer {
  /// The source's UTF-8; positions and spans are byte offsets into it.
  private let bytes: [UInt8]
  private var position = 0
  private var bracketDepth = 0
  /// The names of the `.name` tokens, in canonical spelling, by the index each token holds.
  private(set) var names: [String] = []

  init(_ source: String) {
    bytes = Array(source.utf8)
    names.reserveCapacity(Swift.min(bytes.count / 4 + 1, 1 << 14))
  }

  /// The source's Unicode scalars, and the UTF-8 offset of each (plus one past the end), for
  /// the LaTeX lexer, which reads scalars and reports spans in UTF-8 offsets.
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
    tokens.reserveCapacity(Swift.min(bytes.count / 3 + 1, 1 << 16))
    while true {
      let token = try next()
      tokens.append(token)
      if token.kind == .end { return tokens }
    }
  }

  /// The scalar starting at byte `offset` and its width in bytes; nil at the end.
  private func scalar(at offset: Int) -> (scalar: Unicode.Scalar, width: Int)? {
    guard offset < bytes.count else { return nil }
    let lead = bytes[offset]
    if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
    // The source came from a `String`, so it is valid UTF-8.
    let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    guard offset + width <= bytes.count else { return nil }
    var value = UInt32(lead) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
    for i in 1..<width { value = value << 6 | UInt32(bytes[offset + i] & 0x3F) }
    guard let scalar = Unicode.Scalar(value) else { return nil }
    return (scalar, width)
  }

  /// The byte at the current position plus `ahead`, or 0 past the end (0 starts no token).
  private func byte(_ ahead: Int = 0) -> UInt8 {
    position + ahead < bytes.count ? bytes[position + ahead] : 0
  }

  private func span(from start: Int) -> SourceSpan {
    SourceSpan(start: start, end: position)
  }

  private mutating func next() throws(Diagnostic) -> Token {
    skipSpaceAndComments()
    let start = position
    guard let (scalar, width) = scalar(at: position) else {
      return Token(kind: .end, span: span(from: start))
    }
    if scalar == "\n" || scalar == ";" {
      position += 1
      if bracketDepth > 0 { return try next() }
      return Token(kind: .newline, span: span(from: start))
    }
    if isDigit(scalar) || (scalar == "." && isDigit(byte(1))) {
      return try lexNumber()
    }
    if isASCIILetter(scalar) || GreekLetters.isLetter(scalar) {
      return lexName()
    }
    if let token = try lexSuperscript() { return token }
    position += width
    let kind: Token.Kind
    switch scalar {
    case "|": kind = .bar
    case "√": kind = .squareRoot
    case "𝟙": kind = .indicator
    case ">": kind = .greater
    case "+": kind = .plus
    case "-", "−", "–": kind = .minus
    case "*":
      if byte() == UInt8(ascii: "*") {
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

  /// The value of a superscript digit (`²` → 2), or nil.
  private static func superscriptDigit(_ scalar: Unicode.Scalar) -> Int? {
    switch scalar.value {
    case 0x2070: 0
    case 0x00B9: 1
    case 0x00B2: 2
    case 0x00B3: 3
    case 0x2074...0x2079: Int(scalar.value - 0x2070)
    default: nil
    }
  }

  /// A superscript exponent as ChainRule prints it, `²`, `¹⁰`, `⁻¹`: one token with its value,
  /// or nil when the current character is not a superscript.
  private mutating func lexSuperscript() throws(Diagnostic) -> Token? {
    let start = position
    guard let (first, firstWidth) = scalar(at: position),
      first == "⁻" || first == "⁺" || Self.superscriptDigit(first) != nil
    else { return nil }
    var negative = false
    if first == "⁻" || first == "⁺" {
      negative = first == "⁻"
      position += firstWidth
    }
    var value = 0.0
    var digits = 0
    while let (next, width) = scalar(at: position), let digit = Self.superscriptDigit(next) {
      value = value * 10 + Double(digit)
      digits += 1
      position += width
    }
    guard digits > 0 else {
      throw Diagnostic(.expected("a superscript digit after '\(first)'", found: "none"), at: span(from: start))
    }
    return Token(kind: .superscript(negative ? -value : value), span: span(from: start))
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
    while position < bytes.count {
      let b = bytes[position]
      if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") {
        position += 1
      } else if b == 0xC2 && byte(1) == 0xA0 {  // U+00A0, no-break space
        position += 2
      } else if b == UInt8(ascii: "#") {
        while position < bytes.count && bytes[position] != UInt8(ascii: "\n") { position += 1 }
      } else {
        return
      }
    }
  }

  private mutating func lexNumber() throws(Diagnostic) -> Token {
    let start = position
    let text = scanNumber()
    return Token(kind: .number(try Self.value(ofLiteral: text, at: span(from: start))), span: span(from: start))
  }

  /// The value of a number literal as ``scanNumber(in:from:)`` spells it, refusing what a
  /// `Double` would change without a word: a literal too large (`1e400`), a non-zero one it
  /// would hold as 0 (`1e-400`), and an integer in digits it cannot hold exactly
  /// (`9223372036854775807`, whose nearest `Double` is 2⁶³). Decimals such as `0.1` are rounded
  /// as usual: no binary float holds them exactly, and their rounding is far below what prints.
  static func value(ofLiteral text: String, at span: SourceSpan) throws(Diagnostic) -> Double {
    guard let value = Double(text), value.isFinite else { throw Diagnostic(.numberOutOfRange(text), at: span) }
    let mantissa = text.prefix { $0 != "e" }
    if value == 0 && mantissa.contains(where: { $0 >= "1" && $0 <= "9" }) {
      throw Diagnostic(.numberUnderflows(text), at: span)
    }
    // Every integer up to 2^53 is a Double; past it, compare the digits with the Double's.
    if value >= 9_007_199_254_740_992, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
      let held = exactDigits(ofInteger: value)
      let written = String(text.drop { $0 == "0" })
      if held != written { throw Diagnostic(.integerNotExact(written, nearest: held), at: span) }
    }
    return value
  }

  /// The decimal digits of a whole, finite, non-negative `Double`, exactly (`2^63` →
  /// `9223372036854775808`): below 2⁶⁴ by `UInt64`, above it its significand doubled once per
  /// remaining power of two, in base-10⁹ limbs.
  static func exactDigits(ofInteger value: Double) -> String {
    if value < 18_446_744_073_709_551_616 { return String(UInt64(value)) }
    let limit: UInt64 = 1_000_000_000
    var significand = value.significandBitPattern | (1 << 52)
    var limbs: [UInt64] = []
    while significand > 0 {
      limbs.append(significand % limit)
      significand /= limit
    }
    for _ in 0..<(Int(value.exponent) - 52) {
      var carry: UInt64 = 0
      for i in limbs.indices {
        let doubled = limbs[i] * 2 + carry
        limbs[i] = doubled % limit
        carry = doubled / limit
      }
      if carry > 0 { limbs.append(carry) }
    }
    var digits = String(limbs[limbs.count - 1])
    for limb in limbs.dropLast().reversed() { digits += String(limb).leftPadded(to: 9) }
    return digits
  }

  /// ``scanNumber(in:from:)`` on the source's bytes, from the current position, which it moves
  /// past the literal.
  private mutating func scanNumber() -> String {
    let start = position
    func digits() { while isDigit(byte()) { position += 1 } }
    digits()
    let hasWhole = position > start
    if byte() == UInt8(ascii: "."), isDigit(byte(1)) || hasWhole {
      position += 1
      digits()
    }
    if byte() == UInt8(ascii: "e") || byte() == UInt8(ascii: "E") {
      let sign = byte(1) == UInt8(ascii: "+") || byte(1) == UInt8(ascii: "-")
      if isDigit(byte(sign ? 2 : 1)) {
        position += sign ? 2 : 1
        digits()
      }
    }
    // Spelled so `Double(_:)` reads it, as the scalar version spells it: a lowercase `e`.
    var text = String(
      decoding: bytes[start..<position].map { $0 == UInt8(ascii: "E") ? UInt8(ascii: "e") : $0 }, as: UTF8.self)
    if text.hasPrefix(".") { text = "0" + text }
    if text.hasSuffix(".") { text += "0" }
    return text
  }

  /// The number literal starting at `start` and the index just past it.
  ///
  /// Digits, an optional fraction and an optional exponent (`2`, `.5`, `2.`, `6.02E23`, `1e-3`),
  /// spelled so `Double(_:)` reads it: `.5` → `0.5`, `2.` → `2.0`. The LaTeX lexer's; the plain
  /// lexer reads the same grammar from bytes (`scanNumber()`).
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
    if let name = lexNameWithoutUnderscore() { return Token(kind: nameKind(name), span: span(from: start)) }
    position = start
    var base = ""
    if let (first, width) = scalar(at: position), !isASCIILetter(first), let greek = GreekLetters.name(of: first) {
      base = greek
      position += width
    }
    let asciiStart = position
    while position < bytes.count {
      let c = bytes[position]
      guard isASCIILetter(c) || isDigit(c) || c == UInt8(ascii: "_") else { break }
      if c == UInt8(ascii: "_") {
        // `β_{10}`: the braces belong to the subscript, not to the name's characters.
        // An underscore joins a name to a letter or digit (`x_1`, `net_h1`, `w1_₁₁` as the
        // Unicode output prints `w1_11`); `x_` and `x__1` leave it out, so it is reported where
        // it stands.
        guard let (next, _) = scalar(at: position + 1), next != "{",
          isASCIILetter(next) || isDigit(next) || Self.subscriptDigit(next) != nil
        else { break }
      }
      position += 1
    }
    // The characters read are ASCII, so their UTF-8 bytes are the source's, copied at once.
    base += String(decoding: bytes[asciiStart..<position], as: UTF8.self)
    var digits: String? = nil
    if byte() == UInt8(ascii: "_") && byte(1) == UInt8(ascii: "{") {
      var end = position + 2
      while end < bytes.count && (isDigit(bytes[end]) || isASCIILetter(bytes[end])) { end += 1 }
      if end < bytes.count && bytes[end] == UInt8(ascii: "}") && end > position + 2 {
        let inner = String(decoding: bytes[(position + 2)..<end], as: UTF8.self)
        let allDigits = bytes[(position + 2)..<end].allSatisfy { isDigit($0) }
        position = end + 1
        if allDigits {
          digits = inner
          // `w1_{11}` is `w1_11`, as in LaTeX, not `w111` (which `w11_{1}` could also mean).
          if let last = base.utf8.last, isDigit(last) { base += "_" }
        } else {
          base += "_" + inner
        }
      }
    }
    if digits == nil {
      var subscripts = ""
      while let (c, width) = scalar(at: position), let digit = Self.subscriptDigit(c) {
        subscripts.unicodeScalars.append(Unicode.Scalar(digit))
        position += width
      }
      if !subscripts.isEmpty { digits = subscripts }
    }
    let name = SymbolSpelling.canonicalName(base: base, subscript: digits)
    return Token(kind: nameKind(name), span: span(from: start))
  }

  /// The kind of a token for `name`, which joins ``names``.
  private mutating func nameKind(_ name: String) -> Token.Kind {
    names.append(name)
    return .name(Int32(names.count - 1))
  }

  /// The commonest names, read in one pass: an optional Greek letter, ASCII letters and digits,
  /// and subscript digits (`beta0`, `β₀`, `x`), with no underscore anywhere. Their canonical
  /// spelling is their characters in order, so the name is built from bytes at once. Nil, with
  /// the position moved, for any other name, which ``lexName()`` reads again.
  private mutating func lexNameWithoutUnderscore() -> String? {
    let capacity = 32
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> String? in
      var count = 0
      if let (first, width) = scalar(at: position), first.value >= 0x80 {
        guard let greek = GreekLetters.name(of: first), greek.utf8.count <= capacity else { return nil }
        for byte in greek.utf8 {
          buffer[count] = byte
          count += 1
        }
        position += width
      }
      while position < bytes.count {
        let c = bytes[position]
        guard isASCIILetter(c) || isDigit(c) else { break }
        guard count < capacity else { return nil }
        buffer[count] = c
        count += 1
        position += 1
      }
      while let (c, width) = scalar(at: position), let digit = Self.subscriptDigit(c) {
        guard count < capacity else { return nil }
        buffer[count] = digit
        count += 1
        position += width
      }
      guard count > 0, byte() != UInt8(ascii: "_") else { return nil }
      return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
    }
  }

  /// The ASCII digit of a subscript digit `₀`…`₉`, nil for any other scalar.
  private static func subscriptDigit(_ scalar: Unicode.Scalar) -> UInt8? {
    guard (0x2080...0x2089).contains(scalar.value) else { return nil }
    return UInt8(ascii: "0") + UInt8(scalar.value - 0x2080)
  }

  private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    scalar >= "0" && scalar <= "9"
  }

  private func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
    (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  private func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
  }
}

extension String {
  package func leftPadded(to width: Int, with pad: Character = "0") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
