import ChainRuleCLI
import Foundation
import Testing

/// Every case of issue 13 ("wrong answers, crashes and silent misreads found by adversarial
/// testing"), run through the command as a user types it: the exit code, and what the output
/// (stdout and stderr together) must and must not say.
///
/// Refusals of bad input exit 1 with a caret; refusals of a bad option value (`--at x=0x10`,
/// `--wrt sin`) are usage errors and exit 64 (`EX_USAGE`) like every other option error.
@Suite struct Issue13RegressionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var stdin: String = ""
    var exitCode: Int32
    /// Substrings the output must contain, each.
    var contains: [String]
    /// Substrings it must not contain.
    var lacks: [String] = []
    var testDescription: String { name }
  }

  /// `a1 = w*x`, `a_k = sin(a_{k−1}) + w*a_{k−1}` for k = 2…`steps`, `l = (a_steps − y)^2`: each
  /// step used twice, so the expanded closed form doubles per step.
  static func doublingChain(_ steps: Int) -> String {
    var lines = ["a1 = w*x"]
    for k in 2...steps { lines.append("a\(k) = sin(a\(k - 1)) + w*a\(k - 1)") }
    lines.append("l = (a\(steps) - y)^2")
    return lines.joined(separator: "\n") + "\n"
  }

  /// The one-line generalised chain of `layers` layers, g cycling sin, cos, tanh.
  static func oneLineChain(_ layers: Int) -> String {
    let functions = ["sin", "cos", "tanh"]
    var inner = "sin(b0 + w0*x)"
    for k in 1..<layers { inner = "\(functions[k % 3])(b\(k) + w\(k)*\(inner))" }
    return "((b\(layers) + w\(layers)*cos(\(inner))) - y)^2"
  }

  static let cases: [Case] = [
    // Crashes.
    Case(
      name: "25-step chain, each step used twice, --format json",
      arguments: ["diff", "-f", "-", "--wrt", "w", "--format", "json"],
      stdin: doublingChain(25), exitCode: 0, contains: ["\"wrt\": \"w\"", "\"summarised\": true"]),
    Case(
      name: "25-step chain, --full", arguments: ["diff", "-f", "-", "--wrt", "w", "--full"], stdin: doublingChain(25),
      exitCode: 0, contains: ["dl/dw = 2*(a25 - y)*a24"]),
    Case(
      name: "25-step chain, --format latex --full",
      arguments: ["diff", "-f", "-", "--wrt", "w", "--format", "latex", "--full"],
      stdin: doublingChain(25), exitCode: 0, contains: ["\\frac{\\partial \\ell}{\\partial w}"]),
    Case(
      name: "1,000-step chain, --format json",
      arguments: ["diff", "-f", "-", "--wrt", "w", "--format", "json", "--at", "w=0.5,x=0.3,y=1"],
      stdin: doublingChain(1_000), exitCode: 0, contains: ["\"wrt\": \"w\"", "\"value\": "]),
    Case(
      name: "one-line chain of 1,000 layers", arguments: ["diff", "-f", "-", "--wrt", "w0,b1000"],
      stdin: oneLineChain(1_000),
      exitCode: 0, contains: ["dl/dw0: the closed form has 1510842 operations", "dl/db1000 = 2*(b1000 + w1000*"],
      lacks: ["levels deep"]),
    Case(
      name: "100,001 nested brackets are refused with a caret",
      arguments: ["diff", "-f", "-"],
      stdin: String(repeating: "(", count: 100_001) + "x" + String(repeating: ")", count: 100_001),
      exitCode: 1, contains: ["nests more than 100000 levels deep", "^"]),
    // Use before definition.
    Case(
      name: "a = 1 + b; b = x; a", arguments: ["diff", "a = 1 + b; b = x; a"], exitCode: 1,
      contains: ["'b' is used on line 1 before line 2 defines it", "^"]),
    Case(
      name: "a = b; b = a", arguments: ["diff", "a = b; b = a"], exitCode: 1,
      contains: ["'b' is used on line 1 before line 2 defines it"], lacks: ["db/db"]),
    // --wrt a step, --wrt a function.
    Case(
      name: "--wrt a step gives the partial with respect to it", arguments: ["diff", "a = x^2; a + 1", "--wrt", "a"],
      exitCode: 0, contains: ["dl/da = 1"], lacks: ["does not depend"]),
    Case(
      name: "--wrt a step, at a point", arguments: ["diff", "a = x^2; a*x", "--wrt", "a", "--at", "x=3"], exitCode: 0,
      contains: ["dl/da = x", "= 3"]),
    Case(
      name: "--wrt sin is an error", arguments: ["diff", "a = x^2; sin(a) + 1", "--wrt", "sin"], exitCode: 64,
      contains: ["'sin' is a function, not a variable"], lacks: ["dl/dsin"]),
    // Simplification keeps the domain.
    Case(
      name: "(x^0.5)^2 at x = -8", arguments: ["diff", "(x^0.5)^2", "--at", "x=-8"], exitCode: 1,
      contains: ["undefined", "negative base"], lacks: ["l = -8"]),
    Case(
      name: "x^0.5*x^0.5 at x = -8", arguments: ["diff", "x^0.5*x^0.5", "--at", "x=-8"], exitCode: 1,
      contains: ["negative base"], lacks: ["l = -8"]),
    Case(
      name: "x^1.5/x^0.5 at x = -8", arguments: ["diff", "x^1.5/x^0.5", "--at", "x=-8"], exitCode: 1,
      contains: ["negative base"], lacks: ["l = -8"]),
    Case(
      name: "(x^(1/3))^3 at x = -8", arguments: ["diff", "(x^(1/3))^3", "--at", "x=-8"], exitCode: 1,
      contains: ["negative base"], lacks: ["l = -8"]),
    Case(
      name: "sqrt(x)*sqrt(x) at x = 4", arguments: ["diff", "sqrt(x)*sqrt(x)", "--at", "x=4"], exitCode: 0,
      contains: ["l = 4", "= 1"]),
    // Undefined constants.
    Case(
      name: "log(0)*0 + x at x = 1", arguments: ["diff", "log(0)*0 + x", "--at", "x=1"], exitCode: 1,
      contains: ["log(0) has no value", "^"]),
    Case(
      name: "x/0", arguments: ["diff", "x/0"], exitCode: 1, contains: ["x/0 has no value: it divides by zero", "^"]),
    Case(name: "0^-1 + x", arguments: ["diff", "0^-1 + x"], exitCode: 1, contains: ["0^-1 has no value", "^"]),
    Case(name: "log(0) + x", arguments: ["diff", "log(0) + x"], exitCode: 1, contains: ["log(0) has no value", "^"]),
    Case(
      name: "sqrt(-1) + x", arguments: ["diff", "sqrt(-1) + x"], exitCode: 1, contains: ["sqrt(-1) has no value", "^"]),
    Case(
      name: "exp(1000)*x", arguments: ["diff", "exp(1000)*x"], exitCode: 1,
      contains: ["exp(1000) has no value: it is too large for a 64-bit float", "^"]),
    // Underflow and partial failures.
    Case(
      name: "exp(x)^y at x = -800, y = 0.5", arguments: ["diff", "exp(x)^y", "--at", "x=-800,y=0.5"], exitCode: 0,
      contains: ["l = 1.91516959671e-174", "= 9.57584798357e-175", "= -1.53213567737e-171"]),
    Case(
      name: "x^y at x = -2, y = 3: l and dl/dx exist", arguments: ["diff", "x^y", "--at", "x=-2,y=3"], exitCode: 1,
      contains: ["l = -8", "= 12", "dl/dy", "undefined here", "the others are printed"]),
    // Cancellation: 1 − tanh² and σ·(1 − σ) far from 0 (references: mpmath, 40 digits).
    Case(
      name: "1 - tanh(x)^2 at x = 20", arguments: ["diff", "1 - tanh(x)^2", "--at", "x=20"], exitCode: 0,
      contains: ["l = 1.69934170212e-17", "= -3.39868340423e-17"]),
    Case(
      name: "tanh(x) at x = 40", arguments: ["diff", "tanh(x)", "--at", "x=40"], exitCode: 0,
      contains: ["= 7.21940555138e-35"]),
    Case(
      name: "sigmoid(x) at x = 40", arguments: ["diff", "sigmoid(x)", "--at", "x=40"], exitCode: 0,
      contains: ["= 4.24835425529e-18"]),
    // Numbers and --at.
    Case(name: "1e-400", arguments: ["diff", "1e-400 + x"], exitCode: 1, contains: ["1e-400 is too small", "^"]),
    Case(name: "1e400", arguments: ["diff", "1e400 + x"], exitCode: 1, contains: ["1e400", "^"]),
    Case(
      name: "--at x=0x10", arguments: ["diff", "x", "--at", "x=0x10"], exitCode: 64,
      contains: ["'0x10', is not a decimal number"], lacks: ["l = 16"]),
    Case(
      name: "--at x=1,,y=2", arguments: ["diff", "x*y", "--at", "x=1,,y=2"], exitCode: 64,
      contains: ["--at has an empty item"]),
    Case(
      name: "--at gives an unused name", arguments: ["diff", "x", "--at", "x=1,q=3"], exitCode: 0,
      contains: ["note: --at gives q, which the formula does not use"]),
    Case(
      name: "x^9223372036854775807", arguments: ["diff", "x^9223372036854775807"], exitCode: 1,
      contains: ["cannot be held exactly by a 64-bit float", "^"]),
    Case(
      name: "x^9.223372036854775807e18 is reduced by 1", arguments: ["diff", "x^9.223372036854775807e18"], exitCode: 0,
      contains: ["dl/dx = 9.223372036854776e+18*x^(9.223372036854776e+18 - 1)"]),
    Case(
      name: "x*0 prints dl/dx", arguments: ["diff", "x*0"], exitCode: 0,
      contains: ["dl/dx = 0", "l does not depend on x"]),
    // LaTeX input.
    Case(
      name: "e^{…} is exp", arguments: ["diff", #"\frac{1}{1 + e^{-(w x + b)}}"#], exitCode: 0,
      contains: ["l = 1/(1 + exp(-(w*x + b)))", "dl/dw", "dl/db"], lacks: ["dl/de", "log(e)"]),
    Case(
      name: #"\mathrm{e}^{x} is exp"#, arguments: ["diff", #"\frac{1}{1 + \mathrm{e}^{x}}"#], exitCode: 0,
      contains: ["l = 1/(1 + exp(x))"], lacks: ["dl/de"]),
    Case(
      name: #"\pi r^2"#, arguments: ["diff", #"\pi r^2"#], exitCode: 0, contains: ["l = pi*r^2", "dl/dr = 2*pi*r"],
      lacks: ["dl/dpi"]),
    Case(
      name: "pi and π in plain input are constants", arguments: ["diff", "π*r^2 + pi*r", "--at", "r=1"], exitCode: 0,
      contains: ["l = 6.28318530718"], lacks: ["dl/dpi"]),
    Case(
      name: "e in plain input is Euler's number", arguments: ["diff", "e^x", "--at", "x=1"], exitCode: 0,
      contains: ["l = exp(x)", "l = 2.71828182846"], lacks: ["dl/de"]),
    Case(
      name: #"\frac{d}{dx}\sin(x) is refused"#, arguments: ["diff", #"\frac{d}{dx}\sin(x)"#], exitCode: 1,
      contains: [#"unsupported LaTeX command '\frac{d}{dx}'"#, "^"], lacks: ["dl/dd"]),
    Case(
      name: #"\log_2 is refused with a hint"#, arguments: ["diff", #"\ln x + \log_2 x"#], exitCode: 1,
      contains: [#"'\log_2'"#, "log(x)/log(2)", "^"]),
    // Neighbours of the zero-product case: parts the graph or simplification cancel, undefined
    // as typed at the point.
    Case(
      name: "0*log(x) at x = -1", arguments: ["diff", "0*log(x)", "--at", "x=-1"], exitCode: 1,
      contains: ["log(x) has no value at this point", "^"], lacks: ["l = 0"]),
    Case(
      name: "(x - x)*log(y) at y = -1", arguments: ["diff", "(x - x)*log(y)", "--at", "x=1,y=-1"], exitCode: 1,
      contains: ["log(y) has no value at this point", "^"], lacks: ["l = 0"]),
    Case(
      name: "x/x at x = 0", arguments: ["diff", "x/x", "--at", "x=0", "--format", "json"], exitCode: 1,
      contains: ["x/x has no value at this point: it divides by zero", "^"], lacks: ["\"value\""]),
    Case(
      name: "log(x) - log(x) at x = -1, trace", arguments: ["trace", "log(x) - log(x)", "--at", "x=-1"], exitCode: 1,
      contains: ["log(x) has no value at this point"]),
    Case(
      name: "x^2/x at x = 0, check", arguments: ["check", "x^2/x", "--at", "x=0"], exitCode: 1,
      contains: ["x^2/x has no value at this point"]),
    Case(
      name: "a step a/a at a = 0", arguments: ["diff", "a = x - 1; b = a/a; b*2", "--at", "x=1"], exitCode: 1,
      contains: ["a/a has no value at this point", "^"]),
    Case(
      name: "x/x at x = 1 is 1", arguments: ["diff", "x/x", "--at", "x=1"], exitCode: 0, contains: ["l = 1"]),
    Case(
      name: "log(sigmoid(x)) at x = -1000 keeps its stable value",
      arguments: ["diff", "log(sigmoid(x))", "--at", "x=-1000"], exitCode: 0, contains: ["l = -1000"]),
    // Neighbours of the LaTeX cases.
    Case(
      name: #"\mathrm{d}x is a differential, refused"#, arguments: ["diff", #"x^2 \mathrm{d}x"#], exitCode: 1,
      contains: [#"unsupported LaTeX command '\mathrm{d}'"#, "^"], lacks: ["dl/dd"]),
    Case(
      name: #"\log_e points to \ln"#, arguments: ["diff", #"\log_e x"#], exitCode: 1,
      contains: [#"the natural logarithm is \ln x"#, "^"]),
    Case(
      name: #"\frac{\mathrm{d}}{\mathrm{d}x} is refused"#, arguments: ["diff", #"\frac{\mathrm{d}}{\mathrm{d}x} x^2"#],
      exitCode: 1, contains: ["not d/dx of it", "^"]),
    Case(
      name: "sigmoid(x) at x = -40", arguments: ["diff", "sigmoid(x)", "--at", "x=-40"], exitCode: 0,
      contains: ["= 4.24835425529e-18"]),
  ]

  @Test(arguments: cases) func issue13(_ row: Case) {
    let result = chainrule(row.arguments, stdin: row.stdin)
    let output = result.stdout + result.stderr
    let shown = output.count > 1_500 ? String(output.prefix(1_500)) + "…" : output
    #expect(result.exitCode == row.exitCode, "exit \(result.exitCode)\n\(shown)")
    // Bools, so that a failure does not print the (possibly huge) output in full.
    for text in row.contains {
      let found = output.contains(text)
      #expect(found, "missing \(text.debugDescription)\n\(shown)")
    }
    for text in row.lacks {
      let found = output.contains(text)
      #expect(!found, "has \(text.debugDescription)\n\(shown)")
    }
  }

  /// The stable forms of 1 − tanh(u)² at x = 20, 40, −20 against 40-digit references (mpmath),
  /// through the JSON output: the formula's value and its derivative −2·sech²(x)·tanh(x).
  @Test(arguments: [
    (20.0, 1.6993417021166355837e-17, -3.3986834042332711385e-17),
    (40.0, 7.2194055513816606892e-35, -1.4438811102763321378e-34),
    (-20.0, 1.6993417021166355837e-17, 3.3986834042332711385e-17),
  ])
  func oneMinusTanhSquared(_ x: Double, _ value: Double, _ slope: Double) throws {
    let result = chainrule("diff", "1 - tanh(x)^2", "--at", "x=\(x)", "--format", "json")
    #expect(result.exitCode == 0)
    let document = try #require(JSONDocument(result.stdout))
    let derivatives = try #require(document.object["derivatives"] as? [[String: Any]])
    let l = try #require(jsonNumber(document.object["value"]))
    let d = try #require(jsonNumber(derivatives.first?["value"]))
    #expect(abs(l - value) <= 1e-14 * abs(value), "l = \(l), true \(value)")
    #expect(abs(d - slope) <= 1e-14 * abs(slope), "dl/dx = \(d), true \(slope)")
  }
}
