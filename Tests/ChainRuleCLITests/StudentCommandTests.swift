import ChainRule
import Foundation
import Testing

@testable import ChainRuleCLI

/// `check --data`, the hint after bare `swift run chainrule`, and one number format per notation.
@Suite struct StudentCommandTests {
  @Test func checkTakesDataNamesAsTraceDoes() throws {
    let base = ["check", "(w*x + b - y)^2", "--at", "w=0.5,b=0,x=2,y=3", "--format", "json"]
    let result = chainrule(base + ["--data", "x,y"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let json = try #require(JSONDocument(result.stdout))
    let rows = try #require(json.object["rows"] as? [[String: Any]])
    #expect(rows.compactMap { $0["wrt"] as? String } == ["w", "b"])
    // The same as trace's parameters with the same --data.
    let trace = chainrule([
      "trace", "(w*x + b - y)^2", "--at", "w=0.5,b=0,x=2,y=3", "--data", "x,y", "--format", "json",
    ])
    let gradient = try #require(JSONDocument(trace.stdout)?.object["gradient"] as? [[String: Any]])
    #expect(Set(gradient.compactMap { $0["wrt"] as? String }) == ["w", "b"])
    let all = chainrule(base)
    #expect((JSONDocument(all.stdout)?.object["rows"] as? [[String: Any]])?.count == 4)
    let wrong = chainrule(base + ["--data", "x,q"])
    #expect(wrong.exitCode == 64)
    #expect(
      wrong.stderr.hasPrefix("error: --data: q is not a variable of the formula; its variables are w, x, b, y\n"))
  }

  @Test(arguments: [
    ("/home/me/ChainRule/.build/x86_64-unknown-linux-gnu/debug/chainrule", true),
    ("/home/me/ChainRule/.build/debug/chainrule", true),
    ("/usr/local/bin/chainrule", false),
    ("/home/me/ChainRule/.build/release/chainrule", false),
  ])
  func bareSwiftRunSaysHowToRunChainruleItself(executable: String, hinted: Bool) {
    let result = ChainRuleCommand.run(arguments: [], executable: executable)
    #expect(result.exitCode == 0)
    let hint =
      "\nTo type 'chainrule' as above instead of 'swift run chainrule': swift build -c release, then run "
      + ".build/release/chainrule (or copy it onto your PATH: cp .build/release/chainrule /usr/local/bin/)\n"
    #expect(result.stdout.hasSuffix(hint) == hinted)
    #expect(result.stdout.components(separatedBy: "swift build").count == (hinted ? 2 : 1))
    // Only bare `chainrule`: a formula's output carries no hint.
    #expect(!ChainRuleCommand.run(arguments: ["x^2"], executable: executable).stdout.contains("swift build"))
  }

  @Test(arguments: [
    (1e-7, Notation.plain, "1e-7"), (1e-7, .unicode, "1e−7"), (1e-7, .latex, "1e-7"),
    (-2.5e-12, .plain, "-2.5e-12"), (-2.5e-12, .unicode, "−2.5e−12"),
    (1.5e6, .plain, "1500000"), (3e15, .plain, "3e15"), (3e15, .unicode, "3e15"), (-3e15, .unicode, "−3e15"),
    (-0.4, .plain, "-0.4"), (-0.4, .unicode, "−0.4"), (0, .unicode, "0"), (-0.0, .plain, "0"),
    (.infinity, .unicode, "∞"), (-.infinity, .unicode, "−∞"), (-.infinity, .plain, "-inf"), (.nan, .plain, "undefined"),
  ])
  func valuesHaveOneFormatPerNotation(value: Double, notation: Notation, expected: String) {
    #expect(ValueFormat.text(value, notation) == expected)
  }

  @Test(arguments: [
    (7.3e-9, Notation.plain, "7.3e-9"), (7.3e-9, .unicode, "7.3e−9"), (1.2e-10, .unicode, "1.2e−10"),
    (0, .unicode, "0"), (4.5e3, .plain, "4.5e3"), (.nan, .unicode, "−"), (.nan, .plain, "-"),
  ])
  func errorsHaveOneFormatPerNotation(value: Double, notation: Notation, expected: String) {
    #expect(ValueFormat.error(value, notation) == expected)
  }

  @Test(arguments: [Notation.plain, .unicode, .latex])
  func shorterValuesShareTheFormat(notation: Notation) {
    let minus = notation == .unicode ? "−" : "-"
    #expect(ValueFormat.number(-1.5e-7, significantDigits: 6, notation) == "\(minus)1.5e\(minus)7")
    #expect(MatrixValueFormat.number(1.5e6, notation) == "1.5e6")
    #expect(MatrixValueFormat.number(-1.234567e-5, notation) == "\(minus)1.23457e\(minus)5")
  }

  /// Unicode output has no ASCII minus in its numbers: a check table at a tiny point.
  @Test func unicodeCheckTablesUseTheUnicodeMinus() {
    let result = chainrule("check", "x^3 - y", "--at", "x=1e-3,y=-2", "--format", "unicode")
    #expect(result.exitCode == 0, "\(result.stderr)")
    let table = result.stdout.split(separator: "\n").filter { $0.hasPrefix("x ") || $0.hasPrefix("y ") }
    #expect(table.count == 2)
    for row in table { #expect(!row.contains("-"), "\(row)") }
    #expect(result.stdout.contains("e−"))
    #expect(!result.stdout.contains("e−0"))
    let plain = chainrule("check", "x^3 - y", "--at", "x=1e-3,y=-2", "--format", "plain")
    #expect(!plain.stdout.contains("−"))
    #expect(!plain.stdout.contains("e-0"))
  }
}
