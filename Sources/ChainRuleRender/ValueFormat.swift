import ChainRuleSyntax
import Foundation

/// How numbers appear in text output (values, errors, points), in every notation.
///
/// One format per notation: exponents without a sign for positive powers or leading zeros
/// (`1.5e6`, `3.2e-7`); Unicode writes every minus as `−` (`−0.4`, `3.2e−7`), plain and LaTeX
/// as ASCII `-`. Non-finite values read `∞`, `−∞` in Unicode (`inf`, `-inf` otherwise) and
/// `undefined`.
public enum ValueFormat {
  /// A value with up to 12 significant digits, e.g. `2.28090062217` or `−0.4`.
  public static func text(_ value: Double, _ notation: Notation) -> String {
    number(value, significantDigits: 12, notation)
  }

  /// A value with up to `significantDigits` significant digits, in `notation`'s format.
  public static func number(_ value: Double, significantDigits: Int, _ notation: Notation) -> String {
    guard value.isFinite else { return nonFinite(value, notation) }
    return styled(String(format: "%.\(significantDigits)g", value == 0 ? 0 : value), notation)
  }

  /// A short error magnitude, e.g. `3.2e-12` (`3.2e−12` in Unicode).
  public static func error(_ value: Double, _ notation: Notation = .plain) -> String {
    guard value.isFinite else { return notation == .unicode ? "−" : "-" }
    return value == 0 ? "0" : styled(String(format: "%.1e", value), notation)
  }

  /// `β₀ = 1, β₁ = 2, …` for a point.
  public static func point(_ point: [(String, Double)], _ notation: Notation) -> String {
    point.map { "\(notation.name($0.0)) = \(text($0.1, notation))" }.joined(separator: ", ")
  }

  /// `printf`'s text in the notation's format: `1e-07` → `1e-7`, `1.5e+06` → `1.5e6`, and `−`
  /// for every minus in Unicode.
  static func styled(_ printed: String, _ notation: Notation) -> String {
    var s = printed
    if let e = s.firstIndex(of: "e") {
      var exponent = s[s.index(after: e)...]
      var sign = ""
      if let first = exponent.first, first == "+" || first == "-" {
        if first == "-" { sign = "-" }
        exponent = exponent.dropFirst()
      }
      let digits = exponent.drop { $0 == "0" }
      s = String(s[...e]) + sign + (digits.isEmpty ? "0" : String(digits))
    }
    return notation == .unicode ? s.replacingOccurrences(of: "-", with: "−") : s
  }

  private static func nonFinite(_ value: Double, _ notation: Notation) -> String {
    if value.isNaN { return "undefined" }
    if notation == .unicode { return value > 0 ? "∞" : "−∞" }
    return value > 0 ? "inf" : "-inf"
  }
}
