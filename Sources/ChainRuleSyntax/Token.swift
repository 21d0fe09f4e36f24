import ChainRuleSupport

/// One lexical unit of a formula: a plain value (a name is an index into its lexer's list of
/// names), so tokens copy without reference counting.
struct Token: Hashable, Sendable {
  enum Kind: Hashable, Sendable {
    /// A numeric literal and its value.
    case number(Double)
    /// A name: its position in the lexer's `names`, which hold the canonical spelling
    /// (`β₀` → `beta0`).
    case name(Int32)
    case plus, minus, star, slash, caret
    case openParen, closeParen, openBracket, closeBracket, openBrace, closeBrace
    case comma, equals
    /// Unicode math as ChainRule prints it: `|x|`, `√x`, `𝟙[u > 0]`, and a superscript
    /// exponent (`x²`, `x⁻¹`) with its value.
    case bar, squareRoot, indicator, greater
    case superscript(Double)
    case newline
    case end
  }

  var kind: Kind
  var span: SourceSpan

  /// How the token is described in "expected …, found …" messages.
  func describe(in source: String) -> String {
    switch kind {
    case .end: return "end of input"
    case .newline: return "end of line"
    default:
      let bytes = Array(source.utf8)
      let slice = bytes[span.start..<min(span.end, bytes.count)]
      return "'\(String(decoding: slice, as: UTF8.self))'"
    }
  }

  var isOpening: Bool {
    switch kind {
    case .openParen, .openBracket, .openBrace: true
    default: false
    }
  }
}
