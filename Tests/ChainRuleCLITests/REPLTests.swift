import Foundation
import Testing

@testable import ChainRuleCLI

/// The REPL where students trip: Ctrl-C and Ctrl-D, `:at` and `:wrt` mistakes, a point that
/// lacks a new variable, history between sessions and `:steps` on a one-rule formula.
@Suite struct REPLTests {
  /// Runs a session on scripted input through the REPL's own loop; returns what it printed.
  static func run(_ inputs: [REPLInput], interactive: Bool = false, history: String? = nil) -> String {
    var repl = REPL(isTerminal: false, history: REPLHistory(path: history))
    var input = ScriptedInput(inputs, isInteractive: interactive)
    var out = ""
    REPL.run(&repl, input: &input) { out += $0 }
    return out
  }

  static func lines(_ text: String...) -> [REPLInput] { text.map { .line($0) } }

  @Test func ctrlCDropsTheLineAndKeepsTheDefinitions() {
    let out = Self.run(Self.lines("f = w*x") + [.interrupt] + Self.lines("f^2", ":defs"))
    #expect(out.contains("defined f\n"))
    #expect(out.contains("Ctrl-C drops the line; the definitions are kept"))
    #expect(out.contains("dl/dw = 2*f*x"))
    #expect(out.hasSuffix("f = w*x\n"))
  }

  @Test func ctrlDClosesThePromptLine() {
    #expect(Self.run(Self.lines("f = w*x") + [.end], interactive: true) == "defined f\n\n")
    #expect(Self.run(Self.lines("f = w*x") + [.end], interactive: false) == "defined f\n")
  }

  /// The keys as a terminal sends them, through the line editor.
  @Test(arguments: [
    ("2*x\r", REPLInput.line("2*x")),
    ("2*x\u{3}", .interrupt),
    ("\u{4}", .end),
    ("2*y\u{7F}x\r", .line("2*x")),
    ("x2\u{1B}[D*\r", .line("x*2")),
    ("σ(x)\r", .line("σ(x)")),
    ("abc\u{15}x\r", .line("x")),
    ("x\u{1B}[A\r", .line("y^2")),
    ("\u{1B}[A\u{1B}[A\u{1B}[B\r", .line("y^2")),
  ])
  func keysEditTheLine(keys: String, expected: REPLInput) {
    var editor = LineEditor(history: ["x^2", "y^2"])
    var result: REPLInput? = nil
    for byte in Array(keys.utf8) where result == nil { result = editor.feed(byte) }
    #expect(result == expected)
  }

  @Test(arguments: [
    (":at x=", "error: :at needs a value after 'x=', e.g. :at x=1.5 (the point is unchanged)\n"),
    (":at x=abc", "error: :at: the value of x, 'abc', is not a number (the point is unchanged)\n"),
    (":at x", "error: :at expects name=value pairs separated by commas, e.g. :at x=1.5,y=-2; found 'x'"),
  ])
  func aBadPointIsRefusedAtOnce(command: String, message: String) {
    let out = Self.run(Self.lines(":at x=2", command, "x^2"))
    #expect(out.contains(message))
    // The point set before stays: x^2 is evaluated at x = 2.
    #expect(out.contains("dl/dx = 2*x\n      = 4\n"))
  }

  @Test func aNewVariableStillShowsItsDerivativesAndAsksForItsValue() {
    let out = Self.run(Self.lines(":at x=2", "y*x", ":trace"))
    #expect(out.contains("dl/dy = x\n"))
    #expect(out.contains("dl/dx = y\n"))
    #expect(!out.contains("error: --at"))
    #expect(out.contains("the point gives no value for y: type :at x=2,y=… to see the values\n"))
    #expect(out.contains("error: :trace needs a value for every variable; the point gives none for y"))
  }

  @Test func wrtIsRefusedForANameNotInTheFormula() {
    let out = Self.run(Self.lines("f = w*x", "(f - y)^2", ":wrt q", ":wrt w,f", "(f - y)^2"))
    #expect(
      out.contains(
        "error: :wrt: q is not a variable of the last formula; its variables are w, x, y (still differentiating by every variable)\n"
      ))
    #expect(out.contains("differentiating by w,f\n"))
    #expect(out.components(separatedBy: "dl/dx").count == 2)  // only the first formula, by every variable
  }

  @Test func errorsFromTheCommandsAreWordedForTheSession() {
    let out = Self.run(Self.lines("x^2", ":wrt x", "y^2"))
    #expect(
      out.hasSuffix(
        "error: :wrt: the formula has no variable 'x'; its variables: y (:wrt alone differentiates by every variable)\n"
      ))
    #expect(!out.contains("--help"))
    #expect(!out.contains("--wrt"))
  }

  @Test func historyIsKeptBetweenSessions() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-history-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try #require(REPLHistory.defaultPath(environment: ["HOME": directory.path]))
    #expect(path == directory.appendingPathComponent(".chainrule_history").path)
    #expect(REPLHistory.defaultPath(environment: [:]) == nil)
    _ = Self.run(Self.lines("f = w*x", "", "f^2", "f^2") + [.interrupt], history: path)
    let out = Self.run(Self.lines(":history"), history: path)
    #expect(out == "1  f = w*x\n2  f^2\n3  :history\n")
    #expect(REPLHistory(path: path).entries == ["f = w*x", "f^2", ":history"])
  }

  @Test func stepsOnAOneRuleFormulaEndsOnce() {
    let out = Self.run(Self.lines("2*x^3", ":steps"))
    #expect(out.hasSuffix("  putting the pieces together:\n    dl/dx = 6*x^2\n"))
  }
}
