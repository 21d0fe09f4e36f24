import ChainRule
import ChainRuleCLI
import Foundation
import Testing

/// The limits of issue 5: huge and deep inputs are handled or refused with one clear diagnostic,
/// never a stack overflow, a trap or a hang; numbers at the edge of `Double` stay finite where the
/// true value is; the gradient check says "kink" rather than failing.
///
/// Deep inputs go through ``ChainRuleCommand/run(arguments:stdin:isTerminal:)``, which works on a
/// large-stack thread, as the executable does: a test thread's small stack is not the program's.
/// These tests check what happens, not how long it takes; the time limits are left to the
/// benchmarks (docs/performance.md).
@Suite struct LimitTests {
  /// The outcome is either a result (exit 0) or exactly one diagnostic with a caret (exit 1).
  func expectHandledOrRefused(
    _ result: CommandResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    switch result.exitCode {
    case 0:
      #expect(!result.stdout.isEmpty, "\(what): no output", sourceLocation: sourceLocation)
    case 1:
      let errors = result.stderr.components(separatedBy: "error:").count - 1
      #expect(
        errors == 1, "\(what): \(errors) diagnostics\n\(result.stderr.prefix(600))", sourceLocation: sourceLocation)
      #expect(
        result.stderr.contains("^"), "\(what): no caret\n\(result.stderr.prefix(600))", sourceLocation: sourceLocation)
      #expect(
        result.stderr.utf8.count < 20_000, "\(what): the diagnostic echoes the whole input",
        sourceLocation: sourceLocation)
    default:
      Issue.record("\(what): exit \(result.exitCode)\n\(result.stderr.prefix(600))", sourceLocation: sourceLocation)
    }
  }

  // MARK: Size and depth

  @Test func tenThousandNestedBrackets() {
    let formula = String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
    expectHandledOrRefused(chainrule("diff", formula, "--at", "x=2"), "10,000 brackets")
    let mixed = String(repeating: "[(", count: 5_000) + "x" + String(repeating: ")]", count: 5_000)
    expectHandledOrRefused(chainrule("diff", mixed), "10,000 mixed brackets")
    let unclosed = String(repeating: "(", count: 10_000) + "x"
    let result = chainrule("diff", unclosed)
    #expect(result.exitCode == 1)
    expectHandledOrRefused(result, "10,000 unclosed brackets")
  }

  /// Depth counts from 0 at the top, one level per bracket, call, sign or exponent: exactly
  /// `maximumDepth` levels parse, one more is refused with the caret under the level that goes
  /// past the limit.
  struct Nesting: Sendable, CustomTestStringConvertible {
    var what: String
    /// Whether the formula at the limit goes through `diff` whole: brackets and signs leave a
    /// shallow expression, while 100,000 nested calls or powers stay 100,000 deep, and printing
    /// such a formula is beyond what a test should spend (it is parsed, not printed, here).
    var printsAtTheLimit = false
    /// The formula nested `levels` deep.
    var formula: @Sendable (_ levels: Int) -> String
    /// The column of the `levels`-th level's bracket, sign or `^`.
    var column: @Sendable (_ levels: Int) -> Int
    var testDescription: String { what }
  }

  static let nestings: [Nesting] = [
    Nesting(
      what: "brackets", printsAtTheLimit: true,
      formula: { String(repeating: "(", count: $0) + "x" + String(repeating: ")", count: $0) },
      column: { $0 }),
    Nesting(
      what: "calls", formula: { String(repeating: "sin(", count: $0) + "x" + String(repeating: ")", count: $0) },
      column: { 4 * $0 }),
    Nesting(
      what: "signs", printsAtTheLimit: true, formula: { String(repeating: "-", count: $0) + "x" }, column: { $0 }),
    Nesting(what: "powers", formula: { String(repeating: "x^", count: $0) + "x" }, column: { 2 * $0 }),
    Nesting(
      what: "brackets then signs", printsAtTheLimit: true,
      formula: {
        String(repeating: "(", count: 1_000) + String(repeating: "-", count: $0 - 1_000) + "x"
          + String(repeating: ")", count: 1_000)
      },
      column: { $0 }),
    Nesting(
      what: "calls then powers",
      formula: {
        String(repeating: "sin(", count: 1_000) + String(repeating: "x^", count: $0 - 1_000) + "x"
          + String(repeating: ")", count: 1_000)
      },
      column: { 4_000 + 2 * ($0 - 1_000) }),
    Nesting(
      what: "calls then a bracket",
      formula: { String(repeating: "sin(", count: $0 - 1) + "(x)" + String(repeating: ")", count: $0 - 1) },
      column: { 4 * ($0 - 1) + 1 }),
  ]

  @Test(arguments: nestings)
  func nestingLimitIsExact(_ nesting: Nesting) throws {
    let limit = Parser.maximumDepth
    if nesting.printsAtTheLimit {
      let atLimit = chainrule("diff", "--", nesting.formula(limit))
      #expect(atLimit.exitCode == 0, "\(limit) levels: \(atLimit.stderr.prefix(300))")
      #expect(atLimit.stdout.hasPrefix("l = "))
    } else {
      #expect(throws: Never.self) { _ = try Parser.parse(nesting.formula(limit)) }
    }

    let source = nesting.formula(limit + 1)
    let beyond = chainrule("diff", "--", source)
    #expect(beyond.exitCode == 1)
    #expect(beyond.stdout.isEmpty)
    expectHandledOrRefused(beyond, "\(limit + 1) levels")
    let diagnostic = try #require(RenderedDiagnostic(beyond.stderr), "\(beyond.stderr.prefix(300))")
    #expect(
      diagnostic.message == "the formula nests more than \(limit) levels deep (brackets, calls, signs or powers)")
    #expect(diagnostic.line == 1)
    #expect(diagnostic.column == nesting.column(limit + 1))
    diagnostic.expectWindow(of: source)
  }

  @Test("an input over the size limit shows a window of its line, not the whole input")
  func oversizedInputIsNotEchoed() throws {
    let source = String(repeating: "x+", count: Parser.maximumInputBytes / 2 + 1) + "x"
    let file = try TemporaryFile("big.chain", text: source)
    let result = chainrule("diff", "--file", file.path)
    #expect(result.exitCode == 1)
    #expect(result.stdout.isEmpty)
    let window = String(repeating: "x+", count: RenderedDiagnostic.windowWidth / 2)
    #expect(
      result.stderr == """
        error: the input is \(source.utf8.count) bytes; formulas are limited to \(Parser.maximumInputBytes) bytes
         --> \(file.path):1:1
        1 | \(window)…
          | ^ split the formula into definitions, or differentiate a smaller part

        """)
  }

  /// 100,000 nested calls are within the limit: read, built, differentiated and evaluated
  /// (printing is left out: see `nestingLimitIsExact`); one more is refused with the caret.
  @Test func sineChainHundredThousandDeep() throws {
    let n = Parser.maximumDepth
    let formula = try Formula(parsing: String(repeating: "sin(", count: n) + "x" + String(repeating: ")", count: n))
    let derivative = formula.gradient(withRespectTo: ["x"])[0]
    let values = try Evaluator(graph: formula.graph).values(of: [formula.root, derivative], at: ["x": 0.5]).values
    var (value, slope) = (0.5, 1.0)
    for _ in 0..<n { (value, slope) = (sin(value), slope * cos(value)) }
    #expect(isClose(values[formula.root] ?? .nan, value, relative: 1e-9))
    #expect(isClose(values[derivative] ?? .nan, slope, relative: 1e-9))
    let beyond = String(repeating: "sin(", count: n + 1) + "x" + String(repeating: ")", count: n + 1)
    for result in [chainrule("diff", beyond, "--at", "x=0.5"), chainrule("diff", "-f", "-", stdin: beyond)] {
      expectHandledOrRefused(result, "sin chain \(n + 1) deep")
      #expect(result.exitCode == 1)
      #expect(result.stderr.contains(":1:\(4 * (n + 1))\n"), "\(result.stderr.prefix(300))")
    }
  }

  @Test func oneMegabyteFormula() {
    var formula = "0"
    var k = 0
    while formula.utf8.count < 1_000_000 {
      k += 1
      formula += " + \(k % 97)*sin(x*\(k % 13))*y"
    }
    expectHandledOrRefused(chainrule("diff", formula, "--wrt", "y"), "1 MB formula")
  }

  @Test
  func sumOfHundredThousandTerms() {
    let formula = (1...100_000).map { "sin(\($0)*x)" }.joined(separator: " + ")
    let result = chainrule("diff", formula, "--wrt", "x", "--at", "x=0.25")
    expectHandledOrRefused(result, "sum of 100,000 terms")
    #expect(result.exitCode == 0, "\(result.stderr.prefix(600))")
    if result.exitCode == 0 {
      // ∂ℓ/∂x has 100,000 terms: summarised with its size and a pointer to trace.
      #expect(result.stdout.contains("operations"))
      #expect(result.stdout.contains("--full"))
      #expect(result.stdout.contains("chainrule trace"))
      #expect(result.stdout.utf8.count < 5_000_000)
    }
    let many = (1...100_000).map { "x\($0)" }.joined(separator: "+")
    let manyResult = chainrule("diff", many, "--wrt", "x1,x99999")
    expectHandledOrRefused(manyResult, "100,000 variables")
    #expect(manyResult.exitCode == 0, "\(manyResult.stderr.prefix(600))")
    #expect(manyResult.stdout.hasSuffix("\n\ndl/dx1 = 1\n\ndl/dx99999 = 1\n"), "\(manyResult.stdout.suffix(200))")
  }

  /// A closed form over 10,000 operations is summarised unless `--full` is given.
  @Test
  func largeClosedFormsAreSummarisedUnlessFull() {
    let formula = (1...3_000).map { "sin(\($0)*x)*y" }.joined(separator: " + ")
    let short = chainrule("diff", formula, "--wrt", "x")
    #expect(short.exitCode == 0)
    #expect(short.stdout.contains("not printed: add --full"))
    #expect(short.stdout.contains("chainrule trace"))
    let full = chainrule("diff", formula, "--wrt", "x", "--full")
    #expect(full.exitCode == 0)
    #expect(!full.stdout.contains("not printed"))
    #expect(full.stdout.contains("cos(3000*x)"))
    // Both print the formula; only --full prints the derivative, all 3,000 of its terms.
    let shortDerivative = short.stdout.components(separatedBy: "\ndl/dx").last ?? ""
    let fullDerivative = full.stdout.components(separatedBy: "\ndl/dx").last ?? ""
    #expect(shortDerivative.utf8.count < 500, "\(shortDerivative.prefix(500))")
    #expect(fullDerivative.hasPrefix(" = y*cos(x) + 2*y*cos(2*x) + "))
    #expect(fullDerivative.hasSuffix(" + 3000*y*cos(3000*x)\n"))
    #expect(fullDerivative.components(separatedBy: "*cos(").count - 1 == 3_000)
  }

  // MARK: The toy model, 1,000 layers deep

  /// `f_k = b_k + w_k·g(f_{k−1})` with g cycling sin, cos, tanh; ℓ = (f_1000 − y)².
  static let layers = 1_000
  static let deepModel: String = {
    var lines = ["f0 = x"]
    let g = ["sin", "cos", "tanh"]
    for k in 1...layers { lines.append("f\(k) = b\(k) + w\(k)*\(g[(k - 1) % 3])(f\(k - 1))") }
    lines.append("l = (f\(layers) - y)^2")
    return lines.joined(separator: "\n")
  }()
  static let deepPoint: String = {
    var pairs = ["x=0.5", "y=0.25"]
    for k in 1...layers { pairs += ["b\(k)=\(Double(k % 7) / 10 - 0.3)", "w\(k)=\(0.9 + Double(k % 5) / 50)"] }
    return pairs.joined(separator: ",")
  }()

  @Test
  func thousandLayerChainHasAllPartialDerivatives() throws {
    let result = chainrule(["diff", "-f", "-", "--at", Self.deepPoint, "--format", "json"], stdin: Self.deepModel)
    #expect(result.exitCode == 0, "\(result.stderr.prefix(600))")
    guard result.exitCode == 0, let json = JSONDocument(result.stdout) else { return }
    let derivatives = json.object["derivatives"] as? [[String: Any]] ?? []
    #expect(derivatives.count == 2 * Self.layers + 2)
    let values = derivatives.compactMap { jsonNumber($0["value"]) }
    #expect(values.count == 2 * Self.layers + 2, "every partial derivative has a value")
    #expect(values.allSatisfy { $0.isFinite })
  }

  @Test
  func thousandLayerChainHasATrace() throws {
    let result = chainrule(["trace", "-f", "-", "--at", Self.deepPoint, "--format", "json"], stdin: Self.deepModel)
    #expect(result.exitCode == 0, "\(result.stderr.prefix(600))")
    guard result.exitCode == 0 else { return }
    #expect(result.stdout.contains("\"w1\""))
    #expect(result.stdout.contains("\"b1000\""))
  }

  // MARK: Numbers at the edge of Double

  @Test func expOfThousandOverflowsWithAClearError() {
    let result = chainrule("diff", "exp(x)", "--at", "x=1000")
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("error:"))
    #expect(result.stderr.lowercased().contains("overflow"), "\(result.stderr)")
    #expect(result.stderr.contains("exp"), "the error names the step: \(result.stderr)")
    let trace = chainrule("trace", "h = exp(w*x)\nl = (h - y)^2", "--at", "w=1000,x=1,y=0")
    #expect(trace.exitCode == 1)
    #expect(trace.stderr.lowercased().contains("overflow"), "\(trace.stderr)")
    #expect(trace.stderr.contains("h"), "the error names the step: \(trace.stderr)")
  }

  /// Evaluations where the true value is finite, though a naive formula overflows or takes log 0.
  struct StableCase: Sendable, CustomTestStringConvertible {
    var formula: String
    var point: String
    var value: Double
    var derivative: Double
    /// An open bug (see docs/reliability.md): the row runs under `withKnownIssue`.
    var knownIssue = false
    var testDescription: String { "\(formula) at \(point)" }
  }

  static let stableCases: [StableCase] = [
    StableCase(formula: "sigmoid(x)", point: "x=-1000", value: 0, derivative: 0),
    StableCase(formula: "sigmoid(x)", point: "x=1000", value: 1, derivative: 0),
    StableCase(formula: "softplus(x)", point: "x=1000", value: 1000, derivative: 1),
    StableCase(formula: "softplus(x)", point: "x=-1000", value: 0, derivative: 0),
    StableCase(formula: "tanh(x)", point: "x=1000", value: 1, derivative: 0),
    StableCase(formula: "log(sigmoid(x))", point: "x=-1000", value: -1000, derivative: 1),
    StableCase(formula: "log(sigmoid(x))", point: "x=1000", value: 0, derivative: 0),
    StableCase(formula: "log(1 - sigmoid(x))", point: "x=1000", value: -1000, derivative: -1),
  ]

  @Test(arguments: stableCases)
  func extremeArgumentsEvaluateStably(_ stable: StableCase) {
    if stable.knownIssue {
      withKnownIssue("log of an underflowed sigmoid: 'log needs a positive argument'") {
        checkStable(stable)
      }
    } else {
      checkStable(stable)
    }
  }

  func checkStable(_ stable: StableCase) {
    let result = chainrule("diff", stable.formula, "--at", stable.point, "--format", "json")
    guard result.exitCode == 0, let json = JSONDocument(result.stdout) else {
      Issue.record("exit \(result.exitCode): \(result.stderr)")
      return
    }
    let value = jsonNumber(json.object["value"])
    #expect(value.map { isClose($0, stable.value, relative: 1e-9) } == true, "value \(String(describing: value))")
    let derivatives = json.object["derivatives"] as? [[String: Any]] ?? []
    let derivative = derivatives.first.flatMap { jsonNumber($0["value"]) }
    #expect(
      derivative.map { isClose($0, stable.derivative, relative: 1e-9) } == true,
      "derivative \(String(describing: derivative))")
  }

  // MARK: The gradient check at kinks and zeros

  @Test(arguments: ["relu(x)", "abs(x)", "max(x, 0)", "abs(x)*y", "step(x) + x", "x*sign(x)"])
  func checkReportsAKinkInsteadOfAFailure(_ formula: String) {
    let result = chainrule("check", formula, "--at", "x=0,y=1")
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.lowercased().contains("kink") || result.stdout.contains("not defined"), "\(result.stdout)")
    #expect(!result.stdout.lowercased().contains("nan"), "\(result.stdout)")
  }

  @Test(arguments: ["x^2", "x*y", "0*x", "x - x", "sin(x) - x"])
  func checkAtZeroNeverDividesByZero(_ formula: String) {
    let result = chainrule("check", formula, "--at", "x=0,y=0")
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    #expect(!result.stdout.lowercased().contains("nan"), "\(result.stdout)")
    #expect(!result.stdout.lowercased().contains("inf"), "\(result.stdout)")
  }

  // MARK: The generalised chain as one formula

  /// `((b1000 + w1000·cos((b999 + … sin((b0 + w0·x)) …)) − y)²` on one line: 4,000 levels of
  /// nesting, which the parser once refused. `diff` gives the derivatives the tape does.
  @Test func oneLineChainOfAThousandLayers() throws {
    let g = ["sin", "cos", "tanh"]
    var expression = "(b0 + w0*x)"
    for k in 1...1_000 { expression = "(b\(k) + w\(k)*\(g[(k - 1) % 3])\(expression))" }
    let source = "(\(expression) - y)^2"
    var point: [String: Double] = ["x": 0.5, "y": 0.2]
    for k in 0...1_000 {
      point["b\(k)"] = 0.1
      point["w\(k)"] = 1.05
    }
    let at = point.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    let result = chainrule("diff", source, "--wrt", "w0,b1000", "--at", at, "--format", "json")
    #expect(result.exitCode == 0, "\(result.stderr.prefix(300))")
    let json = try #require(JSONDocument(result.stdout))
    let values = (json.object["derivatives"] as? [[String: Any]] ?? []).compactMap { jsonNumber($0["value"]) }
    let formula = try Formula(parsing: source)
    var tape = Tape(graph: formula.graph, root: formula.root)
    _ = try tape.forward(at: point)
    tape.backward()
    let expected = tape.gradient(withRespectTo: ["w0", "b1000"])
    #expect(values.count == 2)
    for (value, reference) in zip(values, expected) {
      #expect(isClose(value, reference, relative: 1e-9), "\(value) vs \(reference)")
    }
  }
}
