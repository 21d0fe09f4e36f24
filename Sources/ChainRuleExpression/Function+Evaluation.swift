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
  /// The function's value at `arguments`, as its ``FunctionDefinition`` computes it.
  ///
  /// A value that is NaN means the argument is outside the domain; an infinite one, overflow.
  ///
  /// - Throws: ``DomainError`` when the argument is outside the domain or the value overflows.
  public func evaluate(_ arguments: [Double]) throws(DomainError) -> Double {
    let value = value(arguments)
    guard !value.isNaN else {
      throw .outsideDomain(function: name, argument: arguments.first ?? .nan, domain: domainDescription)
    }
    guard value.isFinite else { throw .overflow }
    return value
  }
}
