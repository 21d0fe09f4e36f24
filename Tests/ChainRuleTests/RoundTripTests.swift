import ChainRule
import Foundation
import Testing

@testable import ChainRuleBackprop
@testable import ChainRuleCalculus
@testable import ChainRuleExpression
@testable import ChainRuleNumeric
@testable import ChainRuleRender
@testable import ChainRuleSupport
@testable import ChainRuleSyntax

/// `parse(plain(e))` is the same function as `e`, for formulas and for their derivatives,
/// simplified or not.
@Suite struct RoundTripTests {
  /// Formulas built from a seeded generator: sums, differences, products, quotients by
  /// `1 + u²`, small powers and smooth functions, so every point of the box has a value.
  static func randomFormulas(count: Int, seed: UInt64) -> [SmoothCase] {
    var random = SplitMix64(seed: seed)
    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    func leaf() -> String {
      switch random.next() % 4 {
      case 0: return pick(["x", "y", "z"])
      case 1: return pick(["2", "0.5", "3", "1.25", "-1"])
      case 2: return pick(["β₀", "omega_1", "x"])
      default: return pick(["y", "z"])
      }
    }
    func expression(_ depth: Int) -> String {
      if depth == 0 { return leaf() }
      let a = expression(depth - 1)
      let b = expression(depth - 1)
      switch random.next() % 10 {
      case 0: return "\(a) + \(b)"
      case 1: return "\(a) - (\(b))"
      case 2: return "(\(a))*(\(b))"
      case 3: return "(\(a))/(1 + (\(b))^2)"
      case 4: return "(\(a))^\(pick(["2", "3"]))"
      case 5: return "-(\(a))"
      case 6: return "\(pick(["sin", "cos", "tanh", "sigmoid", "atan", "softplus"]))(\(a))"
      case 7: return "exp(sin(\(a)))*(\(b))"
      case 8: return "2(\(a)) - \(b)"
      default: return "(\(a))*\(b) + \(leaf())"
      }
    }
    let box: [(String, ClosedRange<Double>)] = [
      ("x", -1.5...1.5), ("y", -1.5...1.5), ("z", -1.5...1.5), ("beta0", -1...1), ("omega1", -1...1),
    ]
    return (0..<count).map { _ in SmoothCase(expression(Int(2 + random.next() % 3)), box) }
  }

  static let toyBox: [(String, ClosedRange<Double>)] =
    Models.toyParameters.map { ($0, -1.5...1.5) }
    + [("x", -2...2), ("y", -2...2)]

  static let cases: [SmoothCase] =
    DifferentiationTests.functionCases + DifferentiationTests.ruleCases
    + [
      SmoothCase(Models.toyUnicode, toyBox),
      SmoothCase(Models.toySteps, toyBox),
      SmoothCase("log(x*y)", [("x", 0.5...2), ("y", 0.5...2)]),
      SmoothCase("x/(y*z)", [("x", -2...2), ("y", 0.5...2), ("z", 0.5...2)]),
      SmoothCase("sqrt(x*y) + x/(3*y)", [("x", 0.5...2), ("y", 0.5...2)]),
      SmoothCase("1e-7*x + 6.02e23*y^2 + x/3", [("x", -2...2), ("y", -2...2)]),
    ]
    + randomFormulas(count: 40, seed: 2024)

  /// `id` printed, parsed and evaluated agrees with `id` evaluated directly at every point.
  func expectRoundTrip(
    _ formula: Formula, _ id: NodeID, _ what: String, points: [[String: Double]],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    // Plain text and Unicode (σ, ², |…|, 𝟙[… > 0], −) both read back as the same function.
    for notation in [Notation.plain, .unicode] {
      let text = formula.printer(notation).string(id)
      let reparsed: Formula
      do {
        reparsed = try Formula(parsing: text)
      } catch {
        Issue.record("\(what): '\(text)' does not parse: \(error.message)", sourceLocation: sourceLocation)
        continue
      }
      for point in points {
        let original = try formula.value(id, at: point)
        let again = try reparsed.value(reparsed.root, at: point)
        #expect(
          isClose(original, again, relative: 1e-9, absolute: 1e-12),
          "\(what): '\(text)' is \(again) at \(point), the expression is \(original)",
          sourceLocation: sourceLocation)
      }
    }
  }

  @Test(arguments: cases)
  func formulaRoundTrips(_ smooth: SmoothCase) throws {
    let formula = try Formula(parsing: smooth.formula)
    let points = smooth.points(4, salt: "round trip")
    try expectRoundTrip(formula, formula.root, "as built", points: points)
    try expectRoundTrip(formula, formula.simplified(formula.root), "simplified", points: points)
  }

  @Test(arguments: cases)
  func derivativeRoundTrips(_ smooth: SmoothCase) throws {
    let formula = try Formula(parsing: smooth.formula)
    let points = smooth.points(3, salt: "derivative round trip")
    for (variable, d) in zip(smooth.variables, formula.gradient(withRespectTo: smooth.variables)) {
      try expectRoundTrip(formula, d, "∂/∂\(variable) as built", points: points)
      try expectRoundTrip(formula, formula.simplified(d), "∂/∂\(variable) simplified", points: points)
    }
  }

  /// Printing a canonical form and simplifying the parsed text gives the same text again.
  @Test(arguments: cases)
  func canonicalTextIsAFixedPoint(_ smooth: SmoothCase) throws {
    let formula = try Formula(parsing: smooth.formula)
    let text = formula.plain(formula.simplified(formula.root))
    let reparsed = try Formula(parsing: text)
    #expect(reparsed.plain(reparsed.simplified(reparsed.root)) == text)
  }
}
