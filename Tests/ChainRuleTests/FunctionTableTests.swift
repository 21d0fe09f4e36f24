import ChainRule
import Foundation
import Testing

@testable import ChainRuleBackprop
@testable import ChainRuleCalculus
@testable import ChainRuleExpression
@testable import ChainRuleSyntax

/// Each function is one entry of its table; every pass reads that entry.
@Suite struct FunctionTableTests {
  /// Points inside each function's domain (and away from its kinks) to compare derivatives at.
  static func samplePoints(_ function: Function) -> [[Double]] {
    switch function.name {
    case "log", "sqrt": [[0.3], [1.7], [4.2]]
    case "asin", "acos": [[-0.6], [0.1], [0.8]]
    case "tan": [[-1.1], [0.4], [1.2]]
    case "max", "min": [[0.3, 1.2], [2.5, -0.7], [-1.4, -0.2]]
    default: [[-1.3], [0.45], [2.1]]
    }
  }

  @Test(
    "the derivative template, the numeric derivative and central differences agree",
    arguments: Function.standardFunctions)
  func derivativesAgree(function: Function) throws {
    let definition = function.definition
    #expect(definition.derivatives.count == function.arity)
    for point in Self.samplePoints(function) {
      for k in 0..<function.arity {
        let template = definition.derivatives[k].evaluate(point)
        let numeric = centralDifference(at: point[k]) { x in
          var moved = point
          moved[k] = x
          return function.value(moved)
        }
        #expect(abs(template - numeric) <= 1e-7 * max(1, abs(numeric)), "\(function) ∂/∂arg\(k) at \(point)")
        if case .unary(let slope) = definition.derivativeValue {
          let value = function.value(point)
          #expect(abs(slope(point[0], value) - template) <= 1e-12 * max(1, abs(template)), "\(function) at \(point)")
        }
      }
    }
  }

  @Test("every standard function is found by each of its names", arguments: Function.standardFunctions)
  func namesFindTheFunction(function: Function) {
    let definition = function.definition
    for name in [definition.name] + definition.aliases { #expect(Function(named: name) == function) }
    for command in definition.latexCommands where function.arity == 1 {
      let formula = try? Formula(parsing: "\\\(command)(x)", syntax: .latex)
      #expect(formula.map { $0.graph.function(of: $0.root) } == function, "\\\(command)")
    }
  }

  /// softsign(u) = u/(1 + |u|): what a test registers to see a new function everywhere.
  static func registerSoftsign() throws -> Function {
    try Function.register(
      FunctionDefinition(
        name: "softsign", value: .unary { $0 / (1 + abs($0)) },
        derivatives: [.power(1 + .call(.abs, .u), -2)],
        derivativeValue: .unary { u, _ in 1 / ((1 + abs(u)) * (1 + abs(u))) },
        latex: .operatorName("softsign"), latexCommands: ["softsign"]))
  }

  /// Every check of a registered function; returns the numbers (from 1) of those that fail.
  static func registeredFunctionFailures() throws -> [Int] {
    var failures: [Int] = []
    var number = 0
    /// `what` names the check for a reader of this file; the exit status carries its number.
    func check(_ condition: Bool, _ what: String) {
      number += 1
      if !condition { failures.append(number) }
    }
    let softsign = try registerSoftsign()
    check(Function(named: "softsign") == softsign, "found by name")
    check(Function.allCases.contains(softsign), "listed among all functions")
    // Plain and LaTeX input.
    let formula = try Formula(parsing: "(softsign(w*x) - y)^2")
    let latex = try Formula(parsing: #"\left(\softsign(w x) - y\right)^2"#)
    let upright = try Formula(parsing: #"\operatorname{softsign}(w x)"#)
    check(upright.graph.function(of: upright.root) == softsign, "read from \\operatorname{softsign}")
    let point = ["w": 0.7, "x": -1.3, "y": 0.2]
    let value = try Evaluator(graph: formula.graph).evaluate(formula.root, at: point)
    let u = 0.7 * -1.3
    check(abs(value - pow(u / (1 + abs(u)) - 0.2, 2)) < 1e-15, "value")
    check(abs(try Evaluator(graph: latex.graph).evaluate(latex.root, at: point) - value) < 1e-15, "LaTeX value")
    // The symbolic derivative equals central differences.
    let dw = formula.simplified(formula.gradient(withRespectTo: ["w"])[0])
    let symbolic = try Evaluator(graph: formula.graph).evaluate(dw, at: point)
    let numeric = centralDifference(at: 0.7) { w in
      (try? Evaluator(graph: formula.graph).evaluate(formula.root, at: ["w": w, "x": -1.3, "y": 0.2])) ?? .nan
    }
    check(abs(symbolic - numeric) < 1e-8, "derivative \(symbolic) against central differences \(numeric)")
    // Printed in every notation, and the plain text reads back.
    let plain = formula.printer(.plain).string(dw)
    check(plain.contains("softsign(w*x)"), "plain text \(plain)")
    check(formula.printer(.latex).string(formula.root).contains(#"\operatorname{softsign}"#), "LaTeX text")
    let reread = try Formula(parsing: plain)
    check(abs(try Evaluator(graph: reread.graph).evaluate(reread.root, at: point) - symbolic) < 1e-12, "read back")
    // The tape computes the same gradient.
    var tape = Tape(graph: formula.graph, root: formula.root)
    _ = try tape.forward(at: point)
    tape.backward()
    check(abs(tape.gradient(withRespectTo: ["w"])[0] - symbolic) < 1e-12, "tape gradient")
    return failures
  }

  // In a process of its own: the registry is global, and other tests list every function. The
  // exit status is 0 when every check passes, else 10 + the number of the first that failed
  // (the order of `registeredFunctionFailures()`), 2 when it threw.
  @Test("a function added in one place is parsed, evaluated, differentiated, printed and taped")
  func registeredFunctionWorksEverywhere() async {
    await #expect(processExitsWith: .success) {
      do {
        let failures = try Self.registeredFunctionFailures()
        exit(failures.first.map { 10 + Int32($0) } ?? 0)
      } catch {
        exit(2)
      }
    }
  }

  @Test("registration refuses a taken name, a bad name and templates that do not match the arity")
  func registrationRefuses() {
    let unary = FunctionDefinition.Value.unary { $0 }
    #expect(throws: FunctionRegistrationError.nameTaken("sin")) {
      try Function.register(
        FunctionDefinition(name: "sin", value: unary, derivatives: [1], derivativeValue: .unary { _, _ in 1 }))
    }
    #expect(throws: FunctionRegistrationError.invalidName("my fn")) {
      try Function.register(
        FunctionDefinition(name: "my fn", value: unary, derivatives: [1], derivativeValue: .unary { _, _ in 1 }))
    }
    #expect(throws: FunctionRegistrationError.derivativesDoNotMatchArity(name: "twice", arity: 1, templates: 2)) {
      try Function.register(
        FunctionDefinition(name: "twice", value: unary, derivatives: [2, 2], derivativeValue: .unary { _, _ in 2 }))
    }
  }
}
