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

/// Printing without simplification, numbers, names and the three notations.
@Suite struct PrinterTests {
  /// The graph as built (only local simplification) must print with the parentheses it needs.
  @Test(arguments: [
    ("a - (b - c)", "a - (b - c)"),
    ("a + (b + c)", "a + (b + c)"),
    ("(a - b)*c", "(a - b)*c"),
    ("a*(-b)", "a*(-b)"),
    ("(a/b)*c", "a/b*c"),
    ("a/(b*c)", "a/(b*c)"),
    ("a/(b/c)", "a/(b/c)"),
    ("1/(2*x)", "1/(2*x)"),
    ("x/(y*z)", "x/(y*z)"),
    // Negative powers print as quotients, with the denominator in brackets where it needs them.
    ("(2*y)^-1", "1/(2*y)"),
    ("3*(y*z)^-1", "3/(y*z)"),
    ("(0.5*y)^-1", "1/(y/2)"),
    ("(x/y)^-1", "1/(x/y)"),
    ("x/y^-1", "x/(1/y)"),
    ("x/(y*z)^2", "x/(y*z)^2"),
    ("(x^y)^z", "(x^y)^z"),
    ("x^y^z", "x^(y^z)"),
    ("2^(-x)", "2^(-x)"),
    ("(-2)^x", "(-2)^x"),
    ("-x^2", "-x^2"),
    ("1/(1 + exp(-x))", "1/(1 + exp(-x))"),
  ])
  func unsimplifiedPlainText(source: String, expected: String) throws {
    let formula = try Formula(parsing: source)
    #expect(formula.plain(formula.root) == expected)
  }

  @Test(arguments: [
    (2.0, "2"),
    (-3, "-3"),
    (0.1, "0.1"),
    (2.5, "2.5"),
    (1e-3, "0.001"),
    (6.02e23, "6.02e+23"),
    (1e-7, "1e-07"),
    (0.30000000000000004, "0.30000000000000004"),
  ])
  func plainNumbers(value: Double, expected: String) throws {
    #expect(Notation.plain.number(value) == expected)
    // And each prints back to the same Double.
    let formula = try Formula(parsing: expected)
    #expect(try formula.value(formula.root, at: [:]) == value)
  }

  @Test(arguments: [
    (Notation.plain, "beta0", "beta0"),
    (.unicode, "beta0", "β₀"),
    (.latex, "beta0", "\\beta_{0}"),
    (.unicode, "omega12", "ω₁₂"),
    (.unicode, "w10", "w₁₀"),
    (.unicode, "net_h1", "net_h₁"),
    (.unicode, "l", "ℓ"),
    (.latex, "l", "\\ell"),
    (.latex, "net_h1", "\\mathit{net}_{h_{1}}"),
    (.plain, "w1_11", "w1_11"),
    (.latex, "x", "x"),
  ])
  func names(notation: Notation, canonical: String, expected: String) {
    #expect(notation.name(canonical) == expected)
  }

  @Test(arguments: [
    (Notation.plain, "dl/dbeta0"),
    (.unicode, "∂ℓ/∂β₀"),
    (.latex, "\\frac{\\partial \\ell}{\\partial \\beta_{0}}"),
  ])
  func partialSymbols(notation: Notation, expected: String) {
    #expect(notation.partial(of: "l", withRespectTo: "beta0") == expected)
  }

  @Test(arguments: [
    ("a/b", "\\frac{a}{b}"),
    ("x^2*y", "x^{2} y"),
    ("2*x", "2 x"),
    ("beta_0*omega_3", "\\beta_{0} \\omega_{3}"),
    ("sqrt(x)", "\\sqrt{x}"),
    ("-x - y", "-x - y"),
    ("sin(x)", "\\sin\\left[x\\right]"),
    // A base holding `\\times` is bracketed once, whether or not it needed brackets anyway.
    ("6.02e23^x", "\\left(6.02 \\times 10^{23}\\right)^{x}"),
    ("(6.02e23*x)^0.5", "\\left(6.02 \\times 10^{23} x\\right)^{0.5}"),
  ])
  func latexText(source: String, expected: String) throws {
    let formula = try Formula(parsing: source)
    #expect(formula.printer(.latex).string(formula.simplified(formula.root)) == expected)
  }

  @Test func latexRoundBrackets() throws {
    let formula = try Formula(parsing: "sin(x)")
    #expect(formula.printer(.latex, brackets: .round).string(formula.root) == "\\sin\\left(x\\right)")
  }

  /// A factor's text with brackets where a product needs them; asking again gives the same.
  @Test func factorStrings() throws {
    let formula = try Formula(parsing: "(x + y)*z")
    guard case .product(let factors) = formula.graph[formula.root] else {
      Issue.record("not a product")
      return
    }
    let printer = formula.printer(.plain)
    let texts = factors.map { printer.factorString($0) }
    #expect(texts.sorted() == ["(x + y)", "z"])
    #expect(factors.map { printer.factorString($0) } == texts)
    #expect(
      formula.printer(.latex).factorString(factors.first { formula.graph.kind($0) == .sum } ?? factors[0])
        == "\\left(x + y\\right)")
  }

  /// Every function prints under its own name in plain text, and that name parses back.
  @Test(arguments: Function.standardFunctions)
  func functionNamesRoundTrip(function: Function) throws {
    let arguments = Array(repeating: "x", count: function.arity).joined(separator: ", ")
    let formula = try Formula(parsing: "\(function.name)(\(arguments))")
    #expect(formula.plain(formula.root) == "\(function.name)(\(arguments))")
  }

  /// Fuzzing found that two constants whose product overflows made the graph's `multiply` swap
  /// them forever. They now stay apart, in every form, and print one by one, never as `inf`.
  @Test func constantsWhoseProductOverflowsStayApart() throws {
    // The command line refuses such a constant when it reads it; the library still builds it.
    let formula = Formula(program: try Parser.parse("2e233*3e233*x"))
    let derivative = formula.gradient(withRespectTo: ["x"])[0]
    #expect(formula.plain(formula.root) == "2e+233*3e+233*x")
    #expect(formula.plain(formula.simplified(formula.root)) == "2e+233*3e+233*x")
    #expect(formula.plain(formula.simplified(derivative)) == "2e+233*3e+233")
    #expect(formula.printer(.latex).string(formula.root) == "2 \\times 10^{233} \\cdot 3 \\times 10^{233} x")
    let negative = Formula(program: try Parser.parse("-2e233*3e233*x"))
    #expect(negative.plain(negative.root) == "(-2e+233)*3e+233*x")
  }
}
