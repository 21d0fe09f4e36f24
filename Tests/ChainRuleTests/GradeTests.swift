import ChainRule
import Foundation
import Testing

@testable import ChainRuleBackprop
@testable import ChainRuleRender

/// A learner's answer and what grading it must say.
struct WrongAnswer: CustomTestStringConvertible, Sendable {
  let formula: String
  let variable: String
  let answer: String
  let kind: GradeDiagnosis.Kind
  /// The whole diagnosis sentence, as `--format plain` prints it.
  let message: String
  /// The rule of `diff --steps` where the answer departs, and the slip there; nil when none is named.
  let departure: (rule: String, mistake: String)?

  init(
    _ formula: String, _ variable: String, _ answer: String, _ kind: GradeDiagnosis.Kind, _ message: String,
    at departure: (rule: String, mistake: String)? = nil
  ) {
    self.formula = formula
    self.variable = variable
    self.answer = answer
    self.kind = kind
    self.message = message
    self.departure = departure
  }

  var testDescription: String { "d/d\(variable) \(formula) ≠ \(answer)" }
}

/// Grading: deliberately wrong answers with the diagnosis each must get, right answers in other
/// forms that must be accepted, lines of the backward pass, and the answer reader.
@Suite struct GradeTests {
  static func grade(_ formula: String, _ variable: String, _ answer: String) throws -> FormulaGrade {
    let grader = Grader(formula: try Formula(parsing: formula))
    return grader.grade(try Answer(parsing: answer), withRespectTo: variable)
  }

  static let wrongAnswers: [WrongAnswer] = [
    // The chain rule
    WrongAnswer(
      "sin(x^2)", "x", "cos(x^2)", .missingInnerDerivative,
      "your answer lacks the factor 2*x (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    WrongAnswer(
      "cos(3*x)", "x", "-sin(3*x)", .missingInnerDerivative,
      "your answer lacks the factor 3 (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    WrongAnswer(
      "exp(2*x)", "x", "exp(2*x)", .missingInnerDerivative,
      "your answer lacks the factor 2 (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    WrongAnswer(
      "log(x^2 + 1)", "x", "1/(x^2 + 1)", .missingInnerDerivative,
      "your answer lacks the factor 2*x (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    WrongAnswer(
      "tanh(w*x)", "w", "1 - tanh(w*x)^2", .missingInnerDerivative,
      "your answer lacks the factor x (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    WrongAnswer(
      "sigmoid(w*x)", "w", "sigmoid(w*x)*(1 - sigmoid(w*x))", .missingInnerDerivative,
      "your answer lacks the factor x (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    WrongAnswer(
      "sin(cos(x))", "x", "cos(cos(x))", .missingInnerDerivative,
      "your answer lacks the factor -sin(x) (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    WrongAnswer(
      "sin(x)^2", "x", "2*sin(x)", .missingInnerDerivative,
      "your answer lacks the factor cos(x) (the chain rule's inner derivative)",
      at: ("power rule", "dropped-inner-derivative")),
    WrongAnswer(
      "(x^2 + 1)^3", "x", "3*(x^2 + 1)^2", .missingInnerDerivative,
      "your answer lacks the factor 2*x (the chain rule's inner derivative)",
      at: ("power rule", "dropped-inner-derivative")),
    WrongAnswer(
      "(w*x + b - y)^2", "w", "2*(w*x + b - y)", .missingInnerDerivative,
      "your answer lacks the factor x (the chain rule's inner derivative)",
      at: ("power rule", "dropped-inner-derivative")),
    WrongAnswer(
      "x + sin(x^2)", "x", "1 + cos(x^2)", .missingInnerDerivative,
      "one term of your answer lacks the factor 2*x (the chain rule's inner derivative)",
      at: ("chain rule", "dropped-inner-derivative")),
    // The toy model: a layer of the chain skipped (the issue's own example).
    WrongAnswer(
      toyModelSteps, "omega0", "2*(f3 - y)*omega3*(-sin(f2))*omega2*h2*x", .missingInnerDerivative,
      "your answer lacks the factor omega1*cos(f0) (the chain rule's inner derivative)",
      at: ("chain rule", "skipped-inner-function")),
    // Signs
    WrongAnswer(
      "cos(3*x)", "x", "3*sin(3*x)", .wrongSign, "your answer has the wrong sign", at: ("chain rule", "flipped-sign")),
    WrongAnswer("sin(x^2)", "x", "-2*x*cos(x^2)", .wrongSign, "your answer has the wrong sign"),
    WrongAnswer(
      "(w*x + b - y)^2", "y", "2*(w*x + b - y)", .wrongSign, "your answer has the wrong sign",
      at: ("power rule", "dropped-inner-derivative")),
    WrongAnswer(
      "sin(x) - x^3", "x", "cos(x) + 3*x^2", .wrongSignOfTerm, "the term -3*x^2 has the wrong sign in your answer",
      at: ("sum rule", "flipped-term-sign")),
    WrongAnswer(
      "x^2*sin(x)", "x", "2*x*sin(x) - x^2*cos(x)", .wrongSignOfTerm,
      "the term x^2*cos(x) has the wrong sign in your answer", at: ("product rule", "flipped-term-sign")),
    WrongAnswer(
      "sin(x)/x", "x", "(x*cos(x) + sin(x))/x^2", .wrongSignOfTerm,
      "the term -sin(x)/x^2 has the wrong sign in your answer", at: ("quotient rule", "flipped-term-sign")),
    // Constant factors: the power rule's exponent
    WrongAnswer(
      "x^3", "x", "x^2", .constantFactor, "your answer lacks the factor 3 (the derivative is 3 times your answer)",
      at: ("power rule", "dropped-exponent")),
    WrongAnswer(
      "sin(x^2)", "x", "x*cos(x^2)", .constantFactor,
      "your answer lacks the factor 2 (the derivative is 2 times your answer)", at: ("power rule", "dropped-exponent")),
    WrongAnswer(
      "(w*x + b - y)^2", "w", "(w*x + b - y)*x", .constantFactor,
      "your answer lacks the factor 2 (the derivative is 2 times your answer)", at: ("power rule", "dropped-exponent")),
    WrongAnswer(
      "x^3", "x", "6*x^2", .constantFactor, "your answer has an extra factor 2 (it is 2 times the derivative)"),
    WrongAnswer(
      "sqrt(x)", "x", "1/sqrt(x)", .constantFactor, "your answer has an extra factor 2 (it is 2 times the derivative)"),
    WrongAnswer(
      "x*exp(-x^2)", "x", "exp(-x^2) - x^2*exp(-x^2)", .missingFactor, "one term of your answer lacks the factor 2",
      at: ("power rule", "dropped-exponent")),
    // Missing and extra factors
    WrongAnswer("log(x^2 + 1)", "x", "2*x/(x^2 + 1)^2", .missingFactor, "your answer lacks the factor 1 + x^2"),
    WrongAnswer(
      "x^2*y^3", "y", "x^2*y^2", .constantFactor,
      "your answer lacks the factor 3 (the derivative is 3 times your answer)", at: ("power rule", "dropped-exponent")),
    WrongAnswer(
      "exp(a*x)*b", "x", "exp(a*x)*a", .missingFactor, "your answer lacks the factor b",
      at: ("constant factor", "dropped-constant-factor")),
    WrongAnswer("sin(x)*y", "x", "cos(x)*y^2", .extraFactor, "your answer has an extra factor y"),
    // Terms of the sum and product rules
    WrongAnswer(
      "x^2*sin(x)", "x", "2*x*sin(x)", .missingTerm, "your answer lacks the term x^2*cos(x)",
      at: ("product rule", "dropped-term")),
    WrongAnswer(
      "x^2*sin(x)", "x", "x^2*cos(x)", .missingTerm, "your answer lacks the term 2*x*sin(x)",
      at: ("product rule", "dropped-term")),
    WrongAnswer(
      "sin(x) + x^3", "x", "cos(x)", .missingTerm, "your answer lacks the term 3*x^2", at: ("sum rule", "dropped-term")),
    WrongAnswer(
      "sin(x)/x", "x", "cos(x)/x", .missingTerm, "your answer lacks the term -sin(x)/x^2",
      at: ("quotient rule", "dropped-term")),
    WrongAnswer("w*x + b", "w", "x + 1", .extraTerm, "your answer has an extra term 1"),
    WrongAnswer("x^2 + y^2", "x", "2*x + 2*y", .extraTerm, "your answer has an extra term 2*y"),
    // Rules in a wrong shape
    WrongAnswer(
      "x^2*sin(x)", "x", "2*x*cos(x)", .wrongRule, "your answer applies a rule in the wrong form",
      at: ("product rule", "product-of-derivatives")),
    WrongAnswer(
      "sin(x)/x", "x", "cos(x)", .wrongRule, "your answer applies a rule in the wrong form",
      at: ("quotient rule", "quotient-of-derivatives")),
    WrongAnswer(
      "sin(x)/x", "x", "(x*cos(x) - sin(x))/x", .wrongRule, "your answer applies a rule in the wrong form",
      at: ("quotient rule", "denominator-not-squared")),
    WrongAnswer(
      "x^3", "x", "3*x^3", .wrongRule, "your answer applies a rule in the wrong form",
      at: ("power rule", "exponent-not-lowered")),
    WrongAnswer(
      "sin(x)", "x", "sin(x)", .wrongFunctionDerivative, "your answer has a function where its derivative belongs",
      at: ("function rule", "function-for-derivative")),
    WrongAnswer(
      "sin(x^2)", "x", "2*x*sin(x^2)", .wrongFunctionDerivative,
      "your answer has a function where its derivative belongs", at: ("chain rule", "function-for-derivative")),
    // Other mistakes
    WrongAnswer("x*y", "x", "x", .wrongVariable, "your answer is dl/dy, not dl/dx"),
    WrongAnswer("(w*x + b - y)^2", "b", "2*(w*x + b - y)*x", .wrongVariable, "your answer is dl/dw, not dl/db"),
    WrongAnswer(
      "x^2", "x", "z*x", .unknownName, "your answer uses 'z', which the formula does not have; did you mean 'x'?"),
    WrongAnswer(
      "x^2", "x", "log(-1 - x^2)", .undefined, "your answer has no value at any point where the derivative has one"),
    WrongAnswer("exp(sin(x))", "x", "exp(cos(x))", .different, "your answer is not the derivative"),
  ]

  static let toyModelSteps = """
    f0 = beta0 + omega0*x
    h1 = sin(f0)
    f1 = beta1 + omega1*h1
    h2 = exp(f1)
    f2 = beta2 + omega2*h2
    h3 = cos(f2)
    f3 = beta3 + omega3*h3
    l = (f3 - y)^2
    """

  @Test(arguments: wrongAnswers)
  func wrongAnswerIsDiagnosed(_ case_: WrongAnswer) throws {
    let grade = try Self.grade(case_.formula, case_.variable, case_.answer)
    #expect(!grade.isCorrect)
    #expect(grade.diagnosis.kind == case_.kind)
    #expect(GradeRenderer(notation: .plain).message(grade) == case_.message)
    let departure = grade.diagnosis.departure
    if let expected = case_.departure {
      let line = try #require(departure.map { grade.derivation.lines[$0.lineIndex] }, "no departure found")
      #expect(line.rule.rawValue == expected.rule)
      #expect(departure?.mistake.name == expected.mistake)
    } else {
      #expect(departure == nil, "departure \(departure.map { "\($0.mistake.name)" } ?? "")")
    }
  }

  @Test func thereAreAtLeastThirtyWrongAnswersCoveringEveryKind() {
    #expect(Self.wrongAnswers.count >= 30)
    let kinds = Set(Self.wrongAnswers.map(\.kind))
    let formulaKinds = GradeDiagnosis.Kind.allCases.filter { $0 != .correct && $0 != .wrongAdjoint }
    #expect(formulaKinds.allSatisfy { kinds.contains($0) }, "\(formulaKinds.filter { !kinds.contains($0) })")
  }

  /// The departure names the rule of `diff --steps` and says what went wrong there.
  @Test func departureIsPrintedWithTheLineOfTheDerivation() throws {
    let grade = try Self.grade("sin(x^2)", "x", "cos(x^2)")
    let text = GradeRenderer(notation: .unicode).text(grade)
    #expect(text.contains("it departs from 'chainrule diff --steps' at rule 1 of 3:\n"))
    #expect(text.contains("    chain rule:  d/dx sin(u₁) = cos(u₁)·du₁/dx   with u₁ = x²\n"))
    #expect(text.contains("    the inner derivative du₁/dx is left out\n"))
    #expect(text.contains("  the derivative:  2·x·cos(x²)\n"))
  }

  static let rightAnswers: [(formula: String, variable: String, answer: String, agreement: SymbolicAgreement)] = [
    ("x^2*sin(x)", "x", "2*x*sin(x) + x^2*cos(x)", .identical),
    ("x^2*sin(x)", "x", "x^2*cos(x) + 2*x*sin(x)", .identical),  // reordered
    ("x^2*sin(x)", "x", "x*(2*sin(x) + x*cos(x))", .afterExpansion),  // factored
    ("x^2*sin(x)", "x", "sin(x)*2*x + cos(x)*x*x", .identical),
    ("x^2*sin(x)", "x", #"\frac{\partial \ell}{\partial x} = 2x\sin(x) + x^{2}\cos(x)"#, .identical),
    ("(x + 1)^2", "x", "2*x + 2", .afterExpansion),  // expanded
    ("x^3 - 3*x", "x", "3*(x - 1)*(x + 1)", .afterExpansion),
    ("sin(x)^2", "x", "sin(2*x)", .none),  // an identity: the numbers decide
    ("tanh(x)", "x", "1/cosh(x)^2", .none),
    ("f = w*x + b; l = (f - y)^2", "w", "2*(f - y)*x", .identical),  // a step name
    ("f = w*x + b; l = (f - y)^2", "w", "dl/dw = 2*x*(w*x + b - y)", .identical),
    ("log(x)", "x", "1/x", .identical),  // half the points are outside the domain
    ("exp(x)/x", "x", "exp(x)*(x - 1)/x^2", .afterExpansion),
    ("sin(x^2)", "x", "∂ℓ/∂x = 2·x·cos(x^2)", .identical),
    ("sigmoid(w*x)", "w", "x*sigmoid(w*x)*(1 - sigmoid(w*x))", .identical),
    ("sqrt(x^2 + 1)", "x", "x/sqrt(x^2 + 1)", .identical),
    (toyModelSteps, "omega0", "2*(f3 - y)*omega3*(-sin(f2))*omega2*h2*omega1*cos(f0)*x", .identical),
    (
      "(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)^2", "beta3",
      "2*(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)", .identical
    ),
  ]

  @Test(arguments: rightAnswers.indices)
  func rightAnswerInAnotherFormIsAccepted(_ index: Int) throws {
    let (formula, variable, answer, agreement) = Self.rightAnswers[index]
    let grade = try Self.grade(formula, variable, answer)
    #expect(grade.isCorrect, "\(GradeRenderer(notation: .plain).text(grade))")
    #expect(grade.symbolic == agreement)
    let comparison = try #require(grade.comparison)
    #expect(comparison.agrees)
    #expect(comparison.indices.count == GradeSettings().pointCount)
  }

  /// The points are seeded: the same seed, the same points; another seed, others.
  @Test func pointsAreSeeded() throws {
    let formula = try Formula(parsing: "log(x)*y")
    let a = Grader(formula: formula).points.points
    let b = Grader(formula: formula).points.points
    var settings = GradeSettings()
    settings.seed = 2
    let c = Grader(formula: formula, settings: settings).points.points
    #expect(a == b)
    #expect(a != c)
    #expect(a.count == 20)
    #expect(a.allSatisfy { ($0["x"] ?? 0) > 0 })
  }

  static let headers: [(text: String, function: String, variable: String)] = [
    ("dl/dw", "l", "w"), ("d l/d w", "l", "w"), ("d l / d w", "l", "w"), ("∂ℓ/∂ω₀", "l", "omega0"),
    (#"\frac{\partial \ell}{\partial \omega_0}"#, "l", "omega0"), (#"\frac{d\ell}{d\omega_{0}}"#, "l", "omega0"),
    (#"\partial\ell/\partial\beta_3"#, "l", "beta3"), ("dE/dnet_h1", "E", "net_h1"), ("df/dbeta_0", "f", "beta0"),
  ]

  @Test(arguments: headers.indices)
  func headerIsRead(_ index: Int) throws {
    let (text, function, variable) = Self.headers[index]
    let header = try #require(DerivativeHeader(reading: text))
    #expect(header == DerivativeHeader(function: function, variable: variable))
  }

  @Test(arguments: ["dl", "l/w", "grad", "d/dx", "dl/dw + 1"])
  func nonHeaderIsNotRead(_ text: String) {
    #expect(DerivativeHeader(reading: text) == nil)
  }

  @Test func unreadableHeaderAndParseErrorsAreReported() {
    #expect(throws: AnswerError.self) { try Answer(parsing: "grad = 2*x") }
    #expect(throws: AnswerError.self) { try Answer(parsing: "dl/dx = ") }
    do {
      _ = try Answer(parsing: "dl/dx = 2*(x")
      Issue.record("no error")
    } catch {
      guard case .parse(let diagnostic) = error else {
        Issue.record("\(error)")
        return
      }
      // The span points into the whole line: the bracket after `dl/dx = 2*`.
      #expect(diagnostic.span.start == 10)
    }
  }

  /// A file of answers: the `d…/d… = …` lines are answers, the rest is the formula.
  @Test func answerSheetSplitsFormulaFromAnswers() throws {
    let text = "f = w*x + b\nl = (f - y)^2\n# answers\ndl/dw = 2*(f - y)*x\n∂ℓ/∂b = 2*(f - y)\n"
    let sheet = AnswerSheet(text)
    #expect(sheet.answerRanges.map { String(text[$0]) } == ["dl/dw = 2*(f - y)*x", "∂ℓ/∂b = 2*(f - y)"])
    let formula = try Formula(parsing: sheet.formulaSource)
    #expect(formula.variables == ["w", "x", "b", "y"])
    #expect(sheet.formulaSource.utf8.count == text.utf8.count)
    // CRLF line endings ("\r\n" is one Character) split the same way.
    let crlf = AnswerSheet(text.replacingOccurrences(of: "\n", with: "\r\n"))
    #expect(crlf.answerRanges.count == 2)
    #expect(try Formula(parsing: crlf.formulaSource).variables == ["w", "x", "b", "y"])
  }

  // MARK: Backward-pass lines

  static let toyPoint: [String: Double] = [
    "beta0": 1, "beta1": 2, "beta2": -3, "beta3": 0.4, "omega0": 0.1, "omega1": -0.4, "omega2": 2, "omega3": 3,
    "x": 2.3, "y": 2,
  ]

  static let traceLines: [(line: String, kind: GradeDiagnosis.Kind, message: String)] = [
    ("dl/df2 = -sin(f2)*dl/dh3", .correct, "right"),
    ("∂ℓ/∂f₂ = −sin(β₂ + ω₂·h₂)·∂ℓ/∂h₃", .correct, "right"),
    (#"\frac{\partial \ell}{\partial f_2} = -\sin(f_2) \frac{\partial \ell}{\partial h_3}"#, .correct, "right"),
    ("dl/domega0 = x*dl/df0", .correct, "right"),
    ("dl/dh1 = omega1*dl/df1", .correct, "right"),
    ("dl/df2 = sin(f2)*dl/dh3", .wrongSign, "your line has the wrong sign"),
    ("dl/df2 = -sin(f2)", .missingFactor, "your line lacks the factor dl/dh3 of the contribution -sin(f2)*dl/dh3"),
    ("dl/df2 = dl/dh3", .missingFactor, "your line lacks the factor -sin(f2) of the contribution -sin(f2)*dl/dh3"),
    ("dl/df2 = -sin(f2)*dl/df3", .wrongAdjoint, "your line uses dl/df3 where dl/dh3 belongs"),
    (
      "dl/df2 = h3*dl/dh3", .wrongFunctionDerivative,
      "your line multiplies by the step's value h3 where its local derivative -sin(f2) belongs"
    ),
    (
      "dl/df2 = -sin(f2)*dl/df1", .wrongAdjoint,
      "your line uses dl/df1, which is not known yet when dl/df2 is computed (the backward pass goes from the last step to the first)"
    ),
    ("dl/df2 = -2*sin(f2)*dl/dh3", .constantFactor, "your line has an extra factor 2 (it is 2 times the derivative)"),
  ]

  @Test(arguments: traceLines.indices)
  func backwardPassLineIsGraded(_ index: Int) throws {
    let (line, kind, message) = Self.traceLines[index]
    let grader = try TraceGrader(
      formula: try Formula(parsing: Self.toyModelSteps), dataNames: ["x", "y"], point: Self.toyPoint)
    let grade = try grader.grade(try Answer(parsing: line, adjoints: grader.adjointNames))
    #expect(grade.diagnosis.kind == kind)
    #expect(GradeRenderer(notation: .plain).message(grade) == message)
    #expect(grade.isCorrect == (kind == .correct))
  }

  /// A line with two contributions (a step used twice): leaving one out is a missing term.
  @Test func missingContributionOfAStepUsedTwice() throws {
    let formula = try Formula(parsing: "u = w*x + b\nh = tanh(u)\np = sigmoid(h)\nq = w*h\nl = (p + q - y)^2")
    let grader = try TraceGrader(formula: formula, dataNames: ["x", "y"])
    let right = try grader.grade(
      try Answer(parsing: "dl/dh = p*(1 - p)*dl/dp + w*dl/dq", adjoints: grader.adjointNames))
    #expect(right.isCorrect, "\(GradeRenderer(notation: .plain).text(right))")
    let wrong = try grader.grade(try Answer(parsing: "dl/dh = w*dl/dq", adjoints: grader.adjointNames))
    #expect(wrong.diagnosis.kind == .missingTerm)
    #expect(
      GradeRenderer(notation: .plain).message(wrong)
        == "your line lacks the contribution (1 - p)*p*dl/dp (h is used by p)")
  }
}

/// Answers that must not hang or mislead.
@Suite struct GradeRobustnessTests {
  /// A product of thirty sums would expand into 2³⁰ terms: compared unexpanded, and a ratio of
  /// tiny values is not taken for a constant.
  @Test func productOfManySumsIsNotExpanded() throws {
    let answer = (1...30).map { "(x + \($0))" }.joined(separator: "*")
    let grade = try GradeTests.grade("x^2", "x", answer)
    #expect(grade.diagnosis.kind == .different)
  }

  @Test func zeroAnswersAndZeroDerivatives() throws {
    let zero = try GradeTests.grade("x^2", "x", "0")
    #expect(GradeRenderer(notation: .plain).message(zero) == "your answer is 0, but the derivative is not")
    let independent = try GradeTests.grade("x^2", "y", "1")
    #expect(!independent.isCorrect)
    #expect(GradeRenderer(notation: .plain).message(independent) == "l does not depend on y, so its derivative is 0")
    #expect(try GradeTests.grade("x^2", "y", "0").isCorrect)
  }

  @Test func adjointNotationWithoutTraceGetsAHint() throws {
    let grade = try GradeTests.grade("x^2", "x", "dl/dh3*2")
    #expect(grade.diagnosis.kind == .unknownName)
    #expect(
      GradeRenderer(notation: .plain).message(grade).hasSuffix(
        "(to check a line of the backward pass with dl/d… in it, add --trace)"))
  }
}
