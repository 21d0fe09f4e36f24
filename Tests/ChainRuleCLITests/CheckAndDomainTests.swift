import ChainRule
import ChainRuleCLI
import Foundation
import Testing

/// A formula and a point where every derivative is smooth.
struct SmoothPoint: Sendable, CustomTestStringConvertible {
  var formula: String
  var point: String
  var variableCount: Int
  var testDescription: String { "\(formula) at \(point)" }
}

@Suite("check: correct derivatives pass")
struct CheckCommandTests {
  static let smooth: [SmoothPoint] = [
    SmoothPoint(formula: "sin(x)^2*y", point: "x=1,y=2", variableCount: 2),
    SmoothPoint(formula: "exp(-x^2/2)", point: "x=0.7", variableCount: 1),
    SmoothPoint(formula: "log(1 + exp(x))", point: "x=-0.3", variableCount: 1),
    SmoothPoint(formula: "sqrt(x^2 + y^2)", point: "x=3,y=4", variableCount: 2),
    SmoothPoint(formula: "tanh(w*x + b)", point: "w=0.5,x=1.2,b=-0.1", variableCount: 3),
    SmoothPoint(formula: "sigmoid(w*x + b)", point: "w=-1.5,x=0.4,b=0.3", variableCount: 3),
    SmoothPoint(formula: "softplus(a*x)", point: "a=2,x=-0.5", variableCount: 2),
    SmoothPoint(formula: "x^y", point: "x=1.5,y=2.5", variableCount: 2),
    SmoothPoint(formula: "atan(x/y)", point: "x=1,y=2", variableCount: 2),
    SmoothPoint(formula: "asin(x) + acos(x/2)", point: "x=0.3", variableCount: 1),
    SmoothPoint(formula: "sinh(x)*cosh(y)", point: "x=0.2,y=-0.7", variableCount: 2),
    SmoothPoint(formula: "tan(x)/x", point: "x=0.9", variableCount: 1),
    SmoothPoint(formula: "1/(1 + x^2)", point: "x=0.3", variableCount: 1),
    SmoothPoint(formula: "x^-2 + 2^x", point: "x=1.3", variableCount: 1),
    SmoothPoint(formula: "max(x, y)*min(x, y) + relu(x) + abs(y)", point: "x=0.5,y=-2", variableCount: 2),
    SmoothPoint(formula: "x*step(x - 1) + y*sign(x)", point: "x=1.5,y=0.3", variableCount: 2),
    SmoothPoint(formula: "f = w*x + b; l = (f - y)^2", point: "w=0.5,b=-1,x=1.5,y=0.2", variableCount: 4),
    SmoothPoint(formula: "β₀ + ω₀·x", point: "β₀=1,ω₀=2,x=3", variableCount: 3),
    SmoothPoint(formula: Toy.formula, point: Toy.point, variableCount: 10),
  ]

  @Test(arguments: smooth)
  func passes(_ case_: SmoothPoint) throws {
    let result = chainrule("check", case_.formula, "--at", case_.point)
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.isEmpty)
    // One derivative agrees in the singular; every row is checked, so no "not checked" line.
    let summary =
      case_.variableCount == 1
      ? "the derivative agrees with the numbers"
      : "all \(case_.variableCount) derivatives agree with the numbers"
    #expect(result.stdout.hasSuffix("\n\n\(summary)\n"), "\(result.stdout)")
    #expect(!result.stdout.contains("MISMATCH"))
    #expect(!result.stdout.contains("kink"))
    #expect(!result.stdout.contains("not checked"))

    let json = chainrule("check", case_.formula, "--at", case_.point, "--format", "json")
    #expect(json.exitCode == 0)
    let document = try #require(JSONDocument(json.stdout))
    #expect(document.object["passed"] as? Bool == true)
    let rows = try #require(document.object["rows"] as? [[String: Any]])
    #expect(rows.count == case_.variableCount)
    for row in rows {
      #expect(row["verdict"] as? String == "ok", "\(row)")
      let symbolic = try #require(jsonNumber(row["symbolic"]))
      let numeric = try #require(jsonNumber(row["numeric"]))
      #expect(isClose(symbolic, numeric, relative: 1e-6))
    }
  }

  @Test("the table calls every standard function")
  func tableCoversEveryFunction() throws {
    var called: Set<Function> = []
    for case_ in Self.smooth {
      let formula = try Formula(parsing: case_.formula)
      for id in formula.graph.reachable(from: formula.root) {
        if let function = formula.graph.function(of: id) { called.insert(function) }
      }
    }
    let missing = Function.standardFunctions.filter { !called.contains($0) }.map(\.name)
    #expect(missing.isEmpty, "no formula of the table calls \(missing)")
  }

  @Test("--wrt restricts the rows, in the order asked")
  func wrt() {
    let result = chainrule("check", Toy.formula, "--at", Toy.point, "--wrt", "omega3,beta0")
    #expect(result.exitCode == 0)
    let rows = result.stdout.split(separator: "\n").filter { $0.hasSuffix("   ok") }
    #expect(rows.map { $0.split(separator: " ").first.map(String.init) } == ["omega3", "beta0"])
    #expect(result.stdout.contains("all 2 derivatives agree"))
  }

  struct Kink: Sendable, CustomTestStringConvertible {
    var formula: String
    var point: String
    var convention: String
    /// How many rows the check has, all of them at the kink.
    var variableCount: Int
    var testDescription: String { "\(formula) at \(point)" }
  }

  static let kinks: [Kink] = [
    Kink(formula: "relu(x)", point: "x=0", convention: "relu′(0) = 0, as PyTorch", variableCount: 1),
    Kink(formula: "abs(x)", point: "x=0", convention: "abs′(0) = 0", variableCount: 1),
    Kink(formula: "max(x, y)", point: "x=1,y=1", convention: "max picks its first argument on a tie", variableCount: 2),
    Kink(formula: "relu(w*x + b)", point: "w=1,x=2,b=-2", convention: "relu′(0) = 0, as PyTorch", variableCount: 3),
  ]

  @Test("a kink is reported as a kink, does not fail, and notes the convention", arguments: kinks)
  func kink(_ case_: Kink) {
    let result = chainrule("check", case_.formula, "--at", case_.point)
    #expect(result.exitCode == 0, "\(result.stdout)")
    #expect(result.stdout.contains("kink: not differentiable here (convention used)"))
    #expect(!result.stdout.contains("MISMATCH"))
    // Rows at a kink are not counted as agreeing: no "agree" summary, a "not checked" line instead.
    #expect(!result.stdout.contains("agree"), "\(result.stdout)")
    #expect(result.stdout.hasSuffix("\n\(case_.variableCount) " + Self.notChecked), "\(result.stdout)")
    #expect(result.stderr.hasPrefix("note: "))
    #expect(result.stderr.contains("is at a kink; the derivative uses the convention \(case_.convention)\n"))
    #expect(!result.stderr.contains("error"))
  }

  /// Rows that finite differences cannot judge (a kink within the step, or a step off the domain)
  /// are counted apart from the rows that agree.
  struct PartlyChecked: Sendable, CustomTestStringConvertible {
    var formula: String
    var point: String
    var verdict: String
    var summary: String
    var testDescription: String { "\(formula) at \(point)" }
  }

  static let notChecked =
    "not checked: finite differences cannot judge a derivative at a kink or off its domain\n"

  static let partlyCheckedCases: [PartlyChecked] = [
    PartlyChecked(
      formula: "abs(x) + y", point: "x=1e-9,y=1", verdict: "kink: not differentiable here (convention used)",
      summary: "\nthe derivative agrees with the numbers\n1 " + notChecked),
    PartlyChecked(
      formula: "abs(x) + y + z", point: "x=1e-9,y=1,z=2", verdict: "kink: not differentiable here (convention used)",
      summary: "\nall 2 derivatives agree with the numbers\n1 " + notChecked),
    PartlyChecked(
      formula: "sqrt(x) + y", point: "x=1e-7,y=1", verdict: "not checked: no value at x = ",
      summary: "\nthe derivative agrees with the numbers\n1 " + notChecked),
  ]

  @Test("rows at a kink or off the domain are not counted as agreeing", arguments: partlyCheckedCases)
  func partlyChecked(_ case_: PartlyChecked) throws {
    let result = chainrule("check", case_.formula, "--at", case_.point)
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("x ") }
    #expect(rows.count == 1)
    #expect(rows.first?.contains("   \(case_.verdict)") == true, "\(result.stdout)")
    #expect(result.stdout.hasSuffix(case_.summary), "\(result.stdout)")

    let json = chainrule("check", case_.formula, "--at", case_.point, "--format", "json")
    let document = try #require(JSONDocument(json.stdout))
    #expect(document.object["passed"] as? Bool == true)
    let jsonRows = try #require(document.object["rows"] as? [[String: Any]])
    let x = try #require(jsonRows.first)
    #expect(x["wrt"] as? String == "x")
    #expect((x["verdict"] as? String)?.hasPrefix(case_.verdict) == true)
    // A difference that could not be taken is null, not nan: the document stays JSON.
    #expect(x["numeric"] is NSNull)
    #expect(x["tolerance"] is NSNull)
    #expect(jsonRows.dropFirst().allSatisfy { $0["verdict"] as? String == "ok" })
  }

  @Test("check --format json writes null, not nan, at a kink")
  func checkJSONAtKink() throws {
    let result = chainrule("check", "abs(x)", "--at", "x=0", "--format", "json")
    #expect(result.exitCode == 0)
    #expect(!result.stdout.contains("nan"))
    let document = try #require(JSONDocument(result.stdout))
    #expect(document.object["passed"] as? Bool == true)
    let rows = try #require(document.object["rows"] as? [[String: Any]])
    #expect(rows.count == 1)
    let row = try #require(rows.first)
    #expect(row["verdict"] as? String == "kink: not differentiable here (convention used)")
    #expect(jsonNumber(row["symbolic"]) == 0)
    #expect(row["numeric"] is NSNull)
    #expect(row["tolerance"] is NSNull)
  }

  @Test("diff at a kink prints the convention's value and the same note")
  func diffAtKink() {
    let result = chainrule("diff", "relu(x)", "--at", "x=0")
    #expect(result.exitCode == 0)
    #expect(result.stdout == "l = relu(x)\nat x = 0:  l = 0\n\ndl/dx = step(x)\n      = 0\n")
    #expect(
      result.stderr.contains(
        "note: relu(x) is at a kink; the derivative uses the convention relu′(0) = 0, as PyTorch\n"))
  }
}

/// A point outside a function's domain: exit 1, naming the subexpression that failed.
struct DomainCase: Sendable, CustomTestStringConvertible {
  var formula: String
  var point: String
  /// What the one-line message must say.
  var mentions: [String]
  var testDescription: String { "\(formula) at \(point)" }
}

@Suite("Domain errors through the CLI")
struct DomainErrorTests {
  static let cases: [DomainCase] = [
    DomainCase(formula: "log(x)", point: "x=-1", mentions: ["log(x)", "undefined", "-1"]),
    DomainCase(formula: "log(x)", point: "x=0", mentions: ["log(x)", "undefined"]),
    DomainCase(formula: "a = log(x); a*y", point: "x=-1,y=2", mentions: ["log(x)", "undefined"]),
    DomainCase(formula: "1/x", point: "x=0", mentions: ["division by zero in 1/x"]),
    DomainCase(formula: "x^0.5", point: "x=-1", mentions: ["x^0.5", "negative base (-1)", "fractional power (0.5)"]),
    DomainCase(formula: "exp(x)", point: "x=1000", mentions: ["exp(x) overflows"]),
    DomainCase(formula: "sqrt(x)", point: "x=-4", mentions: ["sqrt(x)", "undefined"]),
    DomainCase(formula: "asin(x)", point: "x=2", mentions: ["asin(x)", "undefined"]),
  ]

  @Test(arguments: cases)
  func diff(_ case_: DomainCase) {
    let result = chainrule("diff", case_.formula, "--at", case_.point)
    #expect(result.exitCode == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("error: "))
    #expect(result.stderr.hasSuffix("\n"))
    #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
    for text in case_.mentions { #expect(result.stderr.contains(text), "\(result.stderr) lacks \(text)") }
  }

  @Test(arguments: cases)
  func check(_ case_: DomainCase) {
    let result = chainrule("check", case_.formula, "--at", case_.point)
    #expect(result.exitCode == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("error: "))
  }

  @Test("log(x) at x = -1, whole")
  func logWhole() {
    let result = chainrule("diff", "log(x)", "--at", "x=-1")
    #expect(
      result
        == CommandResult(
          stderr: "error: log(x) is undefined: log needs a positive argument, but here its argument is -1\n",
          exitCode: 1))
  }

  /// Each function's domain in words, completing "… needs …".
  @Test(
    "domain errors, whole",
    arguments: [
      ("log(x)", "x=0", "log(x) is undefined: log needs a positive argument, but here its argument is 0"),
      (
        "sqrt(x)", "x=-4",
        "sqrt(x) is undefined: sqrt needs an argument that is not negative, but here its argument is -4"
      ),
      ("asin(x)", "x=2", "asin(x) is undefined: asin needs an argument between −1 and 1, but here its argument is 2"),
      (
        "acos(x)", "x=-3",
        "acos(x) is undefined: acos needs an argument between −1 and 1, but here its argument is -3"
      ),
      (
        "a = log(x); a*y", "x=-1,y=2",
        "log(x) is undefined: log needs a positive argument, but here its argument is -1"
      ),
    ])
  func domainWhole(formula: String, point: String, message: String) {
    for command in ["diff", "check"] {
      let result = chainrule(command, formula, "--at", point)
      #expect(result == CommandResult(stderr: "error: \(message)\n", exitCode: 1), "\(command)")
    }
  }

  @Test("Unicode output writes the minus sign in the message too")
  func unicodeMinus() {
    let result = chainrule("diff", "log(x)", "--at", "x=-1", "--format", "unicode")
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("−1"))
  }

  @Test("a derivative undefined where the function is defined: sqrt at 0")
  func derivativeOnly() {
    let result = chainrule("diff", "sqrt(x)", "--at", "x=0")
    #expect(result.exitCode == 1)
    // The formula's value is printed, the derivative says why it has none.
    #expect(result.stdout.contains("at x = 0:  l = 0"))
    #expect(result.stdout.contains("= undefined here: division by zero in 1/sqrt(x)"))
    #expect(result.stderr == "error: the derivative dl/dx has no value at this point (the others are printed)\n")
  }

  /// x^y at x = −2, y = 3: ℓ = −8 and ∂ℓ/∂x = 12 exist, ∂ℓ/∂y = x^y·log(x) does not.
  @Test("one derivative without a value does not hide the others")
  func oneUndefinedDerivative() {
    let result = chainrule("diff", "x^y", "--at", "x=-2,y=3")
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("l = -8"))
    #expect(result.stdout.contains("dl/dx = x^(y - 1)*y\n      = 12\n"))
    #expect(
      result.stdout.contains(
        "undefined here: log(x) is undefined: log needs a positive argument, but here its argument is -2"))
    #expect(result.stderr.contains("dl/dy has no value"))
    let json = chainrule("diff", "x^y", "--at", "x=-2,y=3", "--format", "json")
    #expect(json.stdout.contains("\"undefined\""))
  }

  @Test("without --at nothing is evaluated, so nothing fails")
  func noPoint() {
    let result = chainrule("diff", "log(x)")
    #expect(result == CommandResult(stdout: "l = log(x)\n\ndl/dx = 1/x\n"))
  }
}
