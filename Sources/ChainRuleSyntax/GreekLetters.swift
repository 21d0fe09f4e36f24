import ChainRuleSupport

/// The Greek letters ChainRule reads and writes, by their spelled-out ASCII names.
///
/// `beta0`, `beta_0`, `β0`, `β_0` and `β₀` all name the symbol whose canonical spelling is
/// `beta0`; printers turn it back into `β₀` (Unicode) or `\beta_{0}` (LaTeX).
package enum GreekLetters {
  /// ASCII name, Unicode letter, LaTeX command.
  static let table: [(name: String, letter: Character, latex: String)] = [
    ("alpha", "α", "\\alpha"), ("beta", "β", "\\beta"), ("gamma", "γ", "\\gamma"),
    ("delta", "δ", "\\delta"), ("epsilon", "ε", "\\epsilon"), ("zeta", "ζ", "\\zeta"),
    ("eta", "η", "\\eta"), ("theta", "θ", "\\theta"), ("iota", "ι", "\\iota"),
    ("kappa", "κ", "\\kappa"), ("lambda", "λ", "\\lambda"), ("mu", "μ", "\\mu"),
    ("nu", "ν", "\\nu"), ("xi", "ξ", "\\xi"), ("pi", "π", "\\pi"), ("rho", "ρ", "\\rho"),
    ("sigma", "σ", "\\sigma"), ("tau", "τ", "\\tau"), ("upsilon", "υ", "\\upsilon"),
    ("phi", "φ", "\\phi"), ("chi", "χ", "\\chi"), ("psi", "ψ", "\\psi"),
    ("omega", "ω", "\\omega"), ("Gamma", "Γ", "\\Gamma"), ("Delta", "Δ", "\\Delta"),
    ("Theta", "Θ", "\\Theta"), ("Lambda", "Λ", "\\Lambda"), ("Xi", "Ξ", "\\Xi"),
    ("Pi", "Π", "\\Pi"), ("Sigma", "Σ", "\\Sigma"), ("Phi", "Φ", "\\Phi"),
    ("Psi", "Ψ", "\\Psi"), ("Omega", "Ω", "\\Omega"),
    // The textbook's loss ℓ is the plain name `l`.
    ("l", "ℓ", "\\ell"),
  ]

  /// Lookups built once from ``table`` (the lexer asks for every token it starts).
  private static let nameByScalar: [UInt32: String] = {
    var map: [UInt32: String] = [:]
    for entry in table {
      if let scalar = entry.letter.unicodeScalars.first { map[scalar.value] = entry.name }
    }
    map[0x03D5] = "phi"  // ϕ
    map[0x03F5] = "epsilon"  // ϵ
    map[0x03D1] = "theta"  // ϑ
    return map
  }()
  private static let letterByName: [String: Character] = Dictionary(
    table.map { ($0.name, $0.letter) }, uniquingKeysWith: { first, _ in first })
  private static let latexByName: [String: String] = Dictionary(
    table.map { ($0.name, $0.latex) }, uniquingKeysWith: { first, _ in first })
  private static let nameByLaTeX: [String: String] = {
    var map = Dictionary(table.map { (String($0.latex.dropFirst()), $0.name) }, uniquingKeysWith: { first, _ in first })
    map["varphi"] = "phi"
    map["varepsilon"] = "epsilon"
    map["vartheta"] = "theta"
    return map
  }()

  /// ASCII name for a Unicode letter (`β` → `beta`, `ϕ` → `phi`).
  static func name(of letter: Character) -> String? {
    let scalars = letter.unicodeScalars
    guard scalars.count == 1, let scalar = scalars.first else { return nil }
    return name(of: scalar)
  }

  /// ASCII name for a Unicode scalar (`β` → `beta`); nil for anything else, ASCII included.
  static func name(of scalar: Unicode.Scalar) -> String? {
    let value = scalar.value
    if value < 0x80 { return nil }
    if greekBlock.contains(value) { return nameByGreekScalar[Int(value - greekBlock.lowerBound)] }
    return nameByScalar[value]
  }

  /// The Greek and Coptic block, where the lexer looks names up by position rather than by hash.
  private static let greekBlock: Range<UInt32> = 0x0370..<0x0400
  private static let nameByGreekScalar: [String?] = greekBlock.map { nameByScalar[$0] }

  /// Unicode letter for an ASCII name (`beta` → `β`).
  package static func letter(named name: String) -> Character? { letterByName[name] }

  /// LaTeX command for an ASCII name (`beta` → `\beta`).
  package static func latex(named name: String) -> String? { latexByName[name] }

  /// The ASCII name for a LaTeX command without its backslash (`beta` → `beta`, `ell` → `l`).
  static func name(ofLaTeXCommand command: String) -> String? { nameByLaTeX[command] }

  /// Whether `character` is one of the Greek letters (or `ℓ`) a name may start with.
  static func isLetter(_ character: Character) -> Bool { name(of: character) != nil }

  /// Whether `scalar` is one of the Greek letters (or `ℓ`) a name may start with.
  static func isLetter(_ scalar: Unicode.Scalar) -> Bool { name(of: scalar) != nil }
}

/// The canonical spelling of a symbol's name, split into its base and numeric subscript.
///
/// `beta_0` → (`beta`, `0`); `net_h1` → (`net_h`, `1`); `x` → (`x`, nil).
package struct SymbolSpelling: Hashable, Sendable {
  package var base: String
  package var subscriptDigits: String?

  /// Splits a canonical name such as `omega3` into base `omega` and subscript `3`.
  package init(canonical name: String) {
    let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
    if digits.isEmpty || digits.count == name.count {
      base = name
      subscriptDigits = nil
    } else {
      base = String(name.dropLast(digits.count))
      subscriptDigits = String(digits.reversed())
    }
  }

  /// Canonicalises a raw base and subscript as typed: a trailing `_` before digits is dropped.
  private static func containsUnderscore(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in bytes.contains(UInt8(ascii: "_")) }
  }

  static func canonicalName(base rawBase: String, subscript digits: String?) -> String {
    // Most names need no change: without an underscore, splitting off trailing digits and
    // joining them again gives the name back.
    let underscore = UInt8(ascii: "_")
    if let digits, !digits.isEmpty {
      if rawBase.utf8.last != underscore { return rawBase + digits }
    } else if !Self.containsUnderscore(rawBase) {
      return rawBase
    }
    // Works on UTF-8 bytes: names are mostly ASCII, and this runs for every name lexed.
    var base = Array(rawBase.utf8)
    var digitBytes = Array((digits ?? "").utf8)
    func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    if digitBytes.isEmpty {
      var cut = base.count
      while cut > 0 && isDigit(base[cut - 1]) { cut -= 1 }
      if cut > 0 && cut < base.count {
        digitBytes = Array(base[cut...])
        base.removeLast(base.count - cut)
      }
    }
    // `beta_0` → `beta0`, but `w1_11` stays `w1_11`: dropping its `_` would make it `w111`,
    // the same as `w11_1`.
    if !digitBytes.isEmpty && base.count > 1 && base[base.count - 1] == UInt8(ascii: "_")
      && !isDigit(base[base.count - 2])
    {
      base.removeLast()
    }
    return String(decoding: base + digitBytes, as: UTF8.self)
  }

}
