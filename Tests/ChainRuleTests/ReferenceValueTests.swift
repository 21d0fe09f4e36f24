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

/// Values from `Scripts/toy_reference.py`, committed as `Fixtures/reference_values.json`.
@Suite struct ReferenceValueTests {
  /// The fixture's top-level object.
  static func fixture() throws -> [String: Any] {
    let url = try #require(
      Bundle.module.url(
        forResource: "reference_values", withExtension: "json", subdirectory: "Fixtures"))
    let data = try Data(contentsOf: url)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// A `name → number` table inside the fixture, e.g. `["toy", "gradient"]`.
  static func numbers(_ path: String...) throws -> [String: Double] {
    var object: Any = try fixture()
    for key in path {
      object = try #require((object as? [String: Any])?[key], "fixture has no \(path)")
    }
    let table = try #require(object as? [String: Any])
    return try table.mapValues { try #require(($0 as? NSNumber)?.doubleValue) }
  }

  static func number(_ path: String...) throws -> Double {
    var object: Any = try fixture()
    for key in path {
      object = try #require((object as? [String: Any])?[key], "fixture has no \(path)")
    }
    return try #require((object as? NSNumber)?.doubleValue)
  }

  static let relative = 1e-12

  // MARK: Toy model

  @Test func fixturePointIsTheBooksPoint() throws {
    #expect(try Self.numbers("toy", "point") == Models.toyPoint)
  }

  @Test(arguments: [Models.toyASCII, Models.toyUnicode, Models.toySteps])
  func toyLossAndGradient(source: String) throws {
    let formula = try Formula(parsing: source)
    let point = try Self.numbers("toy", "point")
    let loss = try formula.value(formula.root, at: point)
    let expectedLoss = try Self.number("toy", "loss")
    #expect(isClose(loss, expectedLoss, relative: Self.relative), "loss \(loss)")

    let expected = try Self.numbers("toy", "gradient")
    #expect(Set(expected.keys) == Set(Models.toyParameters))
    let gradient = formula.gradient(withRespectTo: Models.toyParameters)
    for (name, id) in zip(Models.toyParameters, gradient) {
      let want = try #require(expected[name])
      let raw = try formula.value(id, at: point)
      let simplified = try formula.value(formula.simplified(id), at: point)
      #expect(isClose(raw, want, relative: Self.relative), "∂ℓ/∂\(name) (unsimplified) \(raw)")
      #expect(isClose(simplified, want, relative: Self.relative), "∂ℓ/∂\(name) \(simplified)")
    }
  }

  @Test func toyForwardAndBackwardIntermediates() throws {
    let formula = try Formula(parsing: Models.toySteps)
    let point = try Self.numbers("toy", "point")
    for (name, want) in try Self.numbers("toy", "forward") {
      let id = try #require(formula.definitions[name], "no definition \(name)")
      let value = try formula.value(id, at: point)
      #expect(isClose(value, want, relative: Self.relative), "\(name) = \(value)")
    }
    let adjoints = Differentiator(graph: formula.graph).adjoints(of: formula.root)
    for (key, want) in try Self.numbers("toy", "backward") {
      // Keys read "dl/df3": the adjoint of the node that defines f3.
      let name = String(key.split(separator: "/")[1].dropFirst())
      let node = try #require(formula.definitions[name], "no definition \(name)")
      let adjoint = try #require(adjoints[node], "no adjoint for \(name)")
      let value = try formula.value(adjoint, at: point)
      #expect(isClose(value, want, relative: Self.relative), "\(key) = \(value)")
    }
  }

  // MARK: Sigmoid network

  @Test(arguments: [Models.sigmoidNetwork, Models.sigmoidNetworkOneLineLoss])
  func sigmoidNetworkLossAndGradient(source: String) throws {
    let formula = try Formula(parsing: source)
    #expect(formula.resultName == "E")
    let point = try Self.numbers("sigmoidNetwork", "point")
    let loss = try formula.value(formula.root, at: point)
    #expect(isClose(loss, try Self.number("sigmoidNetwork", "loss"), relative: Self.relative))

    let expected = try Self.numbers("sigmoidNetwork", "gradient")
    #expect(Set(expected.keys) == Set(Models.sigmoidParameters))
    let gradient = formula.gradient(withRespectTo: Models.sigmoidParameters)
    for (name, id) in zip(Models.sigmoidParameters, gradient) {
      let want = try #require(expected[name])
      let raw = try formula.value(id, at: point)
      let simplified = try formula.value(formula.simplified(id), at: point)
      #expect(isClose(raw, want, relative: Self.relative), "∂E/∂\(name) (unsimplified) \(raw)")
      #expect(isClose(simplified, want, relative: Self.relative), "∂E/∂\(name) \(simplified)")
    }
  }

  @Test func sigmoidNetworkForwardValues() throws {
    let formula = try Formula(parsing: Models.sigmoidNetwork)
    let point = try Self.numbers("sigmoidNetwork", "point")
    let forward = try Self.numbers("sigmoidNetwork", "forward")
    #expect(forward.count == 11)
    for (name, want) in forward {
      let id = try #require(formula.definitions[name], "no definition \(name)")
      let value = try formula.value(id, at: point)
      #expect(isClose(value, want, relative: Self.relative), "\(name) = \(value)")
    }
  }

  @Test func sigmoidNetworkGradientStep() throws {
    let formula = try Formula(parsing: Models.sigmoidNetwork)
    var point = try Self.numbers("sigmoidNetwork", "point")
    let rate = try Self.number("sigmoidNetwork", "update", "rate")
    let gradient = formula.gradient(withRespectTo: Models.sigmoidParameters)
    let steps = try gradient.map { try formula.value($0, at: point) }
    for (name, step) in zip(Models.sigmoidParameters, steps) {
      point[name] = try #require(point[name]) - rate * step
    }
    let expected = try Self.numbers("sigmoidNetwork", "update", "parameters")
    for (name, want) in expected {
      let value = try #require(point[name])
      #expect(isClose(value, want, relative: Self.relative), "updated \(name) = \(value)")
    }
    let after = try formula.value(formula.root, at: point)
    #expect(
      isClose(after, try Self.number("sigmoidNetwork", "update", "lossAfter"), relative: Self.relative))
  }
}
