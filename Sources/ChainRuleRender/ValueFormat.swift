import ChainRuleSyntax
import Foundation

/// How numbers appear in text output (values, errors, points), in every notation.
public enum ValueFormat {
  /// A value with up to 12 significant digits, e.g. `2.28090062217` or `−0.4`.
  public static func text(_ value: Double, _ notation: Notation) -> String {
    guard value.isFinite else { return value.isNaN ? "undefined" : (value > 0 ? "∞" : "−∞") }
    var s = String(format: "%.12g", value == 0 ? 0 : value)
    if s.contains("e") {
      s = s.replacingOccurrences(of: "e+", with: "e").replacingOccurrences(of: "e-0", with: "e-")
      s = s.replacingOccurrences(of: "e0", with: "e")
    }
    return notation == .unicode ? s.replacingOccurrences(of: "-", with: "−") : s
  }

  /// A short error magnitude, e.g. `3.2e-12`.
  public static func error(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    return value == 0 ? "0" : String(format: "%.1e", value)
  }

  /// `β₀ = 1, β₁ = 2, …` for a point.
  public static func point(_ point: [(String, Double)], _ notation: Notation) -> String {
    point.map { "\(notation.name($0.0)) = \(text($0.1, notation))" }.joined(separator: ", ")
  }
}
