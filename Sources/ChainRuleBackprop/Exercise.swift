import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// What an exercise practises.
public enum ExerciseTopic: String, Sendable, CaseIterable {
  /// The chain rule: f(g(x)).
  case chain
  /// The product rule: u·v.
  case product
  /// The quotient rule: u/v.
  case quotient
  /// A small network and its loss, by backpropagation.
  case network
}

/// A fresh differentiation problem with its answer key, the same for the same seed.
///
/// Level 1 practises one rule (with a linear inner function at most), level 2 combines two
/// (product or quotient with the chain rule, or a chain of two functions), level 3 is a small
/// network whose loss is differentiated by every parameter with a trace. The point is drawn so
/// that the formula and its derivatives have values there.
///
/// ```swift
/// let exercise = Exercise(seed: 7, level: 2, topic: .product)
/// exercise.source       // e.g. "x^2*sin(3*x - 1)"
/// exercise.answers[0]   // (variable: "x", derivative: …, value: …)
/// ```
public struct Exercise {
  public let seed: UInt64
  /// 1, 2 or 3.
  public let level: Int
  public let topic: ExerciseTopic
  /// The formula as plain text (definitions on separate lines for a network).
  public let source: String
  public let formula: Formula
  /// The variables to differentiate by.
  public let variables: [String]
  /// The data names of a network (none for a formula in x).
  public let dataNames: Set<String>
  /// The point, in the formula's variable order.
  public let point: [(String, Double)]
  /// Each variable's derivative (simplified, in ``formula``'s graph) and its value at the point.
  public let answers: [(variable: String, derivative: NodeID, value: Double)]
  /// The rules the derivations use, each once, in the order first met.
  public let rules: [DerivativeRule]
  /// For a network: the trace at the point.
  public let trace: Trace?

  /// Levels an exercise can have.
  public static let levels = 1...3

  /// Makes the exercise for `seed`; a nil topic is drawn from the seed too (level 3 is always a
  /// network).
  ///
  /// - Throws: ``Diagnostic`` only if a template does not parse (a bug; the tests parse them all).
  public init(seed: UInt64, level: Int = 2, topic: ExerciseTopic? = nil) throws(Diagnostic) {
    var generator = SplitMix64(seed: seed)
    let level = Swift.min(Swift.max(level, 1), 3)
    // The topic is drawn whether or not it is given, so naming the drawn topic (as the printed
    // commands do) gives the same exercise.
    let drawn = ExerciseTopic.allCases[Int(generator.next() % 4)]
    let chosen = level == 3 ? ExerciseTopic.network : topic ?? drawn
    self.seed = seed
    self.level = level
    self.topic = chosen
    var draw = Draw(generator: generator)
    // A template whose point cannot be found is redrawn (none is expected to fail).
    var made: (String, Formula, [(String, Double)])? = nil
    for _ in 0..<20 {
      let source = Self.template(chosen, level: level, &draw)
      guard let formula = try? Formula(parsing: source) else { continue }
      if let point = Self.point(for: formula, network: chosen == .network, &draw) {
        made = (source, formula, point)
        break
      }
    }
    let fallback = "x^2*sin(x)"
    if made == nil { made = (fallback, try Formula(parsing: fallback), [("x", 1)]) }
    guard let (source, formula, point) = made else { throw Diagnostic(.emptyInput, at: SourceSpan(start: 0, end: 0)) }
    self.source = source
    self.formula = formula
    let data = chosen == .network ? Trace.defaultDataNames(among: formula.variables) : []
    dataNames = data
    let program = ForwardProgram(formula: formula, dataNames: data)
    let parameters = chosen == .network ? program.parameters(excluding: data) : formula.variables
    variables = parameters
    // The point lists the parameters in the order they enter the forward pass, then the data.
    let rank = Dictionary(parameters.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    self.point = point.enumerated().sorted { a, b in
      (rank[a.element.0] ?? parameters.count + a.offset) < (rank[b.element.0] ?? parameters.count + b.offset)
    }.map(\.element)
    let values = Dictionary(self.point, uniquingKeysWith: { a, _ in a })
    let evaluator = Evaluator(graph: formula.graph)
    var answers: [(String, NodeID, Double)] = []
    for (variable, raw) in zip(parameters, formula.gradient(withRespectTo: parameters)) {
      let simple = formula.simplified(raw)
      answers.append((variable, simple, (try? evaluator.evaluate(simple, at: values)) ?? .nan))
    }
    self.answers = answers
    var rules: [DerivativeRule] = []
    for variable in parameters {
      for line in Derivation(formula: formula, variable: variable).lines
      where line.rule != .variable && line.rule != .constant && !rules.contains(line.rule) {
        rules.append(line.rule)
      }
    }
    self.rules = rules
    trace =
      chosen == .network
      ? try? Trace(
        program: program, parameters: parameters, point: values)
      : nil
  }

  // MARK: Templates

  /// Random choices, from one generator.
  struct Draw {
    var generator: SplitMix64

    mutating func integer(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(generator.next() % UInt64(range.count))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[integer(0...(items.count - 1))] }

    /// A coefficient 2…5, sometimes negative.
    mutating func coefficient(negative: Bool = true) -> Int {
      let c = integer(2...5)
      return negative && integer(0...3) == 0 ? -c : c
    }

    /// A value with one decimal in `range`, never 0.
    mutating func decimal(_ range: ClosedRange<Double>) -> Double {
      let steps = Int(((range.upperBound - range.lowerBound) * 10).rounded())
      for _ in 0..<10 {
        let value = ((range.lowerBound * 10).rounded() + Double(integer(0...steps))) / 10
        if value != 0 { return value }
      }
      return range.upperBound
    }
  }

  /// `a*x + b` written as a learner writes it: `3*x - 2`, `x + 1`, `-2*x + 5`.
  static func linear(_ a: Int, _ b: Int, _ x: String = "x") -> String {
    let head = a == 1 ? x : a == -1 ? "-\(x)" : "\(a)*\(x)"
    if b == 0 { return head }
    return b < 0 ? "\(head) - \(-b)" : "\(head) + \(b)"
  }

  private static func template(_ topic: ExerciseTopic, level: Int, _ d: inout Draw) -> String {
    let a = d.coefficient()
    let b = d.integer(-4...4)
    let n = d.integer(2...4)
    let c = d.integer(1...4)
    switch (topic, level) {
    case (.chain, 1):
      let f = d.pick(["sin", "cos", "exp", "tanh"])
      return d.integer(0...2) == 0 ? "(\(linear(a, b)))^\(n + 1)" : "\(f)(\(linear(a, b)))"
    case (.chain, _):
      return d.pick([
        "sin(x^\(n) + \(c))", "exp(\(d.pick(["sin", "cos"]))(\(linear(a, 0))))", "log(x^2 + \(c))",
        "(x^2 + \(c))^\(n + 1)", "cos(\(linear(a, b)))^\(n)", "sqrt(x^2 + \(c))", "tanh(x^\(n))",
      ])
    case (.product, 1):
      return d.pick(["x^\(n)*sin(x)", "x^\(n)*exp(x)", "x*log(x)", "x^\(n)*cos(x)", "(\(linear(1, b)))*exp(x)"])
    case (.product, _):
      return d.pick([
        "x^\(n)*sin(\(linear(a, b)))", "exp(\(a)*x)*cos(\(c)*x)", "x*log(x^2 + \(c))", "x^\(n)*exp(-\(c)*x)",
        "sin(x)^2*cos(\(c)*x)",
      ])
    case (.quotient, 1):
      return d.pick(["sin(x)/x", "x/(x^2 + \(c))", "exp(x)/x^\(n)", "(x + \(c))/(x^2 + 1)", "log(x)/x"])
    case (.quotient, _):
      return d.pick([
        "sin(\(a)*x)/(x^2 + \(c))", "exp(\(a)*x)/(1 + x^2)", "log(x^2 + \(c))/x",
        "x^\(n)/(\(d.pick(["exp", "cosh"]))(x) + \(c))",
        "(x^2 + \(c))/sqrt(x^2 + 1)",
      ])
    case (.network, 1):
      return "l = (w*x + b - y)^2"
    case (.network, 2):
      let activation = d.pick(["sigmoid", "tanh"])
      return "h = \(activation)(w*x + b)\nl = (h - y)^2"
    case (.network, _):
      if d.integer(0...1) == 0 {
        let activation = d.pick(["sigmoid", "tanh"])
        return "h = \(activation)(w1*x + b1)\nf = w2*h + b2\nl = (f - y)^2"
      }
      return "h1 = sigmoid(w1*x + b1)\nh2 = tanh(w2*x + b2)\nf = v1*h1 + v2*h2\nl = (f - y)^2"
    }
  }

  /// A point where the formula and its derivatives have values and no kinks; nil if none is
  /// found.
  private static func point(for formula: Formula, network: Bool, _ d: inout Draw) -> [(String, Double)]? {
    let roots = [formula.root] + formula.gradient(withRespectTo: formula.variables)
    let evaluator = Evaluator(graph: formula.graph)
    for _ in 0..<50 {
      var point: [(String, Double)] = []
      for name in formula.variables {
        let value: Double
        switch name {
        case "x": value = network ? d.decimal(0.5...2) : d.decimal(0.2...2)
        case "y": value = d.decimal(-1...1)
        default: value = d.decimal(-1...1)
        }
        point.append((name, value))
      }
      let values = Dictionary(point, uniquingKeysWith: { a, _ in a })
      guard let (computed, kinks) = try? evaluator.values(of: roots, at: values), kinks.isEmpty else { continue }
      // Values a learner can work with: not astronomically large.
      if roots.allSatisfy({ Swift.abs(computed[$0] ?? 0) < 1e4 }) { return point }
    }
    return nil
  }
}
