import ChainRuleCLI
import Foundation
import Testing

/// `chainrule grade` as an autograder runs it: exit codes, the text a learner reads, the JSON a
/// script reads, files of answers, backward-pass lines and the REPL's `:grade`.
@Suite struct GradeCommandTests {
  static func example(_ name: String) -> String { Snapshot.examples.appendingPathComponent(name).path }

  @Test func rightAnswerExitsZero() {
    let result = chainrule("grade", "sin(x^2)", "--wrt", "x", "--answer", "2*x*cos(x^2)")
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    #expect(
      result.stdout == """
        dl/dx = 2*x*cos(x^2): right
          the same canonical form as the derivative
          checked at 20 random points (every variable in [-2, 2], seed 1): worst relative error 0, tolerance 1e-8

        """)
  }

  @Test func wrongAnswerExitsOneAndSaysHow() {
    let result = chainrule("grade", "sin(x^2)", "--answer", "cos(x^2)", "--format", "unicode")
    #expect(result.exitCode == 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(
      Array(lines.prefix(7)) == [
        "∂ℓ/∂x = cos(x^2): wrong",
        "  your answer lacks the factor 2·x (the chain rule's inner derivative)",
        "  it departs from 'chainrule diff --steps' at rule 1 of 3:",
        "    chain rule:  d/dx sin(u₁) = cos(u₁)·du₁/dx   with u₁ = x²",
        "    the inner derivative du₁/dx is left out",
        "  the derivative:  2·x·cos(x²)",
        "  your answer:     cos(x²)",
      ])
    // One point where they differ, with both values, and the check's parameters.
    #expect(lines[7].hasPrefix("  at x = ") && lines[7].contains("your answer = "))
    #expect(
      lines[8].hasPrefix("  checked at 20 random points (every variable in [−2, 2], seed 1): worst relative error "))
    #expect(lines[8].hasSuffix(", tolerance 1e−8"))
  }

  /// The toy model, answers in its own step names, with the missing factor.
  @Test func toyModelStepNamesAndAMissingFactor() {
    let result = chainrule(
      "grade", "-f", Self.example("toy-model-steps.chain"), "--answer",
      "dl/domega0 = 2*(f3 - y)*omega3*(-sin(f2))*omega2*h2*x", "--format", "unicode")
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("  your answer lacks the factor ω₁·cos(f₀) (the chain rule's inner derivative)\n"))
    // The derivative is printed in the file's step names where its subexpressions are steps.
    #expect(result.stdout.contains("  the derivative:  −2·(β₃ + h₃·ω₃ − y)·h₂·ω₁·ω₂·ω₃·x·cos(f₀)·sin(f₂)\n"))
  }

  @Test func noSolutionHidesTheDerivative() {
    let result = chainrule("grade", "x^2*sin(x)", "--answer", "2*x*sin(x)", "--no-solution")
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("lacks the term x^2*cos(x)"))
    #expect(!result.stdout.contains("the derivative:"))
    #expect(!result.stdout.contains("the derivative ="))
  }

  @Test func jsonForScripts() throws {
    let result = chainrule(
      "grade", "x^2*sin(x)", "--wrt", "x", "--answer", "2*x*sin(x)", "--format", "json", "--points", "5")
    #expect(result.exitCode == 1)
    let json = try #require(JSONDocument(result.stdout))
    #expect(json.object["right"] as? Int == 0)
    #expect(json.object["total"] as? Int == 1)
    #expect(json.object["passed"] as? Bool == false)
    let answers = try #require(json.object["answers"] as? [[String: Any]])
    let answer = try #require(answers.first)
    #expect(answer["verdict"] as? String == "wrong")
    #expect(answer["kind"] as? String == "missing-term")
    #expect(answer["term"] as? String == "x^2*cos(x)")
    #expect(answer["factor"] is NSNull)
    #expect(answer["message"] as? String == "your answer lacks the term x^2*cos(x)")
    #expect(answer["derivative"] as? String == "2*x*sin(x) + x^2*cos(x)")
    let departure = try #require(answer["departure"] as? [String: Any])
    #expect(departure["rule"] as? Int == 1)
    #expect(departure["name"] as? String == "product rule")
    #expect(departure["mistake"] as? String == "dropped-term")
    let numeric = try #require(answer["numeric"] as? [String: Any])
    #expect(numeric["seed"] as? Int == 1)
    #expect(jsonNumber(numeric["tolerance"]) == 1e-8)
    #expect(numeric["compared"] as? Int == 5)
    let points = try #require(numeric["points"] as? [[String: Any]])
    #expect(points.count == 5)
    #expect(points.allSatisfy { jsonNumber($0["x"]) != nil })
  }

  /// A file with the formula and one answer per parameter; the summary counts them.
  @Test func fileOfAnswers() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-grade-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("answers.chain")
    try """
    # homework 3
    f = w*x + b
    l = (f - y)^2
    dl/dw = 2*(f - y)*x
    d l / d b = 2*(f - y)
    \\frac{\\partial \\ell}{\\partial y} = 2*(f - y)
    """.write(to: file, atomically: true, encoding: .utf8)
    let result = chainrule("grade", "-f", file.path)
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("dl/dw = 2*(f - y)*x: right\n"))
    #expect(result.stdout.contains("dl/db = 2*(f - y): right\n"))
    #expect(result.stdout.contains("dl/dy = 2*(f - y): wrong\n  your answer has the wrong sign\n"))
    #expect(result.stdout.contains("    the inner derivative du1/dy is left out\n"))
    #expect(result.stdout.hasSuffix("\n2 of 3 answers right\n"))
    // The same answers against a formula given as an argument.
    let argument = chainrule("grade", "f = w*x + b; l = (f - y)^2", "-f", file.path)
    #expect(argument.stdout.hasSuffix("\n2 of 3 answers right\n"))
  }

  /// An answer that does not parse: the caret points into the answer; exit 1, and in JSON an
  /// entry of kind `unreadable`.
  @Test func unreadableAnswer() throws {
    let result = chainrule("grade", "x^2", "--answer", "dl/dx = 2*(x")
    #expect(result.exitCode == 1)
    #expect(
      result.stderr == """
        error: '(' is never closed
         --> answer:1:11
        1 | dl/dx = 2*(x
          |           ^ add the closing bracket

        """)
    let json = chainrule("grade", "x^2", "--answer", "grad = 2*x", "--format", "json")
    #expect(json.exitCode == 1)
    let document = try #require(JSONDocument(json.stdout))
    let answers = try #require(document.object["answers"] as? [[String: Any]])
    #expect(answers.first?["kind"] as? String == "unreadable")
  }

  /// A backward-pass line: symbolic in step names without a point, with values at --at.
  @Test func backwardPassLine() {
    let file = Self.example("toy-model-steps.chain")
    let right = chainrule("grade", "-f", file, "--trace", "--answer", "dl/df2 = -sin(f2)*dl/dh3")
    #expect(right.exitCode == 0)
    #expect(
      right.stdout.hasPrefix("dl/df2 = -sin(f2)*dl/dh3: right\n  backward pass #1 has  dl/df2 = -sin(f2)*dl/dh3\n"))
    #expect(!right.stdout.contains("  at "))
    let wrong = chainrule(
      "grade", "-f", file, "--trace", "--answer", "dl/df2 = -sin(f2)*dl/df3", "--at", TraceSnapshotTests.toyPoint)
    #expect(wrong.exitCode == 1)
    #expect(wrong.stdout.contains("  your line uses dl/df3 where dl/dh3 belongs\n"))
    #expect(wrong.stdout.contains("backward pass #1 gives -1.68306\n"))
    let parameter = chainrule("grade", "-f", file, "--trace", "--answer", "dl/domega0 = x*dl/df0")
    #expect(parameter.stdout.contains("backward pass #2 has  dl/domega0 = x*dl/df0\n"))
  }

  static let usageCases: [UsageCase] = [
    UsageCase(
      arguments: ["grade", "x^2"],
      message: "nothing to grade: add --answer '<your derivative>' or -f <file of answers>",
      helpFor: "grade"),
    UsageCase(
      arguments: ["grade", "--answer", "2*x"], message: "missing formula: give one as an argument or in the file of -f",
      helpFor: "grade"),
    UsageCase(
      arguments: ["grade", "x*y", "--answer", "y"],
      message: "which derivative is the answer? add --wrt <name> or write it as 'dl/dw = …'", helpFor: "grade"),
    UsageCase(
      arguments: ["grade", "x*y", "--answer", "y", "--wrt", "x,y"],
      message: "--wrt names one variable for an answer; for several, write each as 'dl/dw = …'", helpFor: "grade"),
    UsageCase(
      arguments: ["grade", "x^2", "--answer", "2*x", "--format", "latex"],
      message: "--format must be plain, unicode or json; found 'latex'", helpFor: "grade"),
    UsageCase(
      arguments: ["grade", "x^2", "--answer", "2*x", "--at", "x=1"],
      message: "--at is for --trace; an answer is compared at random points", helpFor: "grade"),
    UsageCase(
      arguments: ["grade", "x^2", "--answer", "2*x", "--seed", "-1"],
      message: "--seed expects a whole number; found '-1'", helpFor: "grade"),
    UsageCase(
      arguments: ["exercise", "--level", "4"], message: "--level must be 1, 2 or 3; found '4'", helpFor: "exercise"),
    UsageCase(
      arguments: ["exercise", "--topic", "limits"],
      message: "--topic must be one of chain, product, quotient, network; found 'limits'", helpFor: "exercise"),
    UsageCase(
      arguments: ["exercise", "--level", "3", "--topic", "chain"],
      message: "level 3 is a network; use --topic network or a lower --level", helpFor: "exercise"),
  ]

  @Test(arguments: usageCases)
  func usageErrorExits64(_ case_: UsageCase) {
    let result = chainrule(case_.arguments)
    #expect(result.exitCode == 64)
    #expect(result.stderr == "error: \(case_.message)\n" + case_.expectedHint)
  }

  @Test func replGradesTheLastFormula() {
    let session = chainrule(
      "repl", stdin: "x^2*sin(x)\n:grade 2*x*sin(x)\n:grade dl/dx = 2*x*sin(x) + x^2*cos(x)\n:grade\n")
    #expect(session.stdout.contains("dl/dx = 2*x*sin(x): wrong\n  your answer lacks the term x^2*cos(x)\n"))
    #expect(session.stdout.contains("dl/dx = 2*x*sin(x) + x^2*cos(x): right\n"))
    #expect(session.stdout.contains("error: type your derivative after :grade, e.g. :grade 2*x\n"))
  }

  @Test func helpListsGradeAndExercise() {
    let help = chainrule("--help").stdout
    #expect(help.contains("  grade "))
    #expect(help.contains("  exercise "))
    let grade = chainrule("grade", "--help")
    #expect(grade.exitCode == 0)
    #expect(grade.stdout.hasPrefix("OVERVIEW: Check a derivative you worked out"))
  }

  /// A vanishing gradient is not 0: a 50-layer tanh chain's ∂ℓ/∂w₀ is about 10⁻¹⁸ at the sample
  /// points, and the answer 0 (or 10⁻³⁰) is wrong, judged relative to the derivative's own size.
  @Test(arguments: ["0", "1e-30"])
  func vanishingGradientIsNotZero(answer: String) {
    let lines = ["f0 = tanh(w0*x)"] + (1..<50).map { "f\($0) = tanh(w\($0)*f\($0 - 1))" } + ["l = (f49 - y)^2"]
    let result = chainrule("grade", lines.joined(separator: "; "), "--wrt", "w0", "--answer", answer)
    #expect(result.exitCode == 1, "\(result.stdout)")
    #expect(result.stdout.hasPrefix("dl/dw0 = \(answer): wrong"))
  }
}
