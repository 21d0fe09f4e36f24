import ChainRuleSyntax

/// One lexical unit of a matrix-mode formula.
struct MatrixToken: Hashable, Sendable {
  enum Kind: Hashable, Sendable {
    case number(Double)
    /// A name in canonical spelling (`β₀` → `beta0`, `W⁽¹⁾` → `W^(1)`).
    case name(String)
    case plus, minus
    /// `*`, `·`, `×`, `⋅`, `\cdot`, `\times`: a matrix product between matrices, a scaling
    /// when one side is a scalar.
    case star
    /// `@`: always the matrix product.
    case at
    /// `⊙`, `∘`, `.*`, `\odot`, `\circ`: the elementwise product.
    case hadamard
    case slash, caret
    /// `ᵀ`, `'`, `⊤`, `\top`, `\intercal`.
    case transposeMark
    /// `²`, `³`, …: a whole power written as a superscript.
    case superscript(Int)
    /// `.` before a name: `x.dot(w)`, `w.T`, `a.sum()`.
    case dot
    /// `_` that is not part of a name: `‖W‖_F`.
    case underscore
    /// `‖`, `\|`, `\lVert`, `\rVert`.
    case norm
    /// `\frac`.
    case fraction
    /// `\mathbb{R}` in a declaration `x \in \mathbb{R}^{N \times D}`.
    case reals
    case colon, comma, equals
    case openParen, closeParen, openBracket, closeBracket, openBrace, closeBrace
    case newline, end
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
      let slice = bytes[min(span.start, bytes.count)..<min(span.end, bytes.count)]
      return "'\(String(decoding: slice, as: UTF8.self))'"
    }
  }

  var isOpening: Bool {
    switch kind {
    case .openParen, .openBracket, .openBrace: true
    default: false
    }
  }

  var isClosing: Bool {
    switch kind {
    case .closeParen, .closeBracket, .closeBrace: true
    default: false
    }
  }

  var name: String? {
    if case .name(let name) = kind { return name }
    return nil
  }
}
