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

/// SplitMix64: a tiny seeded generator, so every "random" point is the same on every run.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in `range`.
  mutating func uniform(_ range: ClosedRange<Double>) -> Double {
    let unit = Double(next() >> 11) * 0x1.0p-53
    return range.lowerBound + unit * (range.upperBound - range.lowerBound)
  }

  /// A stable seed from a string (FNV-1a), so each table row has its own stream.
  static func seed(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
  }
}

// MARK: - Numbers

/// Whether `a` and `b` agree within `absolute + relative·max(|a|, |b|)`.
func isClose(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
  guard a.isFinite, b.isFinite else { return false }
  return Swift.abs(a - b) <= absolute + relative * Swift.max(Swift.abs(a), Swift.abs(b))
}

/// The Richardson-extrapolated central difference of `f` at `x`, computed here and not by the
/// library: D(h) = (f(x + h) − f(x − h))/2h, result (4·D(h/2) − D(h))/3, with h = step·max(1, |x|).
///
/// The error is O(h⁴) from truncation plus about 3ε·max|f|/h from rounding (≈ 1e-11·|f| for the
/// default step), far inside the tolerances the tests use.
func centralDifference(
  at x: Double, step: Double = 1e-4, _ f: (Double) throws -> Double
) rethrows -> Double {
  let h = step * Swift.max(1, Swift.abs(x))
  let wide = (try f(x + h) - f(x - h)) / (2 * h)
  let narrow = (try f(x + h / 2) - f(x - h / 2)) / h
  return (4 * narrow - wide) / 3
}

// MARK: - Formulas

extension Formula {
  /// The value of `id` at `point`.
  func value(_ id: NodeID, at point: [String: Double]) throws -> Double {
    try Evaluator(graph: graph).evaluate(id, at: point)
  }

  /// The plain (ASCII, re-parseable) text of `id`.
  func plain(_ id: NodeID) -> String { printer(.plain).string(id) }

  /// The Unicode text of `id`.
  func unicode(_ id: NodeID) -> String { printer(.unicode).string(id) }

  /// ∂result/∂`variable` by ``centralDifference(at:step:_:)``, all other variables held at `point`.
  func numericPartial(_ variable: String, at point: [String: Double]) throws -> Double {
    try centralDifference(at: point[variable] ?? 0) { t in
      var shifted = point
      shifted[variable] = t
      return try value(root, at: shifted)
    }
  }
}

/// A formula with a box of points where it is smooth: every variable's range stays inside the
/// functions' domains and away from kinks, so finite differences can judge the derivative.
struct SmoothCase: Sendable, CustomTestStringConvertible {
  var formula: String
  var ranges: [(variable: String, range: ClosedRange<Double>)]

  init(_ formula: String, _ ranges: [(String, ClosedRange<Double>)] = [("x", -2...2)]) {
    self.formula = formula
    self.ranges = ranges.map { (variable: $0.0, range: $0.1) }
  }

  var testDescription: String { formula }
  var variables: [String] { ranges.map(\.variable) }

  /// `count` points from a generator seeded by the formula text, so each case is reproducible.
  func points(_ count: Int, salt: String = "") -> [[String: Double]] {
    var random = SplitMix64(seed: SplitMix64.seed(formula + salt))
    return (0..<count).map { _ in
      var point: [String: Double] = [:]
      for (variable, range) in ranges { point[variable] = random.uniform(range) }
      return point
    }
  }
}

// MARK: - Shared formulas

enum Models {
  /// The textbook's toy model written as one formula, in ASCII.
  static let toyASCII =
    "(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)^2"

  /// The same model as the book writes it, with Greek letters and a named shallow network.
  static let toyUnicode = """
    # The toy model: f[x, φ] with parameters φ = {β₀, ω₀, β₁, ω₁, β₂, ω₂, β₃, ω₃}
    f[x, φ] = β₃ + ω₃·cos[β₂ + ω₂·exp(β₁ + ω₁·sin[β₀ + ω₀·x])]
    ℓ = (f[x, φ] − y)^2
    """

  /// The toy model one step per line, so every intermediate has a name.
  static let toySteps = """
    f0 = beta0 + omega0*x
    h1 = sin(f0)
    f1 = beta1 + omega1*h1
    h2 = exp(f1)
    f2 = beta2 + omega2*h2
    h3 = cos(f2)
    f3 = beta3 + omega3*h3
    l = (f3 - y)^2
    """

  static let toyParameters = [
    "beta0", "omega0", "beta1", "omega1", "beta2", "omega2", "beta3", "omega3",
  ]

  /// The book's point.
  static let toyPoint: [String: Double] = [
    "beta0": 1, "beta1": 2, "beta2": -3, "beta3": 0.4, "omega0": 0.1, "omega1": -0.4,
    "omega2": 2, "omega3": 3, "x": 2.3, "y": 2,
  ]

  /// Matt Mazur's two-layer sigmoid network, one definition per line.
  static let sigmoidNetwork = """
    net_h1 = w1*i1 + w2*i2 + b1
    net_h2 = w3*i1 + w4*i2 + b1
    out_h1 = sigmoid(net_h1)
    out_h2 = sigmoid(net_h2)
    net_o1 = w5*out_h1 + w6*out_h2 + b2
    net_o2 = w7*out_h1 + w8*out_h2 + b2
    out_o1 = σ(net_o1)
    out_o2 = σ(net_o2)
    E_o1 = 1/2*(t1 - out_o1)^2
    E_o2 = 1/2*(t2 - out_o2)^2
    E = E_o1 + E_o2
    """

  /// The same network with the loss written in one line, as the brief states it.
  static let sigmoidNetworkOneLineLoss = """
    net_h1 = w1*i1 + w2*i2 + b1; net_h2 = w3*i1 + w4*i2 + b1
    out_h1 = σ(net_h1); out_h2 = σ(net_h2)
    net_o1 = w5*out_h1 + w6*out_h2 + b2; net_o2 = w7*out_h1 + w8*out_h2 + b2
    out_o1 = σ(net_o1); out_o2 = σ(net_o2)
    E = 1/2*(t1 - out_o1)^2 + 1/2*(t2 - out_o2)^2
    """

  static let sigmoidParameters = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]

  /// The chain f_k = b_k + w_k·g(f_{k−1}), g cycling sin, cos, tanh, with loss (f_N − y)².
  static func deepChain(layers n: Int) -> (source: String, parameters: [String]) {
    let functions = ["sin", "cos", "tanh"]
    var lines = ["f0 = b0 + w0*x"]
    for k in 1...n {
      lines.append("f\(k) = b\(k) + w\(k)*\(functions[(k - 1) % 3])(f\(k - 1))")
    }
    lines.append("loss = (f\(n) - y)^2")
    let parameters = (0...n).flatMap { ["b\($0)", "w\($0)"] }
    return (lines.joined(separator: "\n"), parameters)
  }
}

/// The number of operations in a printed plain formula, counted from its text: each
/// `+ - * / ^` and each call (a `(` after a letter); the sign of a number's exponent (`1e-05`)
/// is not one. The library counts from the structure (``ExpressionGraph/printedOperationCounts(_:)``);
/// tests check the two agree.
func operationCount(ofPlain text: String) -> Int {
  var count = 0
  var previous: Character = " "
  var beforePrevious: Character = " "
  for character in text {
    switch character {
    case "+", "-":
      let isExponentSign = (previous == "e" || previous == "E") && beforePrevious.isNumber
      if !isExponentSign { count += 1 }
    case "*", "/", "^": count += 1
    case "(":
      if previous.isLetter { count += 1 }
    default: break
    }
    if character != " " {
      beforePrevious = previous
      previous = character
    }
  }
  return count
}
