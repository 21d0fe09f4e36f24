import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// How an answer is checked at numbers: how many random points, drawn how, compared how closely.
public struct GradeSettings: Sendable {
  /// Points an answer is compared at (where the derivative is defined).
  public var pointCount = 20
  /// Seed of the points (``SplitMix64``): the same seed gives the same points.
  public var seed: UInt64 = 1
  /// Each variable is drawn from [−range, range] (every other point from (0, range], so
  /// formulas with `log x` or `√x` find points too).
  public var range = 2.0
  /// Largest relative error |a − t| / max(|a|, |t|, 10⁻⁶) at which two values count as equal.
  public var tolerance = 1e-8
  /// Draws tried before giving up on finding ``pointCount`` points in the domain.
  public var maximumAttempts = 400

  public init() {}
}

/// Random points in a formula's domain, drawn once and shared by every answer graded there.
///
/// A point is kept when the formula and all of its derivatives have values there and no kink
/// (relu, abs, max … at a switch) is met, so a derivative's convention never decides a verdict.
public struct SamplePoints: Sendable {
  /// The variables given values, in the formula's order.
  public let variables: [String]
  /// The points kept.
  public let points: [[String: Double]]
  /// How many draws it took.
  public let attempts: Int
  /// The settings they were drawn with.
  public let settings: GradeSettings

  /// Draws points for `variables` where every node of `roots` is defined and kink-free.
  public init(variables: [String], roots: [NodeID], in graph: ExpressionGraph, settings: GradeSettings) {
    self.variables = variables
    self.settings = settings
    var generator = SplitMix64(seed: settings.seed)
    var points: [[String: Double]] = []
    var attempts = 0
    let evaluator = Evaluator(graph: graph)
    while points.count < settings.pointCount && attempts < settings.maximumAttempts {
      let positive = attempts % 2 == 1
      attempts += 1
      var point: [String: Double] = [:]
      for name in variables {
        let unit = Double(generator.next() >> 11) / Double(1 << 53)
        let magnitude = 0.1 + unit * (settings.range - 0.1)
        let signBit = generator.next() & 1 == 1
        let value = (positive || !signBit ? magnitude : -magnitude)
        // Three decimals read well in a report; a kink at exactly 0 is caught below.
        point[name] = (value * 1000).rounded() / 1000
      }
      guard let (_, kinks) = try? evaluator.values(of: roots, at: point), kinks.isEmpty else { continue }
      points.append(point)
    }
    self.points = points
    self.attempts = attempts
  }

  /// The values of `id` at each point; nil where it has no value.
  public func values(of id: NodeID, in graph: ExpressionGraph) -> [Double?] {
    let evaluator = Evaluator(graph: graph)
    return points.map { point in try? evaluator.evaluate(id, at: point) }
  }
}

/// Two expressions' values at the same points, and how they compare.
public struct ValueComparison: Sendable {
  /// The points where both have values, as indices into ``SamplePoints/points``.
  public let indices: [Int]
  /// The reference's values (the true derivative) at those points.
  public let truth: [Double]
  /// The answer's values at those points.
  public let answer: [Double]
  /// Points where the reference has a value and the answer does not.
  public let answerUndefined: Int
  /// The tolerance compared with.
  public let tolerance: Double

  /// Pairs the values where both are defined.
  public init(truth: [Double?], answer: [Double?], tolerance: Double) {
    var indices: [Int] = []
    var t: [Double] = []
    var a: [Double] = []
    var undefined = 0
    for (i, (x, y)) in zip(truth, answer).enumerated() {
      guard let x else { continue }
      guard let y else {
        undefined += 1
        continue
      }
      indices.append(i)
      t.append(x)
      a.append(y)
    }
    self.indices = indices
    self.truth = t
    self.answer = a
    answerUndefined = undefined
    self.tolerance = tolerance
    let scale = (t + a).reduce(0) { Swift.max($0, Swift.abs($1)) }
    floor = Swift.max(1e-6 * scale, Double.leastNormalMagnitude)
  }

  /// Differences are relative to at least this: 10⁻⁶ of the largest value at any point, so a
  /// derivative that is 0 at one point and 1 at others may be 10⁻¹⁷ there, while one that is
  /// 10⁻¹⁸ everywhere (a vanishing gradient) is not the answer 0.
  public let floor: Double

  /// |a − b| / max(|a|, |b|, ``floor``).
  public func error(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return Swift.abs(a - b) / Swift.max(Swift.abs(a), Swift.abs(b), floor)
  }

  /// |a − b| / max(|a|, |b|, 10⁻⁶).
  public static func relativeError(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return Swift.abs(a - b) / Swift.max(Swift.abs(a), Swift.abs(b), 1e-6)
  }

  /// |a − b| / max(|a|, |b|), without a floor: ratios may be tiny and still differ.
  static func ratioError(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return Swift.abs(a - b) / Swift.max(Swift.abs(a), Swift.abs(b))
  }

  /// The largest relative error, and the position (in ``indices``) where it is.
  public var worst: (error: Double, position: Int)? {
    var best: (Double, Int)? = nil
    for k in truth.indices {
      let e = error(truth[k], answer[k])
      if best == nil || e > best?.0 ?? 0 { best = (e, k) }
    }
    return best
  }

  /// Whether the answer equals the truth at every point (and there is at least one).
  public var agrees: Bool {
    !truth.isEmpty && zip(truth, answer).allSatisfy { error($0, $1) <= tolerance }
  }

  /// Whether `values` (at every sample point) equal the answer's wherever both are defined,
  /// at least at half of the compared points.
  func answerMatches(_ values: [Double?]) -> Bool {
    var compared = 0
    for (k, i) in indices.enumerated() {
      guard let v = values[i] else { continue }
      guard error(v, answer[k]) <= tolerance * 100 else { return false }
      compared += 1
    }
    return compared > 0 && compared * 2 >= indices.count
  }

  /// truth/answer when it is the same number at every point (to a relative 10⁻⁶).
  public var constantRatio: Double? {
    var ratio: Double? = nil
    for (t, a) in zip(truth, answer) {
      guard Swift.abs(a) > 1e-12, Swift.abs(t) > 1e-12 else { continue }
      let r = t / a
      if let ratio {
        guard Self.ratioError(r, ratio) <= 1e-6 else { return nil }
      } else {
        ratio = r
      }
    }
    return ratio
  }

  /// Whether truth/answer equals `values` at the compared points (or, with `inverse`,
  /// answer/truth does).
  func ratioMatches(_ values: [Double?], inverse: Bool = false) -> Bool {
    var compared = 0
    for (k, i) in indices.enumerated() {
      guard let v = values[i] else { continue }
      let (t, a) = (truth[k], answer[k])
      guard Swift.abs(a) > 1e-12, Swift.abs(t) > 1e-12 else { continue }
      let r = inverse ? a / t : t / a
      guard Self.ratioError(r, v) <= 1e-6 else { return false }
      compared += 1
    }
    return compared > 0 && compared * 2 >= indices.count
  }

  /// Whether truth − answer equals `scale`·`values` at the compared points.
  func differenceMatches(_ values: [Double?], scale: Double = 1) -> Bool {
    var compared = 0
    for (k, i) in indices.enumerated() {
      guard let v = values[i] else { continue }
      let d = truth[k] - answer[k]
      let size = Swift.max(Swift.abs(truth[k]), Swift.abs(answer[k]), 1e-6)
      guard Swift.abs(d - scale * v) <= 1e-6 * size else { return false }
      compared += 1
    }
    return compared > 0 && compared * 2 >= indices.count
  }
}

extension CanonicalForm {
  /// The most terms an expansion is allowed to make: past it, forms are compared unexpanded.
  static let expansionLimit = 2_000

  /// ``expand(_:)`` when the expansion stays small, else nil: a product of many sums multiplies
  /// out into exponentially many terms (an answer `(x + 1)·(x + 2)·…·(x + 30)` would never end).
  mutating func expandIfSmall(_ id: NodeID) -> NodeID? {
    var memo: [NodeID: Int] = [:]
    let over = Self.expansionLimit + 1
    // The terms of a node's expansion; a power or call is one term, unless the expansion inside
    // it is already too large.
    func terms(_ id: NodeID) -> Int {
      if let known = memo[id] { return known }
      var count = 1
      switch graph[id] {
      case .sum(let parts): count = parts.reduce(0) { Swift.min(over, $0 + terms($1)) }
      case .product(let parts): count = parts.reduce(1) { Swift.min(over, $0 * terms($1)) }
      case .power(let base, let exponent): count = Swift.max(terms(base), terms(exponent)) >= over ? over : 1
      case .call(_, let arguments): count = arguments.contains { terms($0) >= over } ? over : 1
      case .number, .symbol: count = 1
      }
      memo[id] = count
      return count
    }
    guard terms(simplify(id)) <= Self.expansionLimit else { return nil }
    return expand(id)
  }
}
