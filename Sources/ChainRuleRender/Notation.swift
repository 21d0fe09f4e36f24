import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// The output notations ChainRule prints in.
public enum Notation: String, CaseIterable, Hashable, Sendable {
  /// ASCII that ChainRule reads back: `-2*(beta3 - y)*omega0^2`.
  case plain
  /// Textbook symbols for the terminal: `−2·(β₃ − y)·ω₀²`.
  case unicode
  /// LaTeX math mode: `-2 \left(\beta_{3} - y\right) \omega_{0}^{2}`.
  case latex

  /// A symbol's canonical name in this notation: `beta0` → `beta0`, `β₀`, `\beta_{0}`.
  public func name(_ canonical: String) -> String {
    if let (result, step) = AdjointName.parts(of: canonical) { return partial(of: result, withRespectTo: step) }
    let spelling = SymbolSpelling(canonical: canonical)
    switch self {
    case .plain: return canonical
    case .unicode:
      var base = spelling.base
      if let letter = GreekLetters.letter(named: base) { base = String(letter) }
      guard let digits = spelling.subscriptDigits else { return base }
      return base + String(digits.map(Self.subscriptDigit))
    case .latex:
      return Self.latexName(base: spelling.base, digits: spelling.subscriptDigits)
    }
  }

  /// A name in LaTeX: `beta0` → `\beta_{0}`, `w1` → `w_{1}`, `net_h1` → `\mathit{net}_{h_{1}}`,
  /// `l` → `\ell`, `x_i` → `x_{i}`. Everything after the first underscore goes into one
  /// subscript group, so LaTeX never sees a double subscript; trailing digits after a letter
  /// subscript nest inside it.
  private static func latexName(base: String, digits: String?) -> String {
    func word(_ s: String) -> String {
      if let greek = GreekLetters.latex(named: s) { return greek }
      return s.count > 1 ? "\\mathit{\(s)}" : s
    }
    let parts = base.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let head = word(parts[0])
    var inner = (parts.count > 1 ? parts[1] : "").split(separator: "_").map { part -> String in
      let text = String(part)
      if let greek = GreekLetters.latex(named: text) { return greek }
      return text.count > 1 && text.allSatisfy(\.isLetter) ? "\\mathit{\(text)}" : text
    }
    // Digits after a letter subscript are its own subscript: `out_h1` is out_{h_1}, as written
    // by hand, where `w1` is w_1.
    if let digits {
      if inner.isEmpty { inner = [digits] } else { inner[inner.count - 1] += "_{" + digits + "}" }
    }
    if inner.isEmpty { return head }
    return head + "_{" + inner.joined(separator: ",") + "}"
  }

  static func subscriptDigit(_ digit: Character) -> Character {
    guard let value = digit.wholeNumberValue else { return digit }
    return Character(Unicode.Scalar(0x2080 + UInt32(value)) ?? "_")
  }

  static func superscript(_ character: Character) -> Character {
    switch character {
    case "0": "⁰"
    case "1": "¹"
    case "2": "²"
    case "3": "³"
    case "4": "⁴"
    case "5": "⁵"
    case "6": "⁶"
    case "7": "⁷"
    case "8": "⁸"
    case "9": "⁹"
    case "-": "⁻"
    default: character
    }
  }

  /// The partial-derivative symbol ∂ℓ/∂β₀ in this notation (`dl/dbeta0` in plain).
  public func partial(of function: String, withRespectTo variable: String) -> String {
    switch self {
    case .plain: "d\(function)/d\(variable)"
    case .unicode: "∂\(name(function))/∂\(name(variable))"
    case .latex: "\\frac{\\partial \(name(function))}{\\partial \(name(variable))}"
    }
  }

  /// A number as printed: integers without `.0`, others in the shortest exact decimal form.
  public func number(_ value: Double) -> String {
    let magnitude = Swift.abs(value)
    var text: String
    if magnitude == magnitude.rounded() && magnitude < 1e15 {
      text = String(Int64(magnitude))
    } else {
      text = "\(magnitude)"
    }
    if self == .latex, let e = text.firstIndex(of: "e") {
      let mantissa = text[..<e]
      var exponent = String(text[text.index(after: e)...])
      if exponent.hasPrefix("+") { exponent.removeFirst() }
      if exponent.hasPrefix("-0") { exponent = "-" + exponent.dropFirst(2) }
      text = "\(mantissa) \\times 10^{\(exponent)}"
    }
    guard value < 0 else { return text }
    return minus + text
  }

  /// The minus sign: `-`, `−` or `-`.
  var minus: String { self == .unicode ? "−" : "-" }
}

extension Function {
  /// How the function's name is written in `notation` before its bracketed arguments.
  public func notation(_ notation: Notation) -> String {
    switch notation {
    case .plain: name
    case .unicode: definition.unicodeName
    case .latex: definition.latex.text
    }
  }
}
