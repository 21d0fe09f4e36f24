import ChainRuleCLI
import Foundation
import Testing

/// The JSON contract of `chainrule diff --format json` (see `shared/tools/contract-check`), on the
/// textbook's toy model.
@Suite("diff --format json: the contract, on the toy model")
struct DiffJSONContractTests {
  static func toyJSON() -> (CommandResult, JSONDocument?) {
    let result = chainrule(
      "diff", Toy.formula, "--wrt", Toy.parameters.joined(separator: ","), "--at", Toy.point, "--format", "json")
    return (result, JSONDocument(result.stdout))
  }

  @Test("top-level keys, in the contract's order")
  func topLevelKeys() throws {
    let (result, parsed) = Self.toyJSON()
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    let json = try #require(parsed)
    #expect(json.object["input"] as? String == Toy.formula)
    #expect(json.object["expression"] is String)
    let variables = try #require(json.object["variables"] as? [String])
    #expect(Set(variables) == Set(Toy.parameters + ["x", "y"]))
    #expect(variables.count == 10)
    let value = try #require(jsonNumber(json.object["value"]))
    #expect(isClose(value, Self.referenceLoss, relative: 1e-12), "\(value)")
    let positions = ["\"input\"", "\"expression\"", "\"variables\"", "\"value\"", "\"derivatives\""].map {
      result.stdout.range(of: $0)?.lowerBound
    }
    #expect(!positions.contains(nil))
    #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
  }

  @Test("one derivative per --wrt name, in the order asked, each with the contract's keys")
  func derivatives() throws {
    let (_, parsed) = Self.toyJSON()
    let json = try #require(parsed)
    let derivatives = try #require(json.object["derivatives"] as? [[String: Any]])
    #expect(derivatives.map { $0["wrt"] as? String } == Toy.parameters)
    for entry in derivatives {
      #expect(entry["expression"] is String)
      #expect(entry["latex"] is String)
      #expect(jsonNumber(entry["value"]) != nil)
      #expect(entry["operations"] is Int)
      let operations = try #require(entry["operations"] as? Int)
      #expect(operations > 0)
    }
  }

  @Test("wrt in the order asked, whatever that order is")
  func wrtOrder() throws {
    let reversed = Array(Toy.parameters.reversed())
    let result = chainrule(
      "diff", Toy.formula, "--wrt", reversed.joined(separator: ","), "--format", "json")
    let json = try #require(JSONDocument(result.stdout))
    let derivatives = try #require(json.object["derivatives"] as? [[String: Any]])
    #expect(derivatives.map { $0["wrt"] as? String } == reversed)
    // Without --at there is no value, neither for the formula nor for a derivative.
    #expect(json.object["value"] == nil)
    #expect(derivatives.allSatisfy { $0["value"] == nil })
  }

  @Test("Greek --wrt names come back canonical ASCII")
  func greekWrt() throws {
    let result = chainrule("diff", Toy.formula, "--wrt", "β₀,ω₀,beta_1", "--format", "json")
    let json = try #require(JSONDocument(result.stdout))
    let derivatives = try #require(json.object["derivatives"] as? [[String: Any]])
    #expect(derivatives.map { $0["wrt"] as? String } == ["beta0", "omega0", "beta1"])
  }

  /// ∂ℓ/∂φ at the book's point, from Scripts/toy_reference.py (sympy, 30 digits), as committed in
  /// Tests/ChainRuleTests/Fixtures/reference_values.json ("toy"."gradient").
  static let referenceGradient: [String: Double] = [
    "beta0": 2.2809006221693626, "omega0": 5.246071430989534, "beta1": -17.0604665262678,
    "omega1": -16.079298656737965, "beta2": -1.6830577496003154, "omega2": -8.5302332631339,
    "beta3": 0.7445282168318548, "omega3": 0.4894687599201261,
  ]
  /// ℓ at the book's point, from the same fixture ("toy"."loss").
  static let referenceLoss = 0.13858056641470534

  @Test("derivative values match the reference gradient")
  func values() throws {
    let (_, parsed) = Self.toyJSON()
    let derivatives = try #require(parsed?.object["derivatives"] as? [[String: Any]])
    for entry in derivatives {
      let name = try #require(entry["wrt"] as? String)
      let value = try #require(jsonNumber(entry["value"]))
      let expected = try #require(Self.referenceGradient[name])
      #expect(isClose(value, expected, relative: 1e-12), "\(name): \(value) vs \(expected)")
    }
  }

  @Test("each plain derivative parses back and evaluates to the derivative's value")
  func expressionsRoundTrip() throws {
    let (_, parsed) = Self.toyJSON()
    let json = try #require(parsed)
    let derivatives = try #require(json.object["derivatives"] as? [[String: Any]])
    let closedForm = try #require(json.object["expression"] as? String)
    let rows =
      derivatives.map { ($0["wrt"] as? String ?? "?", $0["expression"] as? String, jsonNumber($0["value"])) }
      + [("closed form", closedForm, jsonNumber(json.object["value"]))]
    for (name, expression, value) in rows {
      let expression = try #require(expression, "\(name)")
      let value = try #require(value, "\(name)")
      let reparsed = chainrule("diff", "--format", "json", "--", expression)
      #expect(reparsed.exitCode == 0, "\(name) does not parse back: \(reparsed.stderr)")
      #expect(JSONDocument(reparsed.stdout) != nil)
      let evaluated = chainrule("diff", "--at", Toy.point, "--format", "json", "--", expression)
      #expect(evaluated.exitCode == 0, "\(name): \(evaluated.stderr)")
      let again = try #require(JSONDocument(evaluated.stdout))
      let printedValue = try #require(jsonNumber(again.object["value"]))
      #expect(isClose(printedValue, value, relative: 1e-12), "\(name): \(printedValue) vs \(value)")
      // Printing is stable: the reprinted closed form is the expression we gave.
      #expect(again.object["expression"] as? String == expression, "\(name)")
    }
  }

  @Test("the LaTeX of a derivative is LaTeX, not plain text")
  func latex() throws {
    let (_, parsed) = Self.toyJSON()
    let derivatives = try #require(parsed?.object["derivatives"] as? [[String: Any]])
    for entry in derivatives {
      let latex = try #require(entry["latex"] as? String)
      #expect(latex.contains("\\omega_{3}") || latex.contains("\\beta_{3}"))
      #expect(!latex.contains("omega3"))
    }
  }

  @Test("--format plain and unicode differentiate the same formula")
  func otherFormats() {
    let plain = chainrule("diff", Toy.formula, "--wrt", "omega0", "--format", "plain")
    #expect(plain.exitCode == 0)
    #expect(plain.stdout.contains("dl/domega0 = "))
    let unicode = chainrule("diff", Toy.formula, "--wrt", "omega0", "--format", "unicode")
    #expect(unicode.exitCode == 0)
    #expect(unicode.stdout.contains("ω₀"))
    let latex = chainrule("diff", Toy.formula, "--wrt", "omega0", "--format", "latex")
    #expect(latex.exitCode == 0)
    #expect(latex.stdout.contains("\\omega_{0}"))
  }
}

@Suite("Bare 'chainrule': the toy model")
struct ToyModelTests {
  @Test("prints all 8 partials and agrees with the numbers")
  func bareRun() {
    let result = ChainRuleCommand.run(arguments: [], stdin: { nil }, isTerminal: false)
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.hasPrefix("ChainRule: the toy model"))
    for name in Toy.parameters {
      #expect(result.stdout.contains("\ndl/d\(name) = "), "missing ∂ℓ/∂\(name)")
      #expect(result.stdout.contains("\n\(name)  "), "missing check row for \(name)")
    }
    #expect(result.stdout.contains("all 8 derivatives agree"))
    #expect(!result.stdout.contains("MISMATCH"))
    #expect(
      result.stdout.contains("f = beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x)))\n"))
    #expect(result.stdout.contains("l = (f - y)^2\n"))
  }

  @Test("on a terminal it is drawn in Unicode")
  func bareRunOnTerminal() {
    let result = ChainRuleCommand.run(arguments: [], stdin: { nil }, isTerminal: true)
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("β₀"))
    #expect(result.stdout.contains("all 8 derivatives agree"))
  }

  @Test("the bare run's numbers are diff's numbers")
  func sameAsDiff() {
    let bare = chainrule([]).stdout
    let diff = chainrule(
      "diff", Toy.formula, "--wrt", Toy.parameters.joined(separator: ","), "--at", Toy.point)
    let lines = diff.stdout.split(separator: "\n")
    // A value line is `   = 2.28…` under its closed form; a closed form is `dl/dβ = …`.
    let values = lines.filter {
      let text = $0.drop { $0 == " " }
      return $0.hasPrefix(" ") && text.hasPrefix("= ") && Double(text.dropFirst(2)) != nil
    }
    let derivatives = lines.filter { $0.hasPrefix("dl/d") }
    // One value and one closed form per parameter, all of them in the bare run's output (where
    // the closed form is the expanded one, under the form written in the step name f).
    #expect(values.count == Toy.parameters.count, "values: \(values)")
    #expect(derivatives.count == Toy.parameters.count, "derivatives: \(derivatives)")
    for line in values { #expect(bare.contains(line + "\n"), "\(line)") }
    for line in derivatives {
      let closedForm = line.split(separator: " = ", maxSplits: 1).last ?? ""
      #expect(bare.contains("= \(closedForm)\n"), "\(line)")
    }
  }
}
