import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// A numeric coefficient of a term in a sum: an exact fraction p/q of whole numbers where it is
/// one (`x/3` has 1/3), otherwise a plain `Double` (q = 1).
///
/// Adding fractions stays exact, `1/2 + 1/3 = 5/6`, so like terms with fractional coefficients
/// collect (`x/3 + x/2 = 5x/6`). Numerators and denominators stay below 2⁵³, where `Double`
/// holds whole numbers exactly; past that, or with a coefficient such as 0.37 that is no short
/// fraction, the arithmetic is the plain floating-point one.
struct Coefficient: Equatable {
  /// The numerator; a whole number whenever ``q`` is not 1.
  var p: Double
  /// The denominator: a whole number ≥ 1.
  var q: Double

  /// The plain number `value`.
  init(_ value: Double) {
    p = value
    q = 1
  }

  private init(p: Double, q: Double) {
    self.p = p
    self.q = q
  }

  static let one = Coefficient(1)

  /// The coefficient as one number.
  var value: Double { p / q }

  /// The coefficient as it prints best: a fraction whose denominator divides a power of ten
  /// (31/5, 3/8) becomes the plain decimal 6.2 or 0.375; any other stays a fraction (5/6).
  var preferringDecimal: Coefficient {
    guard q != 1 else { return self }
    var rest = q
    for prime in [2.0, 5.0] {
      while rest.truncatingRemainder(dividingBy: prime) == 0 { rest /= prime }
    }
    return rest == 1 && q <= 1e9 ? Coefficient(value) : self
  }

  /// The fraction `p/q` in lowest terms, or nil if either part is not a whole number in range.
  static func fraction(_ p: Double, _ q: Double) -> Coefficient? {
    guard isWhole(p), isWhole(q), q >= 1 else { return nil }
    let divisor = gcd(Swift.abs(p), q)
    return divisor > 1 ? Coefficient(p: p / divisor, q: q / divisor) : Coefficient(p: p, q: q)
  }

  /// This coefficient as an exact fraction, if it is one: whole numbers, short binary fractions
  /// (`0.75 = 3/4`), decimals as typed (`0.7 = 7/10`: the `Double` nearest 7/10) and reciprocals
  /// of whole numbers (`1/3` computed as a `Double`).
  var exact: Coefficient? {
    if q != 1 || Self.isWhole(p) { return Self.fraction(p, q) }
    if Self.isWhole(p * 1024) { return Self.fraction(p * 1024, 1024) }
    var scale = 10.0
    while scale <= 1e9 {
      let digits = (p * scale).rounded()
      if digits / scale == p { return Self.fraction(digits, scale) }
      scale *= 10
    }
    let reciprocal = 1 / p
    if Self.isWhole(reciprocal) { return Self.fraction(p < 0 ? -1 : 1, Swift.abs(reciprocal)) }
    return nil
  }

  static func + (a: Coefficient, b: Coefficient) -> Coefficient {
    if a.q == 1 && b.q == 1 { return Coefficient(a.p + b.p) }
    if let x = a.exact, let y = b.exact {
      let common = x.q / gcd(x.q, y.q) * y.q
      if let sum = fraction(x.p * (common / x.q) + y.p * (common / y.q), common) { return sum }
    }
    return Coefficient(a.value + b.value)
  }

  static func * (a: Coefficient, b: Coefficient) -> Coefficient {
    if a.q == 1 && b.q == 1 { return Coefficient(a.p * b.p) }
    if let x = a.exact, let y = b.exact, let product = fraction(x.p * y.p, x.q * y.q) { return product }
    return Coefficient(a.value * b.value)
  }

  /// Whether `v` is a whole number that `Double` holds exactly (below 2⁵³).
  static func isWhole(_ v: Double) -> Bool {
    v == v.rounded() && Swift.abs(v) < 9.0e15
  }

  /// The greatest common divisor of two whole numbers.
  static func gcd(_ a: Double, _ b: Double) -> Double {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a.truncatingRemainder(dividingBy: b)) }
    return a
  }
}

/// Coefficients of like terms added up without turning an exact fraction into a long decimal.
///
/// Plain numbers add as `Double`s (`2x + 0.37x = 2.37x`) and fractions exactly
/// (`x/3 + x/2 = 5x/6`); a number that is no short fraction, such as 0.37, is kept apart from a
/// fraction instead of being added into it: `0.37x + x/3` stays two terms, not `0.7033…·x`.
struct CoefficientSum {
  /// The running sum; a fraction once a fraction has been added.
  private var main = Coefficient(0)
  /// Numbers that are no short fraction, met after ``main`` became a fraction.
  private var inexact = 0.0
  /// How many coefficients were added.
  private var count = 0

  /// Whether a whole number was lost in a much larger one (2⁶³ + (−1) is 2⁶³ in a `Double`).
  private(set) var absorbed = false

  mutating func add(_ c: Coefficient) {
    count += 1
    if c.q == 1 && main.q == 1 || c.exact != nil && main.exact != nil {
      let before = main
      main = main + c
      if c.q == 1 && before.q == 1 && c.p != 0 && before.p != 0 && (main.p == before.p || main.p == c.p) {
        absorbed = true
      }
    } else if c.exact == nil {
      inexact += c.value
    } else {
      inexact += main.value
      main = c
    }
  }

  /// Whether anything but zero was added.
  var isZero: Bool { parts.isEmpty }

  /// The sum as one coefficient, or as a number and a fraction that stay apart; none for 0.
  ///
  /// A sum of several coefficients that is a fraction with a short decimal prints as that
  /// decimal (`0.7 + 5.5 = 6.2`, not 31/5); a single coefficient stays as it was written.
  var parts: Parts {
    if inexact == 0 { return main.p == 0 ? Parts() : Parts(count > 1 ? main.preferringDecimal : main) }
    // A fraction with a short decimal (11/2 = 5.5) adds to the other numbers as a `Double` does.
    if main.q == 1 || ExpressionGraph.isExactlyPrintable(main.value) {
      let total = main.value + inexact
      return total == 0 ? Parts() : Parts(Coefficient(total))
    }
    return main.p == 0 ? Parts(Coefficient(inexact)) : Parts(Coefficient(inexact), main)
  }

  /// None, one or two coefficients, held inline.
  struct Parts: Sequence, IteratorProtocol {
    private var first: Coefficient?
    private var second: Coefficient?

    init(_ first: Coefficient? = nil, _ second: Coefficient? = nil) {
      self.first = first
      self.second = second
    }

    var isEmpty: Bool { first == nil }

    mutating func next() -> Coefficient? {
      defer { (first, second) = (second, nil) }
      return first
    }
  }
}
