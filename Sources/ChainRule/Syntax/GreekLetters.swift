/// The Greek letters ChainRule reads and writes, by their spelled-out ASCII names.
///
/// `beta0`, `beta_0`, `β0`, `β_0` and `β₀` all name the symbol whose canonical spelling is
/// `beta0`; printers turn it back into `β₀` (Unicode) or `\beta_{0}` (LaTeX).
enum GreekLetters {
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

  /// ASCII name for a Unicode letter (`β` → `beta`, `ϕ` → `phi`).
  static func name(of letter: Character) -> String? {
    switch letter {
    case "ϕ": return "phi"
    case "ϵ": return "epsilon"
    case "ϑ": return "theta"
    default: return table.first { $0.letter == letter }?.name
    }
  }

  /// Unicode letter for an ASCII name (`beta` → `β`).
  static func letter(named name: String) -> Character? {
    table.first { $0.name == name }?.letter
  }

  /// LaTeX command for an ASCII name (`beta` → `\beta`).
  static func latex(named name: String) -> String? {
    table.first { $0.name == name }?.latex
  }

  /// The ASCII name for a LaTeX command without its backslash (`beta` → `beta`, `ell` → `l`).
  static func name(ofLaTeXCommand command: String) -> String? {
    if command == "ell" { return "l" }
    if command == "varphi" { return "phi" }
    if command == "varepsilon" { return "epsilon" }
    if command == "vartheta" { return "theta" }
    return table.first { $0.latex == "\\" + command }?.name
  }

  /// Whether `character` is one of the Greek letters (or `ℓ`) a name may start with.
  static func isLetter(_ character: Character) -> Bool {
    name(of: character) != nil
  }
}

/// The canonical spelling of a symbol's name, split into its base and numeric subscript.
///
/// `beta_0` → (`beta`, `0`); `net_h1` → (`net_h`, `1`); `x` → (`x`, nil).
struct SymbolSpelling: Hashable, Sendable {
  var base: String
  var subscriptDigits: String?

  /// Splits a canonical name such as `omega3` into base `omega` and subscript `3`.
  init(canonical name: String) {
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
  static func canonicalName(base rawBase: String, subscript digits: String?) -> String {
    var base = rawBase
    var digits = digits ?? ""
    if digits.isEmpty {
      let trailing = base.reversed().prefix { $0.isASCII && $0.isNumber }
      if !trailing.isEmpty && trailing.count < base.count {
        digits = String(trailing.reversed())
        base = String(base.dropLast(trailing.count))
      }
    }
    // `beta_0` → `beta0`, but `w1_11` stays `w1_11`: dropping its `_` would make it `w111`,
    // the same as `w11_1`.
    if !digits.isEmpty && base.hasSuffix("_") && base.count > 1 && base.dropLast().last?.isNumber == false {
      base.removeLast()
    }
    return base + digits
  }
}
