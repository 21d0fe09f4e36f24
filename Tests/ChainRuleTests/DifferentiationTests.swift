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

/// Symbolic derivatives against central differences computed in the test, at seeded points.
@Suite struct DifferentiationTests {
  /// Every function, each behind an inner expression so the chain rule is exercised too.
  /// Ranges keep arguments inside the domain and at least 0.2 from every kink.
  static let functionCases: [SmoothCase] = [
    SmoothCase("sin(2*x - 1)", [("x", -3...3)]),
    SmoothCase("cos(x^2/2)", [("x", -2...2)]),
    SmoothCase("tan(x/2)", [("x", -2...2)]),
    SmoothCase("exp(0.5*x)", [("x", -3...3)]),
    SmoothCase("log(x^2 + 1)", [("x", -3...3)]),
    SmoothCase("ln(3*x)", [("x", 0.2...4)]),
    SmoothCase("sqrt(3*x + 1)", [("x", 0.1...4)]),
    SmoothCase("tanh(1.5*x)", [("x", -2...2)]),
    SmoothCase("sigmoid(2*x - 1)", [("x", -3...3)]),
    SmoothCase("σ(x)*x", [("x", -3...3)]),
    SmoothCase("softplus(x - 1)", [("x", -4...4)]),
    SmoothCase("relu(x^2 - 1)", [("x", 1.2...2.5)]),
    SmoothCase("relu(x) + x", [("x", -2 ... -0.2)]),
    SmoothCase("abs(x - 1)", [("x", 1.2...3)]),
    SmoothCase("abs(x - 1)*x", [("x", -2...0.8)]),
    SmoothCase("atan(2*x)", [("x", -2...2)]),
    SmoothCase("sinh(x/2)", [("x", -3...3)]),
    SmoothCase("cosh(x - 1)", [("x", -2...3)]),
    SmoothCase("asin(x/2)", [("x", -1.6...1.6)]),
    SmoothCase("acos(0.4*x)", [("x", -2...2)]),
    SmoothCase("max(x, y^2)", [("x", 1.5...3), ("y", -1...1)]),
    SmoothCase("max(x, y)", [("x", -2 ... -0.5), ("y", 0.5...2)]),
    SmoothCase("min(x, y)*y", [("x", 0.5...2), ("y", -2 ... -0.5)]),
    SmoothCase("min(sin(x), y)", [("x", -1...1), ("y", 1.2...2)]),
    SmoothCase("step(x)*x^2", [("x", 0.3...2)]),
    SmoothCase("step(x - 1)*x^2 + x", [("x", -2...0.7)]),
    SmoothCase("sign(x)*x^3", [("x", -2 ... -0.3)]),
    SmoothCase("sign(x + 2)*exp(x)", [("x", -1...2)]),
  ]

  /// Every differentiation rule: sum, product, quotient, constant power, variable power, chain.
  static let ruleCases: [SmoothCase] = [
    // Constants.
    SmoothCase("7", [("x", -2...2)]),
    SmoothCase("3*x + 7", [("x", -2...2)]),
    SmoothCase("2^3^2*x - 0.25", [("x", -2...2)]),
    // Sums and differences.
    SmoothCase("x + y", [("x", -2...2), ("y", -2...2)]),
    SmoothCase("x - y - (x - 3*y)", [("x", -2...2), ("y", -2...2)]),
    // Products.
    SmoothCase("x*y", [("x", -2...2), ("y", -2...2)]),
    SmoothCase("x*y*z*x", [("x", -2...2), ("y", -2...2), ("z", -2...2)]),
    SmoothCase("2x*(x + 1)", [("x", -2...2)]),
    // Quotients.
    SmoothCase("x/y", [("x", -2...2), ("y", 0.5...2)]),
    SmoothCase("(x^2 + 1)/(y^2 + 1)", [("x", -2...2), ("y", -2...2)]),
    SmoothCase("1/(x*y)", [("x", 0.5...2), ("y", -2 ... -0.5)]),
    SmoothCase("x/(y/z)", [("x", -2...2), ("y", 0.5...2), ("z", 0.5...2)]),
    // Powers with constant exponents.
    SmoothCase("x^3", [("x", -2...2)]),
    SmoothCase("x^-2", [("x", 0.5...2)]),
    SmoothCase("x**0.5", [("x", 0.2...3)]),
    SmoothCase("x^(1/3)", [("x", 0.2...3)]),
    SmoothCase("(2x + 1)^4", [("x", -2...2)]),
    SmoothCase("-x^2", [("x", -2...2)]),
    // Powers with variable exponents.
    SmoothCase("x^y", [("x", 0.5...3), ("y", -2...2)]),
    SmoothCase("x^x", [("x", 0.3...2)]),
    SmoothCase("2^x", [("x", -2...2)]),
    SmoothCase("(x + 2)^(y - 1)", [("x", -1...1), ("y", -2...2)]),
    // The chain rule through nested calls.
    SmoothCase("sin(cos(exp(x)))", [("x", -2...1.5)]),
    SmoothCase("exp(sin(x)^2)", [("x", -3...3)]),
    SmoothCase("log(sqrt(x^2 + 1))", [("x", -3...3)]),
    SmoothCase("sigmoid(tanh(2*x))*softplus(y)", [("x", -2...2), ("y", -2...2)]),
    SmoothCase("atan(x*y)^2 + cosh(sinh(x/3))", [("x", -2...2), ("y", -2...2)]),
    // A variable used in several places: contributions must add up.
    SmoothCase("x*sin(x) + x^2*exp(-x)", [("x", -2...2)]),
    SmoothCase(
      Models.toyASCII,
      [
        ("beta0", -1...1), ("omega0", -1...1), ("beta1", -1...1), ("omega1", -1...1),
        ("beta2", -1...1), ("omega2", -1...1), ("beta3", -1...1), ("omega3", -1...1),
        ("x", -2...2), ("y", -2...2),
      ]),
  ]

  @Test func functionTableCoversEveryFunction() throws {
    var used: Set<Function> = []
    for smooth in Self.functionCases {
      let formula = try Formula(parsing: smooth.formula)
      for id in formula.graph.reachable(from: formula.root) {
        if case .call(let function, _) = formula.graph[id] { used.insert(function) }
      }
    }
    #expect(Set(Function.standardFunctions).subtracting(used).isEmpty, "functions without a derivative test")
  }

  /// The backward sweep asks a function of one argument for f′(u) directly; the trace and the
  /// step-by-step derivation ask for the list of partials. Both must be the same node.
  @Test(arguments: Function.standardFunctions.filter { $0.arity == 1 })
  func unaryDerivativeIsItsOnlyPartial(_ function: Function) throws {
    let graph = ExpressionGraph()
    let u = graph.add(graph.symbol("x"), graph.number(1))
    let derivative = try #require(function.derivative(at: u, in: graph))
    #expect(function.partialDerivatives(at: [u], in: graph) == [derivative])
  }

  @Test(arguments: functionCases + ruleCases)
  func derivativeMatchesCentralDifference(_ smooth: SmoothCase) throws {
    let formula = try Formula(parsing: smooth.formula)
    let raw = formula.gradient(withRespectTo: smooth.variables)
    let simplified = raw.map { formula.simplified($0) }
    for point in smooth.points(6) {
      let f = try formula.value(formula.root, at: point)
      for (i, variable) in smooth.variables.enumerated() {
        let numeric = try formula.numericPartial(variable, at: point)
        let symbolic = try formula.value(simplified[i], at: point)
        let unsimplified = try formula.value(raw[i], at: point)
        #expect(
          isClose(symbolic, numeric, relative: 1e-6, absolute: 1e-8 * (1 + Swift.abs(f))),
          "∂/∂\(variable) = \(formula.plain(simplified[i])) at \(point): \(symbolic) vs \(numeric)")
        #expect(
          isClose(symbolic, unsimplified, relative: 1e-10, absolute: 1e-13),
          "simplifying ∂/∂\(variable) changed its value at \(point): \(unsimplified) → \(symbolic)")
      }
    }
  }

  @Test(arguments: [
    ("x^2", "x", "2*x"),
    ("x^3", "x", "3*x^2"),
    ("x*y", "x", "y"),
    ("x/y", "y", "-x/y^2"),
    ("sin(x)", "x", "cos(x)"),
    ("cos(x)", "x", "-sin(x)"),
    ("exp(2*x)", "x", "2*exp(2*x)"),
    ("log(x)", "x", "1/x"),
    ("x^y", "y", "x^y*log(x)"),
    ("7", "x", "0"),
    ("3*x + 7", "x", "3"),
    ("y", "x", "0"),
    ("relu(x)", "x", "step(x)"),
    ("abs(x)", "x", "sign(x)"),
    ("softplus(x)", "x", "sigmoid(x)"),
  ])
  func textbookDerivatives(source: String, variable: String, expected: String) throws {
    let formula = try Formula(parsing: source)
    let derivative = formula.gradient(withRespectTo: [variable])[0]
    #expect(formula.plain(formula.simplified(derivative)) == expected)
  }

  @Test func gradientIsInRequestedOrder() throws {
    let formula = try Formula(parsing: "a + 2*b + 3*c")
    let gradient = formula.gradient(withRespectTo: ["c", "a", "z", "b"])
    let values = try gradient.map { try formula.value($0, at: [:]) }
    #expect(values == [3, 1, 0, 2])
  }

  @Test func deepChainGradientMatchesCentralDifference() throws {
    let (source, parameters) = Models.deepChain(layers: 12)
    let formula = try Formula(parsing: source)
    var random = SplitMix64(seed: 12)
    var point: [String: Double] = ["x": random.uniform(-1...1), "y": random.uniform(-1...1)]
    for name in parameters { point[name] = random.uniform(-1...1) }
    let gradient = formula.gradient(withRespectTo: parameters)
    let f = try formula.value(formula.root, at: point)
    for (name, id) in zip(parameters, gradient) {
      let symbolic = try formula.value(id, at: point)
      let numeric = try formula.numericPartial(name, at: point)
      #expect(
        isClose(symbolic, numeric, relative: 1e-6, absolute: 1e-8 * (1 + f)),
        "∂loss/∂\(name): \(symbolic) vs \(numeric)")
    }
  }
}
