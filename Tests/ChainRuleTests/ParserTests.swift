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

/// The grammar, formula by formula, through the real parser.
@Suite struct ParserTests {
  @Test(arguments: [
    ("2", 2.0),
    ("2.5", 2.5),
    (".5", 0.5),
    ("1e-3", 0.001),
    ("6.02E23", 6.02e23),
    ("1E+2", 100),
    ("2^3^2", 512),
    ("2**3**2", 512),
    ("(2^3)^2", 64),
    ("-2^2", -4),
    ("2^-1", 0.5),
    ("2 - 3 - 4", -5),
    ("12/3/2", 2),
    ("1 + 2*3", 7),
    ("−3 + 1", -2),
    ("2·3⋅4×5", 120),
    ("ln(1)", 0),
  ])
  func constants(source: String, expected: Double) throws {
    let formula = try Formula(parsing: source)
    #expect(formula.variables.isEmpty)
    #expect(try formula.value(formula.root, at: [:]) == expected)
  }

  static let sigmoidOfThree: Double = 1 / (1 + exp(-3.0))
  static let valuesAtThreeCases: [(String, Double)] = [
    ("-x^2", -9.0),
    ("(-x)^2", 9),
    ("2x", 6),
    ("2(x+1)", 8),
    ("2x^2", 18),
    ("2 x", 6),
    (".5x", 1.5),
    ("x^-1", 1.0 / 3),
    ("-x - -x", 0),
    ("x**2", 9),
    ("x·x", 9),
    ("x − 1", 2),
    ("[x + 1]*2", 8),
    ("{x + 1}^2", 16),
    ("sin[x]", Foundation.sin(3.0)),
    ("ln(x)", Foundation.log(3.0)),
    ("σ(x)", sigmoidOfThree),
    ("sigma(x)", sigmoidOfThree),
    ("max(x, 2*x)", 6),
    ("min(x, 2*x)", 3),
  ]

  @Test(arguments: valuesAtThreeCases)
  func valuesAtThree(source: String, expected: Double) throws {
    let formula = try Formula(parsing: source)
    let value = try formula.value(formula.root, at: ["x": 3])
    #expect(isClose(value, expected, relative: 1e-15), "\(source) at x = 3 is \(value)")
  }

  /// Spellings that must build exactly the same expression as the reference spelling.
  @Test(arguments: [
    ("x**y", "x^y"),
    ("x·y", "x*y"),
    ("x⋅y", "x*y"),
    ("x×y", "x*y"),
    ("x − y", "x - y"),
    ("ln(x)", "log(x)"),
    ("σ(x)", "sigmoid(x)"),
    ("sin[x]", "sin(x)"),
    ("sin[cos[x]]", "sin(cos(x))"),
    ("2x", "2*x"),
    ("2(x + 1)", "2*(x + 1)"),
    ("2x^2", "2*x^2"),
    ("x^(2y)", "x^(2*y)"),
    ("-x^2", "-(x^2)"),
    ("2^3^2", "2^(3^2)"),
    ("β₀ + ω_3", "beta0 + omega3"),
    ("x # a comment", "x"),
    // Unicode math as ChainRule prints it reads back.
    ("x²", "x^2"),
    ("x⁻¹", "x^(-1)"),
    ("x¹⁰·y³", "x^10*y^3"),
    ("-x²", "-(x^2)"),
    ("2x²", "2*x^2"),
    ("1/x²", "1/(x^2)"),
    ("(σ(x) − y)²", "(sigmoid(x) - y)^2"),
    ("|x − y|", "abs(x - y)"),
    ("|x|·|y|", "abs(x)*abs(y)"),
    ("||x| − 1|", "abs(abs(x) - 1)"),
    ("√x", "sqrt(x)"),
    ("√(x + 1)·y", "sqrt(x + 1)*y"),
    ("2√x", "2*sqrt(x)"),
    ("𝟙[x > 0]", "step(x)"),
    ("𝟙[x > y]·x", "step(x - y)*x"),
  ])
  func equivalentSpellings(source: String, reference: String) throws {
    let a = try Formula(parsing: source)
    let b = try Formula(parsing: reference)
    #expect(a.plain(a.root) == b.plain(b.root))
    for point in SmoothCase(reference, [("x", 0.5...2), ("y", -2...2)]).points(3) {
      let pointWithGreek = point.merging(["beta0": 0.3, "omega3": -1.2]) { a, _ in a }
      #expect(try a.value(a.root, at: pointWithGreek) == b.value(b.root, at: pointWithGreek))
    }
  }

  @Test(arguments: ["beta0", "beta_0", "β0", "β_0", "β₀", "beta_{0}", "β_{0}"])
  func spellingsOfBetaZero(spelling: String) throws {
    #expect(Parser.canonicalName(spelling) == "beta0")
    let formula = try Formula(parsing: "\(spelling) + 2*beta0")
    #expect(formula.variables == ["beta0"])
    #expect(formula.plain(formula.simplified(formula.root)) == "3*beta0")
  }

  @Test(arguments: [
    ("omega_3", "omega3"),
    ("ω₃", "omega3"),
    ("x_{10}", "x10"),
    ("w_12", "w12"),
    ("net_h1", "net_h1"),
    // An underscore between two digit runs stays, so `w1_11` and `w11_1` are different names.
    ("w1_11", "w1_11"),
    ("w11_1", "w11_1"),
    // The same names as the Unicode printer writes them, and with braces, as LaTeX reads them.
    ("w1_₁₁", "w1_11"),
    ("w1_{11}", "w1_11"),
    ("x1_₂", "x1_2"),
    ("x_₁", "x1"),
    ("β_₁", "beta1"),
    ("ℓ", "l"),
    ("φ", "phi"),
    ("x", "x"),
  ])
  func canonicalNames(spelling: String, canonical: String) {
    #expect(Parser.canonicalName(spelling) == canonical)
  }

  @Test func canonicalNameRejectsMoreThanOneName() {
    #expect(Parser.canonicalName("x y") == nil)
    #expect(Parser.canonicalName("x + 1") == nil)
    #expect(Parser.canonicalName("2") == nil)
  }

  @Test(arguments: [
    ("x y", Diagnostic.Kind.missingOperator(found: "'y'")),
    // A name directly before a bracket reads as a call, so `2x(x + 1)` needs its `*`.
    ("2x(x + 1)", .missingOperator(found: "'('")),
    ("2 3", .missingOperator(found: "'3'")),
    ("sin x", .functionWithoutArguments("sin")),
    ("sinn(x)", .unknownFunction("sinn", suggestion: "sin")),
    ("max(x)", .wrongArgumentCount(function: "max", expected: 2, found: 1)),
    ("sin(x, y)", .wrongArgumentCount(function: "sin", expected: 1, found: 2)),
    ("(x + 1", .unclosedBracket("(")),
    ("(x]", .mismatchedBracket(expected: ")", found: "]")),
    ("x + 1)", .unmatchedClosingBracket(")")),
    // A stray ')' where an operand is expected and no bracket is open.
    (")(", .unmatchedClosingBracket(")")),
    ("x + )", .unmatchedClosingBracket(")")),
    ("(x + )", .expected("a number, a name or '('", found: "')'")),
    // A name of three letters or more before a bracket, not close to a function.
    ("foo(x)", .unknownFunction("foo", suggestion: nil)),
    // Short names before a bracket: a missing operator.
    ("x(y + 1)", .missingOperator(found: "'('")),
    // An exponent never swallows an implicit product.
    ("x^2 y", .missingOperator(found: "'y'")),
    ("x^2y", .missingOperator(found: "'y'")),
    ("x^-2y", .missingOperator(found: "'y'")),
    ("x^2(y + 1)", .missingOperator(found: "'('")),
    // A defined name stands for its definition; its argument list may hold names only.
    ("f(x) = x^2; f(3)", .argumentsNotSubstituted("f")),
    ("f[x] = x^2\ng = f[x + 1]", .argumentsNotSubstituted("f")),
    ("", .emptyInput),
    ("  # only a comment", .emptyInput),
    ("1e400", .numberOutOfRange("1e400")),
    ("f = x\nf = y", .redefinition("f")),
    ("f = f + 1", .selfReference("f")),
    // `y` would be a variable on line 1 and a step from line 2 on.
    ("g(y) = y + 1\ny = g(y)", .usedBeforeDefinition("y", useLine: 1, definitionLine: 2)),
    ("x $ 2", .unexpectedCharacter("'$' (U+0024)")),
    // Juxtaposition is one rule in plain input: inside a call as at the top.
    ("sigma(w x + b)", .missingOperator(found: "'x'")),
    ("W x", .missingOperator(found: "'x'")),
    ("x⁻", .expected("a superscript digit after '⁻'", found: "none")),
    ("|x", .unclosedBracket("|")),
    ("|x + )|", .expected("a number, a name or '('", found: "')'")),
    ("𝟙[x]", .expected("'>' in 𝟙[… > …]", found: "']'")),
    ("𝟙 x", .expected("'[' after '𝟙', as in 𝟙[x > 0]", found: "'x'")),
    ("x > 0", .expected("an operator or the end of the line", found: "'>'")),
  ])
  func errors(source: String, kind: Diagnostic.Kind) {
    #expect(throws: Diagnostic.self) { try Parser.parse(source) }
    do {
      _ = try Parser.parse(source)
    } catch {
      #expect(error.kind == kind)
    }
  }

  /// A definition uses its own name only in its formula: the argument list of a reference to an
  /// earlier definition is notation and is dropped, so a name there is no self-reference.
  @Test(arguments: ["f = x^2\ny = f[y]", "f[x] = x^2\ny = f[x, y] + 1", "g(x) = x + 1\ny = g(y)"])
  func argumentListsAreNoSelfReference(source: String) throws {
    let program = try Parser.parse(source)
    #expect(program.definitions.count == 2)
  }

  @Test func definitionsWithCommentsAndSemicolons() throws {
    let source = """
      # A two-step model.
      a = 2*x; b = a + 1   # b depends on a
      # a blank line follows

      c = b^2
      """
    let program = try Parser.parse(source)
    #expect(program.definitions.map(\.name) == ["a", "b", "c"])
    let formula = Formula(program: program)
    #expect(formula.resultName == "c")
    #expect(formula.variables == ["x"])
    #expect(try formula.value(formula.root, at: ["x": 2]) == 25)
    #expect(try formula.value(try #require(formula.definitions["a"]), at: ["x": 2]) == 4)
  }

  @Test func bareLastLineIsTheResult() throws {
    let formula = try Formula(parsing: "u = x + 1\nu^2")
    #expect(formula.resultName == "l")
    #expect(try formula.value(formula.root, at: ["x": 2]) == 9)
  }

  @Test func bareFormulaUsingLIsNamedF() throws {
    let formula = try Formula(parsing: "l*x + 1")
    #expect(formula.variables.contains("l"))
    #expect(formula.resultName == "f")
    // ℓ is the same name as l.
    #expect(try Formula(parsing: "ℓ^2").resultName == "f")
    #expect(try Formula(parsing: "x^2").resultName == "l")
  }

  @Test func namesWithDifferentDigitGroupsStayApart() throws {
    let formula = try Formula(parsing: "w1_11 + 2*w11_1")
    #expect(Set(formula.variables) == ["w1_11", "w11_1"])
    #expect(try formula.value(formula.root, at: ["w1_11": 1, "w11_1": 10]) == 21)
  }

  /// Unicode output reads back as the same names: `w1_11` prints `w1_₁₁`.
  @Test(arguments: ["w1_11*x + x1_2", "beta_1*w11_1 - omega_{10}", "net_h1*w1_{11}"])
  func unicodeNamesReadBack(source: String) throws {
    let formula = try Formula(parsing: source)
    let printed = formula.printer(.unicode).string(formula.root)
    let again = try Formula(parsing: printed)
    #expect(Set(again.variables) == Set(formula.variables), "\(printed)")
  }

  @Test func onlyTheLastLineMayBeBare() {
    #expect(throws: Diagnostic.self) { try Parser.parse("x + 1\ny = 2") }
  }

  @Test func definitionWithArgumentList() throws {
    let formula = try Formula(parsing: "f[x, φ] = β₃ + ω₃·x·φ\nℓ = f[x, φ]^2")
    #expect(formula.program.definitions.map(\.name) == ["f", "l"])
    #expect(formula.resultName == "l")
    #expect(Set(formula.variables) == ["beta3", "omega3", "x", "phi"])
    let value = try formula.value(formula.root, at: ["beta3": 1, "omega3": 2, "x": 3, "phi": 4])
    #expect(value == 625)
  }

  @Test(arguments: ["f[x]", "f(x)", "f[x, y]", "f"])
  func definedNameCalledWithArgumentsIsTheDefinition(use: String) throws {
    let formula = try Formula(parsing: "f[x] = x^2 + 1\ng = 3*\(use)")
    let reference = try Formula(parsing: "3*(x^2 + 1)")
    #expect(formula.plain(formula.root) == reference.plain(reference.root))
    #expect(try formula.value(formula.root, at: ["x": 2]) == 15)
  }

  @Test func lineBreaksInsideBracketsContinueTheFormula() throws {
    let formula = try Formula(parsing: "l = (x +\n  y)^2")
    #expect(try formula.value(formula.root, at: ["x": 1, "y": 2]) == 9)
  }

  @Test func crlfLineEndings() throws {
    let formula = try Formula(parsing: "a = x + 1\r\nb = a*2\r\n")
    #expect(formula.resultName == "b")
    #expect(try formula.value(formula.root, at: ["x": 1]) == 4)
  }

  @Test func spansPointIntoTheSource() throws {
    let program = try Parser.parse("β₀ + sin(x)")
    guard case .binary(.add, let left, let right, let span) = program.result.body else {
      Issue.record("expected a sum, got \(program.result.body)")
      return
    }
    // UTF-8 offsets: β is 2 bytes and ₀ is 3.
    #expect(left.span == SourceSpan(start: 0, end: 5))
    #expect(right.span == SourceSpan(start: 8, end: 14))
    #expect(span == SourceSpan(start: 0, end: 14))
  }

  /// Function names are looked up by their bytes: the exact names, `ln` and `σ`, and nothing that
  /// merely shares a prefix, a length or the letters.
  @Test(
    arguments: [
      ("sin", Function.sin), ("sinh", .sinh), ("softplus", .softplus), ("sigmoid", .sigmoid), ("ln", .log),
      ("σ", .sigmoid), ("max", .max), ("step", .step), ("sin2", nil), ("sinx", nil), ("softplusx", nil),
      ("nis", nil), ("Sin", nil), ("lnx", nil), ("si", nil), ("sigma", nil), ("", nil), ("σσ", nil),
    ] as [(String, Function?)])
  func functionNames(name: String, function: Function?) {
    #expect(Function(named: name) == function)
  }
}
