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

/// Evaluation: kink conventions, domain errors, the gradient check, and sharing.
@Suite struct NumericTests {
  // MARK: Kinks

  /// (formula, variable, point, derivative there) at exactly the kink, and on either side.
  @Test(arguments: [
    ("relu(x)", "x", 0.0, 0.0, 0.0),
    ("relu(x)", "x", 1.5, 0, 1),
    ("relu(x)", "x", -1.5, 0, 0),
    ("abs(x)", "x", 0, 0, 0),
    ("abs(x)", "x", 2, 0, 1),
    ("abs(x)", "x", -2, 0, -1),
    ("relu(x - 1)*3", "x", 1, 0, 0),
    ("step(x)", "x", 0, 0, 0),
    ("sign(x)", "x", 0, 0, 0),
    ("max(x, y)", "x", 1, 1, 1),
    ("max(x, y)", "y", 1, 1, 0),
    ("max(x, y)", "x", 1, 2, 0),
    ("max(x, y)", "y", 1, 2, 1),
    ("min(x, y)", "x", 1, 1, 1),
    ("min(x, y)", "y", 1, 1, 0),
    ("min(x, y)", "y", 3, 2, 1),
    ("max(y, x)", "y", 1, 1, 1),
  ])
  func kinkConventions(source: String, variable: String, x: Double, y: Double, expected: Double)
    throws
  {
    let formula = try Formula(parsing: source)
    let d = formula.gradient(withRespectTo: [variable])[0]
    let point = ["x": x, "y": y]
    #expect(try formula.value(d, at: point) == expected, "unsimplified \(formula.plain(d))")
    let simple = formula.simplified(d)
    #expect(try formula.value(simple, at: point) == expected, "simplified \(formula.plain(simple))")
  }

  @Test func kinkValues() throws {
    for (source, value) in [("relu(0)", 0.0), ("abs(0)", 0), ("step(0)", 0), ("sign(0)", 0)] {
      let formula = try Formula(parsing: source.replacingOccurrences(of: "0", with: "x"))
      #expect(try formula.value(formula.root, at: ["x": 0]) == value, "\(source)")
    }
  }

  @Test func evaluatorReportsKinksAtTies() throws {
    let formula = try Formula(parsing: "relu(x) + abs(y) + max(a, b) + 2*min(c, d)")
    let evaluator = Evaluator(graph: formula.graph)
    let atKinks = try evaluator.values(
      of: [formula.root], at: ["x": 0, "y": 0, "a": 1, "b": 1, "c": -2, "d": -2])
    let reported = atKinks.kinks.map { "\($0.function.name): \(formula.plain($0.node))" }
    #expect(Set(reported) == ["relu: relu(x)", "abs: abs(y)", "max: max(a, b)", "min: min(c, d)"])
    #expect(atKinks.values[formula.root] == -3.0)

    let smooth = try evaluator.values(
      of: [formula.root], at: ["x": 0.5, "y": -1, "a": 1, "b": 2, "c": 0, "d": -2])
    #expect(smooth.kinks.isEmpty)
  }

  @Test func derivativeAtAKinkReportsTheKink() throws {
    let formula = try Formula(parsing: "relu(x)^2 + relu(x)")
    let d = formula.gradient(withRespectTo: ["x"])[0]
    let (values, kinks) = try Evaluator(graph: formula.graph).values(of: [d], at: ["x": 0])
    #expect(values[d] == 0)
    #expect(kinks.map(\.function).contains(.step))
  }

  // MARK: Domain errors

  /// (formula, x, the error, the failing subexpression as printed).
  static let domainCases: [(String, Double, DomainError, String)] = [
    ("log(x)", -1.0, .outsideDomain(function: "log", argument: -1, domain: Function.log.domainDescription), "log(x)"),
    (
      "2*log(x) + 1", -1, .outsideDomain(function: "log", argument: -1, domain: Function.log.domainDescription),
      "log(x)"
    ),
    ("1/x", 0, .divisionByZero, "1/x"),
    ("3 + y/x", 0, .divisionByZero, "1/x"),
    ("x^-2", 0, .divisionByZero, "1/x^2"),
    ("sqrt(x)", -1, .outsideDomain(function: "sqrt", argument: -1, domain: Function.sqrt.domainDescription), "sqrt(x)"),
    ("x^0.5", -1, .negativeBaseFractionalPower(base: -1, exponent: 0.5), "x^0.5"),
    ("exp(x)", 1000, .overflow, "exp(x)"),
    ("sin(exp(x))", 1000, .overflow, "exp(x)"),
    ("asin(x)", 2, .outsideDomain(function: "asin", argument: 2, domain: Function.asin.domainDescription), "asin(x)"),
    (
      "acos(x/4)", -8, .outsideDomain(function: "acos", argument: -2, domain: Function.acos.domainDescription),
      "acos(x/4)"
    ),
    (
      "log(sqrt(x + 1))", -1, .outsideDomain(function: "log", argument: 0, domain: Function.log.domainDescription),
      "log(sqrt(x + 1))"
    ),
  ]

  @Test(arguments: domainCases)
  func domainErrorsNameTheNode(source: String, x: Double, error: DomainError, node: String) throws {
    let formula = try Formula(parsing: source)
    do {
      let value = try formula.value(formula.root, at: ["x": x, "y": 1])
      Issue.record("\(source) at x = \(x) evaluated to \(value)")
    } catch let failure as EvaluationError {
      guard case .domain(let domainError, let id) = failure else {
        Issue.record("expected a domain error, got \(failure)")
        return
      }
      #expect(domainError == error)
      #expect(formula.plain(id) == node)
    }
  }

  /// The domain in words, as "log needs …" completes it.
  @Test(arguments: [
    (Function.log, "a positive argument"),
    (.sqrt, "an argument that is not negative"),
    (.asin, "an argument between −1 and 1"),
    (.acos, "an argument between −1 and 1"),
    (.tan, "an argument whose cosine is not 0"),
  ])
  func domainDescriptions(function: Function, domain: String) {
    #expect(function.domainDescription == domain)
  }

  @Test func derivativeDomainErrorNamesTheSimplifiedNode() throws {
    let formula = try Formula(parsing: "sqrt(x)")
    let d = formula.simplified(formula.gradient(withRespectTo: ["x"])[0])
    #expect(formula.plain(d) == "1/(2*sqrt(x))")
    #expect(
      throws: EvaluationError.domain(
        .divisionByZero,
        node: formula.graph.intern(
          .power(formula.graph.call(.sqrt, [formula.graph.symbol("x")]), formula.graph.number(-1))))
    ) {
      try Evaluator(graph: formula.graph).evaluate(d, at: ["x": 0])
    }
  }

  @Test func missingVariableIsNamed() throws {
    let formula = try Formula(parsing: "x + y")
    #expect(throws: EvaluationError.unboundSymbol("y")) {
      try Evaluator(graph: formula.graph).evaluate(formula.root, at: ["x": 1])
    }
  }

  // MARK: Gradient check

  @Test(arguments: DifferentiationTests.functionCases + DifferentiationTests.ruleCases)
  func gradientCheckAgrees(_ smooth: SmoothCase) throws {
    let formula = try Formula(parsing: smooth.formula)
    let derivatives = formula.gradient(withRespectTo: smooth.variables)
    for point in smooth.points(2, salt: "gradient check") {
      let rows = try GradientCheck(graph: formula.graph).check(
        formula.root, derivatives: derivatives, variables: smooth.variables, at: point)
      #expect(rows.map(\.variable) == smooth.variables)
      for row in rows {
        #expect(row.status == .agrees, "\(row.variable) at \(point): \(row)")
        let mine = try formula.numericPartial(row.variable, at: point)
        #expect(isClose(row.numeric, mine, relative: 1e-6, absolute: 1e-8), "\(row.variable)")
      }
    }
  }

  @Test func gradientCheckCatchesAWrongDerivative() throws {
    let formula = try Formula(parsing: "sin(x)*y")
    let right = formula.gradient(withRespectTo: ["x", "y"])
    let wrong = [formula.graph.call(.sin, [formula.graph.symbol("x")]), right[1]]
    let rows = try GradientCheck(graph: formula.graph).check(
      formula.root, derivatives: wrong, variables: ["x", "y"], at: ["x": 0.7, "y": 1.3])
    #expect(rows.map(\.status) == [.disagrees, .agrees])
  }

  @Test func gradientCheckReportsKinksAndUndefinedPoints() throws {
    let kinked = try Formula(parsing: "relu(x)")
    let kinkRows = try GradientCheck(graph: kinked.graph).check(
      kinked.root, derivatives: kinked.gradient(withRespectTo: ["x"]), variables: ["x"], at: ["x": 0])
    #expect(kinkRows.map(\.status) == [.kink])

    let edge = try Formula(parsing: "sqrt(x) + y")
    let rows = try GradientCheck(graph: edge.graph).check(
      edge.root, derivatives: edge.gradient(withRespectTo: ["y"]), variables: ["y"],
      at: ["x": 0, "y": 1])
    #expect(rows.map(\.status) == [.agrees])
    let sqrtRows = try GradientCheck(graph: edge.graph).check(
      edge.root, derivatives: [edge.graph.number(1)], variables: ["x"], at: ["x": 0, "y": 1])
    guard case .undefined = sqrtRows.first?.status else {
      Issue.record("expected an undefined row, got \(sqrtRows)")
      return
    }
  }

  // MARK: Sharing

  /// ∂loss/∂(all 2N + 2 parameters) of an N-layer chain stays linear in N.
  @Test func gradientOfADeepChainGrowsLinearly() throws {
    func distinctNodes(layers n: Int) throws -> Int {
      let (source, parameters) = Models.deepChain(layers: n)
      let formula = try Formula(parsing: source)
      #expect(formula.variables.count == 2 * n + 4)
      let gradient = formula.gradient(withRespectTo: parameters)
      #expect(gradient.count == 2 * n + 2)
      #expect(Set(gradient).count == 2 * n + 2)
      return formula.distinctNodeCount(gradient)
    }
    let small = try distinctNodes(layers: 50)
    let large = try distinctNodes(layers: 200)
    // Linear growth quadruples the count; quadratic growth would multiply it by 16.
    #expect(Double(large) / Double(small) < 4.5, "\(small) nodes for N = 50, \(large) for N = 200")
    #expect(large < 20 * 200, "\(large) nodes for N = 200")
  }

  @Test func equalSubexpressionsAreStoredOnce() throws {
    let formula = try Formula(parsing: "sin(x + y)*cos(x + y) + (x + y)")
    let sums = formula.graph.nodes.filter {
      if case .sum = $0 { return true }
      return false
    }
    #expect(sums.count == 2)
    let graph = ExpressionGraph()
    let a = graph.call(.sin, [graph.symbol("x")])
    let b = graph.call(.sin, [graph.symbol("x")])
    #expect(a == b)
    #expect(graph.count == 2)
  }
}
