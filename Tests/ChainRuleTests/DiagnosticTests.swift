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

/// Diagnostics asserted whole: message, location, source line, caret and hint.
@Suite struct DiagnosticTests {
  static let cases: [(source: String, rendered: String)] = [
    (
      "sinn(x^2)",
      """
      error: unknown function 'sinn'
       --> input:1:1
      1 | sinn(x^2)
        | ^^^^ did you mean 'sin'?

      """
    ),
    (
      "x y",
      """
      error: missing operator before 'y'
       --> input:1:3
      1 | x y
        |   ^ write '*' to multiply

      """
    ),
    (
      // Greek letters and a subscript before the error: the column counts characters.
      "β₀ + ω₀·x y",
      """
      error: missing operator before 'y'
       --> input:1:11
      1 | β₀ + ω₀·x y
        |           ^ write '*' to multiply

      """
    ),
    (
      "β₀ + ω₀·sinn(x)",
      """
      error: unknown function 'sinn'
       --> input:1:9
      1 | β₀ + ω₀·sinn(x)
        |         ^^^^ did you mean 'sin'?

      """
    ),
    (
      "(x + 1",
      """
      error: '(' is never closed
       --> input:1:1
      1 | (x + 1
        | ^ add the closing bracket

      """
    ),
    (
      "sin x",
      """
      error: function 'sin' needs its argument in brackets
       --> input:1:1
      1 | sin x
        | ^^^ write 'sin(…)' or 'sin[…]'

      """
    ),
    (
      "max(x)",
      """
      error: 'max' takes 2 arguments, found 1
       --> input:1:1
      1 | max(x)
        | ^^^^^^

      """
    ),
    (
      "x $ 2",
      """
      error: unexpected character '$' (U+0024)
       --> input:1:3
      1 | x $ 2
        |   ^

      """
    ),
    (
      "(x]",
      """
      error: expected ')' to close the bracket, found ']'
       --> input:1:3
      1 | (x]
        |   ^

      """
    ),
    (
      "x + 1)",
      """
      error: ')' has no matching opening bracket
       --> input:1:6
      1 | x + 1)
        |      ^ remove it, or add the opening bracket

      """
    ),
    (
      "f = x\nf = y",
      """
      error: 'f' is defined twice
       --> input:2:1
      2 | f = y
        | ^ give the second definition a new name

      """
    ),
    (
      "f = f + 1",
      """
      error: 'f' is used in its own definition
       --> input:1:1
      1 | f = f + 1
        | ^ give the new value its own name, e.g. 'f2 = f + …'

      """
    ),
    (
      "2 +",
      """
      error: expected a number, a name or '(', found end of input
       --> input:1:4
      1 | 2 +
        |    ^

      """
    ),
    (
      "a1 = 1\na2 = 2\na3 = 3\na4 = 4\na5 = 5\na6 = 6\na7 = 7\na8 = 8\na9 = 9\nℓ = a9·sinh x",
      """
      error: function 'sinh' needs its argument in brackets
        --> input:10:8
      10 | ℓ = a9·sinh x
         |        ^^^^ write 'sinh(…)' or 'sinh[…]'

      """
    ),
    (
      // An error at the end of the input: the caret goes just after the last token.
      "x ** ",
      "error: expected a number, a name or '(', found end of input\n --> input:1:5\n1 | x ** \n  |     ^\n"
    ),
    (
      "f = x +\ny",
      """
      error: expected a number, a name or '(', found end of line
       --> input:1:8
      1 | f = x +
        |        ^

      """
    ),
    (
      "a = 1\r\nb = a +\r\nb",
      """
      error: expected a number, a name or '(', found end of line
       --> input:2:8
      2 | b = a +
        |        ^

      """
    ),
    (
      ")",
      """
      error: ')' has no matching opening bracket
       --> input:1:1
      1 | )
        | ^ remove it, or add the opening bracket

      """
    ),
    (
      "foo(x)",
      """
      error: unknown function 'foo'
       --> input:1:1
      1 | foo(x)
        | ^^^ functions: \(Function.allNames.joined(separator: " "))

      """
    ),
    // A line longer than 100 characters: a window of 100 around the caret, '…' at a cut end,
    // and the true column after '-->'.
    (
      String(repeating: "a + ", count: 60) + "b c",
      """
      error: missing operator before 'c'
       --> input:1:243
      1 | … \(String(repeating: "a + ", count: 24))b c
        | \(String(repeating: " ", count: 100))^ write '*' to multiply

      """
    ),
    (
      String(repeating: "a + ", count: 60) + "b c" + String(repeating: " + d", count: 60),
      """
      error: missing operator before 'c'
       --> input:1:243
      1 | …\(String(repeating: "a + ", count: 12))b c\(String(repeating: " + d", count: 12)) …
        | \(String(repeating: " ", count: 51))^ write '*' to multiply

      """
    ),
    (
      "x y" + String(repeating: " + d", count: 60),
      """
      error: missing operator before 'y'
       --> input:1:3
      1 | x y\(String(repeating: " + d", count: 24)) …
        |   ^ write '*' to multiply

      """
    ),
    (
      "a = 1\r\nb = a y",
      """
      error: missing operator before 'y'
       --> input:2:7
      2 | b = a y
        |       ^ write '*' to multiply

      """
    ),
  ]

  @Test(arguments: cases)
  func renderedWhole(source: String, rendered: String) {
    do {
      let program = try Parser.parse(source)
      Issue.record("parsed without an error: \(program.definitions.count) definitions")
    } catch {
      #expect(DiagnosticRenderer().render(error, in: source) == rendered)
    }
  }

  @Test func sourceNameAppearsInTheLocation() {
    do {
      _ = try Parser.parse("x y")
      Issue.record("parsed without an error")
    } catch {
      let text = DiagnosticRenderer(sourceName: "model.chain").render(error, in: "x y")
      #expect(text.split(separator: "\n")[1] == " --> model.chain:1:3")
    }
  }

  @Test(arguments: [
    ("x", 0, 1, 1),
    ("β₀ + x", 8, 1, 6),
    ("a\nβb", 4, 2, 2),
    ("ω\nω\nx", 6, 3, 1),
  ])
  func locationCountsCharacters(source: String, offset: Int, line: Int, column: Int) {
    let location = DiagnosticRenderer.location(of: offset, in: source)
    #expect(location.line == line)
    #expect(location.column == column)
  }

  @Test(arguments: [
    ("sinn", "sin"),
    ("expp", "exp"),
    ("Tanh", "tanh"),
    ("sigmod", "sigmoid"),
    ("sqr", "sqrt"),
  ])
  func suggestions(typo: String, suggestion: String) {
    #expect(Function.suggestion(for: typo) == suggestion)
  }

  @Test func noSuggestionForUnrelatedNames() throws {
    #expect(Suggestion.closest(to: "banana", among: Function.allNames) == nil)
  }
}
