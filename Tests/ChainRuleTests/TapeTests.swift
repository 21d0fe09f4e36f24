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

/// The numeric tape: its gradient equals the symbolic gradient and the reference values.
@Suite struct TapeTests {
  /// The tape's value and gradient at `point`, by parameter name.
  static func tapeGradient(
    _ formula: Formula, _ names: [String], at point: [String: Double]
  ) throws -> (value: Double, gradient: [Double]) {
    var tape = Tape(graph: formula.graph, root: formula.root)
    let value = try tape.forward(at: point)
    tape.backward()
    return (value, tape.gradient(withRespectTo: names))
  }

  /// The symbolic derivatives evaluated at `point`.
  static func symbolicGradient(
    _ formula: Formula, _ names: [String], at point: [String: Double]
  ) throws -> [Double] {
    try formula.gradient(withRespectTo: names).map { try formula.value($0, at: point) }
  }

  // MARK: Reference values

  @Test(arguments: [Models.toyASCII, Models.toyUnicode, Models.toySteps])
  func toyModelMatchesTheReference(source: String) throws {
    let formula = try Formula(parsing: source)
    let point = try ReferenceValueTests.numbers("toy", "point")
    let expected = try ReferenceValueTests.numbers("toy", "gradient")
    let (loss, gradient) = try Self.tapeGradient(formula, Models.toyParameters, at: point)
    #expect(isClose(loss, try ReferenceValueTests.number("toy", "loss"), relative: 1e-12))
    let symbolic = try Self.symbolicGradient(formula, Models.toyParameters, at: point)
    for (i, name) in Models.toyParameters.enumerated() {
      let want = try #require(expected[name])
      #expect(isClose(gradient[i], want, relative: 1e-12), "∂ℓ/∂\(name): tape \(gradient[i])")
      #expect(isClose(gradient[i], symbolic[i], relative: 1e-12), "∂ℓ/∂\(name): symbolic \(symbolic[i])")
    }
  }

  @Test(arguments: [Models.sigmoidNetwork, Models.sigmoidNetworkOneLineLoss])
  func sigmoidNetworkMatchesTheReference(source: String) throws {
    let formula = try Formula(parsing: source)
    let point = try ReferenceValueTests.numbers("sigmoidNetwork", "point")
    let expected = try ReferenceValueTests.numbers("sigmoidNetwork", "gradient")
    let (loss, gradient) = try Self.tapeGradient(formula, Models.sigmoidParameters, at: point)
    #expect(isClose(loss, try ReferenceValueTests.number("sigmoidNetwork", "loss"), relative: 1e-12))
    for (i, name) in Models.sigmoidParameters.enumerated() {
      let want = try #require(expected[name])
      #expect(isClose(gradient[i], want, relative: 1e-12), "∂E/∂\(name): tape \(gradient[i])")
    }
  }

  // MARK: Tape = symbolic, every function and rule

  @Test(arguments: DifferentiationTests.functionCases + DifferentiationTests.ruleCases)
  func tapeEqualsSymbolicGradient(_ smooth: SmoothCase) throws {
    let formula = try Formula(parsing: smooth.formula)
    for point in smooth.points(5, salt: "tape") {
      let (value, gradient) = try Self.tapeGradient(formula, smooth.variables, at: point)
      let expectedValue = try formula.value(formula.root, at: point)
      #expect(isClose(value, expectedValue, relative: 1e-12, absolute: 1e-300), "value at \(point)")
      let symbolic = try Self.symbolicGradient(formula, smooth.variables, at: point)
      for (i, variable) in smooth.variables.enumerated() {
        #expect(
          isClose(gradient[i], symbolic[i], relative: 1e-10, absolute: 1e-12),
          "∂/∂\(variable) at \(point): tape \(gradient[i]), symbolic \(symbolic[i])")
      }
    }
  }

  @Test func deepChainEqualsSymbolicGradient() throws {
    let (source, parameters) = Models.deepChain(layers: 60)
    let formula = try Formula(parsing: source)
    var point: [String: Double] = ["x": 0.7, "y": 0.2]
    var random = SplitMix64(seed: SplitMix64.seed("tape chain"))
    for name in parameters { point[name] = random.uniform(-1...1) }
    let (_, gradient) = try Self.tapeGradient(formula, parameters, at: point)
    let symbolic = try Self.symbolicGradient(formula, parameters, at: point)
    for (i, name) in parameters.enumerated() {
      #expect(isClose(gradient[i], symbolic[i], relative: 1e-10, absolute: 1e-14), "∂ℓ/∂\(name)")
    }
  }

  // MARK: Accumulation, conventions, inputs

  /// A node used twice receives two contributions: d(x·x)/dx = x + x.
  @Test(arguments: [("x*x", 6.0), ("sin(x)*sin(x)", 2 * Foundation.sin(3) * Foundation.cos(3)), ("x + x + x", 3.0)])
  func usesAccumulate(source: String, expected: Double) throws {
    let formula = try Formula(parsing: source)
    let (_, gradient) = try Self.tapeGradient(formula, ["x"], at: ["x": 3])
    #expect(isClose(gradient[0], expected, relative: 1e-14))
  }

  /// At a kink the tape picks the same branch as the symbolic derivative.
  @Test(arguments: ["relu(x)", "abs(x)", "max(x, y)", "min(x, y)", "step(x)*y", "sign(x)*y"])
  func kinksFollowTheSymbolicConvention(source: String) throws {
    let formula = try Formula(parsing: source)
    let point: [String: Double] = ["x": 0, "y": 0]
    let variables = formula.variables
    let (_, gradient) = try Self.tapeGradient(formula, variables, at: point)
    #expect(gradient == (try Self.symbolicGradient(formula, variables, at: point)))
  }

  @Test func unusedVariableHasZeroDerivative() throws {
    let formula = try Formula(parsing: "x^2")
    let (_, gradient) = try Self.tapeGradient(formula, ["x", "unused"], at: ["x": 2])
    #expect(gradient == [4, 0])
  }

  @Test func missingVariableIsReported() throws {
    let formula = try Formula(parsing: "x*y")
    var tape = Tape(graph: formula.graph, root: formula.root)
    #expect(throws: EvaluationError.unboundSymbol("y")) { try tape.forward(at: ["x": 1]) }
  }

  /// The fast path: inputs in `variables` order, one tape reused at many points.
  @Test func reusedAtManyPoints() throws {
    let formula = try Formula(parsing: Models.toyASCII)
    var tape = Tape(graph: formula.graph, root: formula.root)
    #expect(tape.count == formula.graph.distinctNodeCount([formula.root]))
    var random = SplitMix64(seed: 7)
    for _ in 0..<20 {
      var point: [String: Double] = [:]
      for name in tape.variables { point[name] = random.uniform(-1...1) }
      let value = tape.forward(inputs: tape.variables.map { point[$0] ?? 0 })
      tape.backward()
      #expect(isClose(value, try formula.value(formula.root, at: point), relative: 1e-12))
      let symbolic = try Self.symbolicGradient(formula, tape.variables, at: point)
      for i in tape.variables.indices {
        #expect(isClose(tape.adjoint(ofVariableAt: i), symbolic[i], relative: 1e-10, absolute: 1e-14))
      }
    }
  }

  /// `b + w·h` is one fused instruction unless the product is used elsewhere too: both ways give
  /// the symbolic gradient.
  @Test(arguments: [
    "b + w*h", "w*h + b", "(b + w*h)^2 + sin(w*h)", "b + w*h + c", "b + (w*h)*(w*h)", "sin(b + w*h)*(b + w*h)",
    "exp(b + w*h) + tanh(w) + sigmoid(h) + cos(b)",
  ])
  func fusedProductsKeepTheGradient(source: String) throws {
    let formula = try Formula(parsing: source)
    let point: [String: Double] = ["b": 0.3, "w": -0.7, "h": 1.1, "c": 2]
    let names = formula.variables
    let (value, gradient) = try Self.tapeGradient(formula, names, at: point)
    #expect(isClose(value, try formula.value(formula.root, at: point), relative: 1e-14))
    let symbolic = try Self.symbolicGradient(formula, names, at: point)
    for i in names.indices {
      #expect(isClose(gradient[i], symbolic[i], relative: 1e-13, absolute: 1e-15), "∂/∂\(names[i])")
    }
  }
}
