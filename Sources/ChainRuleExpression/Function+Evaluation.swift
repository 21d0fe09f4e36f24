import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Why a function or operation has no real value at a point.
public enum DomainError: Error, Hashable, Sendable {
  /// The argument is outside the function's domain, e.g. `log(−1)`.
  case outsideDomain(function: String, argument: Double, domain: String)
  /// Division by zero (a zero base with a negative exponent).
  case divisionByZero
  /// A negative base with a non-integer exponent.
  case negativeBaseFractionalPower(base: Double, exponent: Double)
  /// The result is too large for a `Double`.
  case overflow
}

extension Function {
  /// The domain as a learner reads it, completing "log needs …": `a positive argument`.
  public var domainDescription: String {
    switch self {
    case .log: "a positive argument"
    case .sqrt: "an argument that is not negative"
    case .asin, .acos: "an argument between −1 and 1"
    case .tan: "an argument whose cosine is not 0"
    default: "any real argument"
    }
  }

  /// The function's value at `arguments`.
  ///
  /// Sigmoid and softplus are evaluated in their stable forms: σ(u) = 1/(1 + e^−u) for u ≥ 0 and
  /// e^u/(1 + e^u) otherwise; softplus(u) = max(u, 0) + log1p(e^−|u|).
  /// Conventions at kinks: step(0) = 0, sign(0) = 0.
  ///
  /// - Throws: ``DomainError`` when the argument is outside the domain or the value overflows.
  public func evaluate(_ arguments: [Double]) throws(DomainError) -> Double {
    let u = arguments.first ?? .nan
    let value: Double
    switch self {
    case .sin: value = Foundation.sin(u)
    case .cos: value = Foundation.cos(u)
    case .tan:
      guard Foundation.cos(u) != 0 else { throw outside(u) }
      value = Foundation.tan(u)
    case .exp: value = Foundation.exp(u)
    case .log:
      guard u > 0 else { throw outside(u) }
      value = Foundation.log(u)
    case .sqrt:
      guard u >= 0 else { throw outside(u) }
      value = Foundation.sqrt(u)
    case .tanh: value = Foundation.tanh(u)
    case .sigmoid:
      if u >= 0 {
        value = 1 / (1 + Foundation.exp(-u))
      } else {
        let e = Foundation.exp(u)
        value = e / (1 + e)
      }
    case .softplus: value = Swift.max(u, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(u)))
    case .relu: value = u > 0 ? u : 0
    case .abs: value = Swift.abs(u)
    case .atan: value = Foundation.atan(u)
    case .sinh: value = Foundation.sinh(u)
    case .cosh: value = Foundation.cosh(u)
    case .asin:
      guard (-1...1).contains(u) else { throw outside(u) }
      value = Foundation.asin(u)
    case .acos:
      guard (-1...1).contains(u) else { throw outside(u) }
      value = Foundation.acos(u)
    case .max: value = arguments[0] >= arguments[1] ? arguments[0] : arguments[1]
    case .min: value = arguments[0] <= arguments[1] ? arguments[0] : arguments[1]
    case .step: value = u > 0 ? 1 : 0
    case .sign: value = u > 0 ? 1 : (u < 0 ? -1 : 0)
    }
    guard !value.isNaN else { throw outside(u) }
    guard value.isFinite else { throw .overflow }
    return value
  }

  private func outside(_ u: Double) -> DomainError {
    .outsideDomain(function: name, argument: u, domain: domainDescription)
  }
}
