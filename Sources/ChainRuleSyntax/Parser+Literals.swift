/// One number or one name read on its own, as options such as `--at` and `--wrt` give them.
extension Parser {
  /// The value of `text` as one decimal number, with an optional sign (`-1.5`, `−2`, `6.02e23`),
  /// refused as a number literal in a formula is: not finite, a non-zero number a `Double` would
  /// hold as 0, an integer in digits it cannot hold exactly. Other spellings `Double(_:)` reads
  /// (`0x10`, `inf`, `nan`, `1_0`) are refused too.
  ///
  /// - Throws: ``Diagnostic`` whose ``Diagnostic/message`` says why, spanning `text`.
  public static func decimalNumber(_ text: String) throws(Diagnostic) -> Double {
    let scalars = Array(text.trimmingSpaces().unicodeScalars)
    let whole = SourceSpan(start: 0, end: text.utf8.count)
    var start = 0
    var sign = 1.0
    if let first = scalars.first, first == "-" || first == "−" || first == "+" {
      sign = first == "+" ? 1 : -1
      start = 1
    }
    let (literal, end) = Lexer.scanNumber(in: scalars, from: start)
    guard !literal.isEmpty, end == scalars.count else {
      throw Diagnostic(.expected("a decimal number such as 1.5, -2 or 1e-3", found: "'\(text)'"), at: whole)
    }
    return sign * (try Lexer.value(ofLiteral: literal, at: whole))
  }

  /// The canonical spelling of a single name as typed (`β₀`, `beta_0`, `\beta_{0}` → `beta0`), or
  /// nil if `text` is not exactly one name.
  public static func canonicalName(_ text: String) -> String? {
    // Plain first, then LaTeX, so printed names without a backslash (`w_{a,b}`) read too.
    let trimmed = text.trimmingSpaces()
    var tokens: [Token]? = nil
    var names: [String] = []
    if InputSyntax.auto.resolved(for: trimmed) == .plain {
      var lexer = Lexer(trimmed)
      tokens = try? lexer.tokenize()
      names = lexer.names
    }
    if tokens?.count != 2 {
      var lexer = LaTeXLexer(trimmed)
      tokens = try? lexer.tokenize()
      names = lexer.names
    }
    guard let tokens, tokens.count == 2, case .name(let index) = tokens[0].kind else { return nil }
    return names[Int(index)]
  }
}
