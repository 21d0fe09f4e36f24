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

/// The canonical form, asserted as printed text: plain (re-parseable) and Unicode.
@Suite struct CanonicalFormTests {
  @Test(arguments: [
    // Identities.
    ("x*1", "x", "x"),
    ("x + 0", "x", "x"),
    ("x^1", "x", "x"),
    ("x^0", "1", "1"),
    ("0*x + y", "y", "y"),
    ("--x", "x", "x"),
    ("(-1)*x", "-x", "−x"),
    ("x/x", "1", "1"),
    ("x - x", "0", "0"),
    ("(a + b) - (a + b)", "0", "0"),
    ("sin(x) - sin(x)", "0", "0"),
    ("(x + 1)^2 - (x + 1)^2", "0", "0"),
    // Like terms and like factors.
    ("2*x + 3*x", "5*x", "5·x"),
    ("x + x + y", "2*x + y", "2·x + y"),
    ("x*x^2", "x^3", "x³"),
    ("x^2/x", "x", "x"),
    ("x*y*x", "x^2*y", "x²·y"),
    ("(a + b)*(a + b)", "(a + b)^2", "(a + b)²"),
    ("2*x*3", "6*x", "6·x"),
    ("x^y*x", "x^(1 + y)", "x^(1 + y)"),
    // Fractional coefficients add exactly.
    ("x/3 + x/2", "5*x/6", "5·x/6"),
    ("1/2 + 1/3", "5/6", "5/6"),
    ("1/3 + 2/3", "1", "1"),
    ("x/3 - x/3 + y", "y", "y"),
    ("x/4 + x/4", "x/2", "x/2"),
    ("0.1*x + x/3", "13*x/30", "13·x/30"),
    ("x^2/2 - x/3", "x^2/2 - x/3", "x²/2 − x/3"),
    ("x^(1/3 - 1)", "x^(-2/3)", "x^(−2/3)"),
    ("0.37*x + x/3", "211*x/300", "211·x/300"),
    ("0.7*x + 5.5*x", "6.2*x", "6.2·x"),
    // A number that is no short decimal stays apart from a fraction rather than blur it.
    ("0.12345678901*x + x/3", "x/3 + 0.12345678901*x", "x/3 + 0.12345678901·x"),
    // Powers of powers and of products (integer exponents only).
    ("(x^2)^3", "x^6", "x⁶"),
    ("(x*y)^2", "x^2*y^2", "x²·y²"),
    ("(-x)^2", "x^2", "x²"),
    ("(-x)^3", "-x^3", "−x³"),
    ("(x^2)^0.5", "(x^2)^0.5", "(x²)^0.5"),
    // Differences, quotients, signs.
    ("a - b", "a - b", "a − b"),
    ("-a + b", "b - a", "b − a"),
    ("1 - x", "1 - x", "1 − x"),
    ("x - 1", "x - 1", "x − 1"),
    ("-x - y", "-x - y", "−x − y"),
    ("a - 2*b", "a - 2*b", "a − 2·b"),
    ("a/b", "a/b", "a/b"),
    ("a/(b*c)", "a/(b*c)", "a/(b·c)"),
    ("-2*x/y", "-2*x/y", "−2·x/y"),
    ("x^-2", "1/x^2", "1/x²"),
    ("2/x", "2/x", "2/x"),
    ("0.5*x", "x/2", "x/2"),
    ("x/4", "x/4", "x/4"),
    ("-0.25*x", "-x/4", "−x/4"),
    ("1.5*x", "1.5*x", "1.5·x"),
    ("-(x^2)", "-x^2", "−x²"),
    ("exp(-x)", "exp(-x)", "exp(−x)"),
    ("2^x", "2^x", "2^x"),
    ("x^(-y)", "x^(-y)", "x^(−y)"),
    ("x^0.5", "x^0.5", "x^0.5"),
    // Names and notation.
    ("beta_0*omega_3", "beta0*omega3", "β₀·ω₃"),
    ("sigmoid(x)", "sigmoid(x)", "σ(x)"),
    ("step(x)", "step(x)", "𝟙[x > 0]"),
    ("l + phi", "l + phi", "ℓ + φ"),
    ("max(a, b)", "max(a, b)", "max(a, b)"),
    // Constants fold only when exact.
    ("2^3^2", "512", "512"),
    ("x/8/65", "x/520", "x/520"),
    ("sin(0) + exp(0)", "1", "1"),
    ("relu(-2) + abs(-3)", "3", "3"),
  ])
  func canonicalText(source: String, plain: String, unicode: String) throws {
    let formula = try Formula(parsing: source)
    let simple = formula.simplified(formula.root)
    #expect(formula.plain(simple) == plain)
    #expect(formula.unicode(simple) == unicode)
  }

  /// The order of operands in the input does not change the canonical text.
  @Test(arguments: [
    (["c*b*a", "a*c*b", "b*a*c"], "a*b*c"),
    (["y + x", "x + y"], "x + y"),
    (["w10 + w2 + w1", "w2 + w1 + w10", "w1 + w10 + w2"], "w1 + w2 + w10"),
    (["sin(y) + z + x^2", "x^2 + sin(y) + z", "z + x^2 + sin(y)"], "x^2 + z + sin(y)"),
    (["exp(x)*sin(x)*cos(x)*x", "x*cos(x)*sin(x)*exp(x)"], "x*cos(x)*exp(x)*sin(x)"),
    (["omega3*(beta3 - y)*omega1", "(beta3 - y)*omega1*omega3"], "(beta3 - y)*omega1*omega3"),
    (["y - 1 + x", "-1 + x + y", "x + (y - 1)"], "x + y - 1"),
  ])
  func orderIsDeterministic(sources: [String], expected: String) throws {
    for source in sources {
      let formula = try Formula(parsing: source)
      #expect(formula.plain(formula.simplified(formula.root)) == expected, "from \(source)")
    }
  }

  /// Equal canonical forms are the same node, so a difference of reordered copies is zero.
  @Test(arguments: [
    ("y*x + sin(b) + a", "a + sin(b) + x*y"),
    ("(x + 1)^2*y", "y*(1 + x)*(x + 1)"),
    ("x/y/z", "x/(z*y)"),
    ("2*x + 3*x - x", "4*x"),
  ])
  func reorderedCopiesCancel(left: String, right: String) throws {
    let formula = try Formula(parsing: "f = \(left)\ng = \(right)\nd = f - g")
    let f = try #require(formula.definitions["f"])
    let g = try #require(formula.definitions["g"])
    #expect(formula.simplified(f) == formula.simplified(g))
    #expect(formula.plain(formula.simplified(formula.root)) == "0")
  }

  @Test func simplifyingTwiceChangesNothing() throws {
    let formula = try Formula(parsing: Models.toyASCII)
    for id in formula.gradient(withRespectTo: Models.toyParameters) {
      let once = formula.simplified(id)
      #expect(formula.simplified(once) == once)
    }
  }

  @Test func rulesAppliedAreRecorded() throws {
    let formula = try Formula(parsing: "2*x + 3*x")
    var canonical = CanonicalForm(graph: formula.graph)
    _ = canonical.simplify(formula.root)
    #expect(canonical.rulesApplied.contains(.likeTerms))
    #expect(!canonical.rulesApplied.contains(.powerOfPower))
  }

  // MARK: The toy model

  @Test func toyDerivativeByOmegaZeroIsTheTextbookProduct() throws {
    let formula = try Formula(parsing: Models.toyUnicode)
    let d = formula.gradient(withRespectTo: ["omega0"])[0]
    #expect(
      formula.unicode(formula.simplified(d))
        == "−2·(β₃ + ω₃·cos(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x))) − y)·ω₁·ω₂·ω₃·x·cos(β₀ + ω₀·x)·exp(β₁ + ω₁·sin(β₀ + ω₀·x))·sin(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x)))"
    )
  }

  @Test(arguments: [
    ("beta3", "2·(β₃ + ω₃·cos(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x))) − y)"),
    (
      "omega3",
      "2·(β₃ + ω₃·cos(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x))) − y)·cos(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x)))"
    ),
    (
      "beta2",
      "−2·(β₃ + ω₃·cos(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x))) − y)·ω₃·sin(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x)))"
    ),
  ])
  func toyOuterDerivatives(variable: String, expected: String) throws {
    let formula = try Formula(parsing: Models.toyASCII)
    let d = formula.gradient(withRespectTo: [variable])[0]
    #expect(formula.unicode(formula.simplified(d)) == expected)
  }

  @Test func toyPartialsAreAsShortAsSymPys() throws {
    for source in [Models.toyASCII, Models.toyUnicode, Models.toySteps] {
      let formula = try Formula(parsing: source)
      let counts = formula.gradient(withRespectTo: Models.toyParameters).map {
        operationCount(ofPlain: formula.plain(formula.simplified($0)))
      }
      // SymPy's count_ops over the eight simplified partials.
      #expect(counts.reduce(0, +) <= 242, "operation counts \(counts)")
    }
  }

  @Test(arguments: [
    ("x", 0),
    ("a - b", 1),
    ("-a", 1),
    ("a/b", 1),
    ("2*x + 3", 2),
    ("sin(x)^2", 2),
    ("1e-05*x", 1),
    ("exp(-2.5e+10*x)", 3),
  ])
  func operationCountsOfPrintedText(plain: String, expected: Int) throws {
    #expect(operationCount(ofPlain: plain) == expected)
    // The structural count of the parsed formula, printed back, is the same.
    let formula = try Formula(parsing: plain)
    #expect(formula.graph.printedOperationCount(formula.root) == operationCount(ofPlain: formula.plain(formula.root)))
  }

  /// Fuzzing found that collecting terms could multiply or add coefficients past the largest
  /// `Double` and print `inf`. Such a sum keeps its terms as they came; its value is unchanged.
  @Test(arguments: [
    ("1e200*(1e200*x + y) + z", "1e+200*(1e+200*x + y) + z"),
    ("1e308*x + 1e308*x", "1e+308*x + 1e+308*x"),
  ])
  func coefficientsThatOverflowStayApart(source: String, expected: String) throws {
    let formula = try Formula(parsing: source)
    let simplified = formula.plain(formula.simplified(formula.root))
    #expect(simplified == expected)
    #expect(!simplified.contains("inf"))
    for derivative in formula.gradient(withRespectTo: formula.variables) {
      #expect(!formula.plain(formula.simplified(derivative)).contains("inf"))
    }
  }
}

/// Simplification keeps the formula's domain: powers with fractional exponents combine only
/// into a power that is undefined where they are (a negative base needs a whole exponent).
@Suite struct DomainKeepingTests {
  @Test(arguments: [
    ("(x^0.5)^2", "(x^0.5)^2"),
    ("x^0.5*x^0.5", "x^0.5*x^0.5"),
    ("x^1.5/x^0.5", "x^1.5/x^0.5"),
    ("(x^(1/3))^3", "(x^(1/3))^3"),
    ("x^y*x^(2 - y)", "x^(2 - y)*x^y"),
  ])
  func fractionalPowersKeepTheirDomain(source: String, printed: String) throws {
    let formula = try Formula(parsing: source)
    let simple = formula.simplified(formula.root)
    #expect(formula.plain(simple) == printed)
    // No value at x = −8 (y = 0.5), as the formula has none; the same value at x = 2.
    #expect(throws: EvaluationError.self) { try formula.value(simple, at: ["x": -8, "y": 0.5]) }
    #expect(
      abs(try formula.value(simple, at: ["x": 2, "y": 0.5]) - formula.value(formula.root, at: ["x": 2, "y": 0.5]))
        < 1e-12)
  }

  @Test(arguments: [
    ("x^2*x^0.5", "x^2.5"),
    ("(x^0.5)^3", "x^1.5"),
    ("x*x", "x^2"),
    ("x/x", "1"),
    ("exp(x)^0.5*exp(x)^0.5", "exp(x)"),
    ("sigmoid(x)^0.5*sigmoid(x)^1.5", "sigmoid(x)^2"),
  ])
  func powersThatKeepTheDomainCombine(source: String, printed: String) throws {
    let formula = try Formula(parsing: source)
    #expect(formula.plain(formula.simplified(formula.root)) == printed)
  }
}
