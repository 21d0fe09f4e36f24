import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Words a grade: the verdict, what is wrong and where, the numbers it rests on; as text
/// (plain or Unicode) or JSON.
///
/// ```
/// ∂ℓ/∂x = cos(x²): wrong
///   your answer lacks the factor 2·x, an inner derivative of the chain rule
///   it departs from 'chainrule diff --steps' at rule 1 of 3:
///     chain rule:  d/dx sin(u₁) = cos(u₁)·du₁/dx   with u₁ = x²
///     the inner derivative du₁/dx is left out
/// ```
public struct GradeRenderer {
  /// Plain or Unicode (LaTeX is printed as plain).
  public let notation: Notation
  /// Whether the text shows the true derivative (off for feedback that must not give it away).
  public var showSolution = true

  public init(notation: Notation) {
    self.notation = notation == .latex ? .plain : notation
  }

  // MARK: Formula answers

  /// The diagnosis in one sentence: `your answer lacks the factor 2·x, …`, or `right`.
  public func message(_ grade: FormulaGrade) -> String {
    let d = grade.diagnosis
    let printed = d.expression.map { expressionText(grade.inDefinedNames($0), grade.graph) }
    let own = notation.partial(of: grade.formula.resultName, withRespectTo: grade.variable)
    let graph = grade.graph
    if d.kind != .correct && d.kind != .unknownName && d.kind != .undefined {
      if graph.numberValue(grade.derivative) == 0 {
        let function = notation.name(grade.formula.resultName)
        return "\(function) does not depend on \(notation.name(grade.variable)), so its derivative is 0"
      }
      if graph.numberValue(grade.answerNode) == 0 { return "your answer is 0, but the derivative is not" }
    }
    switch d.kind {
    case .unknownName:
      var text = "your answer uses " + names(d.names) + ", which the formula does not have"
      let candidates = grade.formula.variables + grade.formula.program.definitions.compactMap(\.name)
      if d.names.count == 1, let near = Suggestion.closest(to: d.names[0], among: candidates) {
        text += "; did you mean '\(notation.name(near))'?"
      }
      if grade.answer.text.contains("/d") || grade.answer.text.contains("∂") || grade.answer.text.contains("\\partial")
      {
        text += " (to check a line of the backward pass with \(spelled("∂ℓ/∂…", "dl/d…")) in it, add --trace)"
      }
      return text
    case .wrongVariable:
      let other = notation.partial(of: grade.formula.resultName, withRespectTo: d.names.first ?? "")
      return "your answer is \(other), not \(own)"
    default:
      return sentence(d, printed: printed, isLine: false)
    }
  }

  /// The sentence for kinds shared by formula answers and backward-pass lines.
  private func sentence(_ d: GradeDiagnosis, printed: String?, isLine: Bool) -> String {
    let yours = isLine ? "your line" : "your answer"
    switch d.kind {
    case .correct: return "right"
    case .unknownName: return "\(yours) uses " + names(d.names) + ", which the formula does not have"
    case .undefined: return "\(yours) has no value at any point where the derivative has one"
    case .wrongVariable: return "\(yours) is the derivative by \(names(d.names))"
    case .wrongSign: return "\(yours) has the wrong sign"
    case .constantFactor:
      let c = d.constant ?? 1
      if Swift.abs(c) >= 1 {
        return "\(yours) lacks the factor \(constantText(c)) (the derivative is \(constantText(c)) times \(yours))"
      }
      return "\(yours) has an extra factor \(constantText(1 / c)) (it is \(constantText(1 / c)) times the derivative)"
    case .missingFactor:
      return (d.isLocal ? "one term of \(yours)" : yours) + " lacks the factor " + (printed ?? "?")
    case .extraFactor: return "\(yours) has an extra factor " + (printed ?? "?")
    case .missingInnerDerivative:
      guard let printed else { return "\(yours) lacks an inner derivative of the chain rule" }
      return (d.isLocal ? "one term of \(yours)" : yours)
        + " lacks the factor \(printed) (the chain rule's inner derivative)"
    case .missingTerm:
      guard let printed else { return "\(yours) lacks a term" }
      return "\(yours) lacks the term \(printed)"
    case .extraTerm: return "\(yours) has an extra term " + (printed ?? "")
    case .wrongSignOfTerm:
      guard let printed else { return "one term of \(yours) has the wrong sign" }
      return "the term \(printed) has the wrong sign in \(yours)"
    case .wrongFunctionDerivative: return "\(yours) has a function where its derivative belongs"
    case .wrongRule: return "\(yours) applies a rule in the wrong form"
    case .wrongAdjoint: return "\(yours) reuses the wrong adjoint"
    case .different:
      guard let printed else { return "\(yours) is not the derivative" }
      return
        "\(yours) is not the derivative: it differs from it by \(printed) (derivative − \(isLine ? "line" : "answer"))"
    }
  }

  /// Where the answer departs from the derivation: the rule's line and what went wrong there.
  public func departure(_ grade: FormulaGrade) -> (heading: String, line: String, slip: String)? {
    guard let departure = grade.diagnosis.departure else { return nil }
    let derivation = grade.derivation
    guard departure.lineIndex < derivation.lines.count else { return nil }
    let renderer = DerivationRenderer(
      derivation: derivation, notation: notation, functionName: grade.formula.resultName)
    let row = renderer.rows[departure.lineIndex]
    let line = derivation.lines[departure.lineIndex]
    var text = row.rule + ":  " + row.equation
    let used = Set(grade.graph.symbols(in: line.target))
    let inner = derivation.innerFunctions.filter { used.contains($0.name) }
    if !inner.isEmpty {
      let printer = ExpressionPrinter(graph: grade.graph, notation: notation, brackets: .round)
      text +=
        "   with "
        + inner.map { notation.name($0.name) + " = " + printer.string($0.expression) }.joined(separator: ", ")
    }
    let heading =
      "it departs from 'chainrule diff --steps' at rule \(departure.lineIndex + 1) of \(derivation.lines.count):"
    return (heading, text, slip(departure.mistake, line, renderer))
  }

  /// What went wrong at a line, in words.
  private func slip(_ mistake: RuleMistake, _ line: DerivationLine, _ renderer: DerivationRenderer) -> String {
    let rule = line.functionRule.map { renderer.functionRuleText($0.function) }
    let printer = ExpressionPrinter(graph: renderer.derivation.graph, notation: notation, brackets: .round)
    switch mistake {
    case .droppedInnerDerivative(let inner):
      return "the inner derivative \(renderer.derivativeText(inner)) is left out"
    case .skippedInnerFunction(let inner, let deeper):
      return
        "\(renderer.derivativeText(deeper)) stands where \(renderer.derivativeText(inner)) belongs: a layer of the chain is skipped"
    case .flippedSign: return "the sign is lost" + (rule.map { ": \($0)" } ?? "")
    case .functionForDerivative:
      return "the function stands where its derivative belongs" + (rule.map { ": \($0)" } ?? "")
    case .droppedTerm(let index):
      return "the term " + termText(line, index, renderer) + " is left out"
    case .flippedTermSign(let index):
      return "the term " + termText(line, index, renderer) + " has the wrong sign"
    case .droppedConstantFactor(let c): return "the constant factor \(printer.string(c)) is left out"
    case .droppedExponent(let n):
      return "the exponent \(printer.string(n)) in front is left out: "
        + spelled("d/du uⁿ = n·uⁿ⁻¹", "d/du u^n = n*u^(n-1)")
    case .exponentNotLowered:
      return "the exponent is not lowered: " + spelled("d/du uⁿ = n·uⁿ⁻¹, not n·uⁿ", "d/du u^n = n*u^(n-1), not n*u^n")
    case .productOfDerivatives:
      return "the derivative of a product is not the product of the derivatives: "
        + spelled("(u·v)′ = u′·v + u·v′", "(u*v)' = u'*v + u*v'")
    case .quotientOfDerivatives:
      return "the derivative of a quotient is not the quotient of the derivatives: "
        + spelled("(u/v)′ = (u′·v − u·v′)/v²", "(u/v)' = (u'*v - u*v')/v^2")
    case .denominatorNotSquared:
      return "the quotient rule divides by the square of the denominator: "
        + spelled("(u/v)′ = (u′·v − u·v′)/v²", "(u/v)' = (u'*v - u*v')/v^2")
    }
  }

  /// Term `index` of a rule's sum, as the line writes it.
  private func termText(_ line: DerivationLine, _ index: Int, _ renderer: DerivationRenderer) -> String {
    var parts: [(negative: Bool, term: DerivativeTerm)] = []
    switch line.result {
    case .sum(let p): parts = p
    case .quotient(.sum(let p), _): parts = p
    case .product(let factors):
      for factor in factors {
        if case .sum(let p) = factor { parts = p }
        if case .quotient(.sum(let p), _) = factor { parts = p }
      }
    default: break
    }
    guard index < parts.count else { return "?" }
    return renderer.text(parts[index].term)
  }

  /// The grade as text.
  public func text(_ grade: FormulaGrade) -> String {
    let lhs = notation.partial(of: grade.formula.resultName, withRespectTo: grade.variable)
    var out = "\(lhs) = \(displayed(grade.answer.text)): \(grade.isCorrect ? "right" : "wrong")\n"
    if !grade.isCorrect {
      out += "  " + message(grade) + "\n"
      if let (heading, line, slip) = departure(grade) {
        out += "  \(heading)\n    \(line)\n    \(slip)\n"
      }
    }
    let printer = ExpressionPrinter(graph: grade.graph, notation: notation, brackets: .round)
    if !grade.isCorrect && grade.diagnosis.kind != .unknownName {
      // In the formula's own step names where it has definitions: shorter, and how it was asked.
      if showSolution { out += "  the derivative:  " + printer.string(grade.inDefinedNames(grade.derivative)) + "\n" }
      out += "  your answer:     " + printer.string(grade.inDefinedNames(grade.answerNode)) + "\n"
    }
    if let comparison = grade.comparison {
      out += numbersText(comparison, grade.points, symbolic: grade.symbolic, showValues: showSolution)
    }
    return out
  }

  /// The grade as JSON.
  public func json(_ grade: FormulaGrade) -> JSONValue {
    let d = grade.diagnosis
    let plain = ExpressionPrinter(graph: grade.graph, notation: .plain, brackets: .round)
    let plainRenderer = GradeRenderer(notation: .plain)
    var departureValue = JSONValue.null
    if let (_, line, slip) = plainRenderer.departure(grade), let departure = d.departure {
      let row = grade.derivation.lines[departure.lineIndex]
      departureValue = .object([
        ("rule", .integer(departure.lineIndex + 1)), ("of", .integer(grade.derivation.lines.count)),
        ("name", .string(row.rule.rawValue)), ("line", .string(line)),
        ("mistake", .string(departure.mistake.name)), ("explanation", .string(slip)),
      ])
    }
    var fields: [(String, JSONValue)] = [
      ("function", .string(grade.formula.resultName)), ("wrt", .string(grade.variable)),
      ("answer", .string(grade.answer.text)), ("verdict", .string(grade.isCorrect ? "right" : "wrong")),
      ("kind", .string(d.kind.rawValue)), ("message", .string(plainRenderer.message(grade))),
    ]
    fields += expressionFields(d, plain.string)
    fields += [
      ("constant", .number(d.constant)), ("names", .array(d.names.map { .string($0) })),
      ("departure", departureValue),
      ("derivative", showSolution ? .string(plain.string(grade.derivative)) : .null),
      ("symbolic", .string(grade.symbolic.rawValue)),
    ]
    fields.append(("numeric", grade.comparison.map { numbersJSON($0, grade.points.points, grade.points) } ?? .null))
    return .object(fields)
  }

  /// `factor` and `term` for the kinds that name one.
  private func expressionFields(_ d: GradeDiagnosis, _ print: (NodeID) -> String) -> [(String, JSONValue)] {
    var factor = JSONValue.null
    var term = JSONValue.null
    switch d.kind {
    case .missingFactor, .extraFactor, .missingInnerDerivative:
      if let e = d.expression { factor = .string(print(e)) }
    case .constantFactor:
      if let c = d.constant { factor = .string(GradeRenderer(notation: .plain).constantText(c)) }
    case .missingTerm, .extraTerm, .wrongSignOfTerm, .different:
      if let e = d.expression { term = .string(print(e)) }
    default: break
    }
    return [("factor", factor), ("term", term)]
  }

  // MARK: Backward-pass lines

  /// The diagnosis of a backward-pass line in one sentence.
  public func message(_ grade: TraceLineGrade) -> String {
    let d = grade.diagnosis
    let contribution = d.contribution.map { grade.line.contributions[$0] }
    switch d.kind {
    case .missingTerm:
      return "your line lacks the contribution " + (contribution.map { contributionText($0, grade) } ?? "?")
        + (contribution?.consumer.map { " (\(notation.name(grade.target)) is used by \(notation.name($0)))" } ?? "")
    case .wrongSignOfTerm:
      return "the contribution " + (contribution.map { contributionText($0, grade) } ?? "?")
        + " has the wrong sign in your line"
    case .missingFactor:
      return "your line lacks the factor " + (d.expression.map { lineExpressionText($0, grade) } ?? "?")
        + (contribution.map { " of the contribution " + contributionText($0, grade) } ?? "")
    case .wrongFunctionDerivative:
      let consumer = contribution?.consumer.map(notation.name) ?? "the step"
      return "your line multiplies by the step's value \(consumer) where its local derivative "
        + (contribution.map { lineExpressionText($0.local, grade) } ?? "") + " belongs"
    case .wrongAdjoint:
      let used = notation.partial(of: grade.trace.forward.last?.step.name ?? "l", withRespectTo: d.usedAdjoint ?? "?")
      if let c = contribution, let consumer = c.consumer {
        let right = notation.partial(of: grade.trace.forward.last?.step.name ?? "l", withRespectTo: consumer)
        return "your line uses \(used) where \(right) belongs"
      }
      let own = notation.partial(of: grade.trace.forward.last?.step.name ?? "l", withRespectTo: grade.target)
      return
        "your line uses \(used), which is not known yet when \(own) is computed (the backward pass goes from the last step to the first)"
    default:
      return sentence(d, printed: d.expression.map { lineExpressionText($0, grade) }, isLine: true)
    }
  }

  private var loss: (TraceLineGrade) -> String { { $0.trace.forward.last?.step.name ?? "l" } }

  /// `local·∂ℓ/∂consumer` as the trace prints it.
  private func contributionText(_ c: Trace.Contribution, _ grade: TraceLineGrade) -> String {
    let printer = ExpressionPrinter(graph: grade.graph, notation: notation, brackets: .round)
    guard let consumer = c.consumer else { return printer.string(c.local) }
    let adjoint = notation.partial(of: loss(grade), withRespectTo: consumer)
    if grade.graph.numberValue(c.local) == 1 { return adjoint }
    return printer.factorString(c.local) + printer.times + adjoint
  }

  /// An expression of the trace's graph with its adjoint symbols printed as ∂ℓ/∂s.
  private func lineExpressionText(_ id: NodeID, _ grade: TraceLineGrade) -> String {
    var text = ExpressionPrinter(graph: grade.graph, notation: notation, brackets: .round).string(id)
    for (symbol, step) in grade.adjointSymbols.sorted(by: { $0.key.count > $1.key.count }) {
      text = text.replacingOccurrences(
        of: notation.name(symbol), with: notation.partial(of: loss(grade), withRespectTo: step))
    }
    return text
  }

  /// The line graded, as text.
  public func text(_ grade: TraceLineGrade) -> String {
    let lhs = notation.partial(of: loss(grade), withRespectTo: grade.target)
    var out = "\(lhs) = \(displayed(grade.answer.text)): \(grade.isCorrect ? "right" : "wrong")\n"
    if !grade.isCorrect { out += "  " + message(grade) + "\n" }
    let renderer = TraceRenderer(trace: grade.trace, notation: notation)
    let pass = grade.pass == 1 ? "backward pass #1" : "backward pass #2"
    if showSolution || grade.isCorrect {
      out += "  \(pass) has  \(lhs) = \(renderer.expression(of: grade.line))\n"
    }
    if !grade.isCorrect && grade.diagnosis.kind != .unknownName {
      out += "  your line:    \(lhs) = " + lineExpressionText(grade.answerNode, grade) + "\n"
    }
    if grade.pointIsGiven, let truth = grade.valuesAtTracePoint.truth {
      let point = grade.trace.point.sorted { $0.key < $1.key }
        .map { "\(notation.name($0.key)) = \(valueText($0.value))" }.joined(separator: ", ")
      let answer = grade.valuesAtTracePoint.answer.map(valueText) ?? "undefined"
      out += "  at \(point): \(grade.isCorrect ? "" : "yours = \(answer), ")\(pass) gives \(valueText(truth))\n"
    }
    if let comparison = grade.comparison {
      out += numbersText(comparison, nil, symbolic: grade.symbolic, showValues: false, inStepNames: true)
    }
    return out
  }

  /// The line graded, as JSON.
  public func json(_ grade: TraceLineGrade) -> JSONValue {
    let d = grade.diagnosis
    let plain = GradeRenderer(notation: .plain)
    var fields: [(String, JSONValue)] = [
      ("function", .string(loss(grade))), ("wrt", .string(grade.target)), ("pass", .integer(grade.pass)),
      ("answer", .string(grade.answer.text)), ("verdict", .string(grade.isCorrect ? "right" : "wrong")),
      ("kind", .string(d.kind.rawValue)), ("message", .string(plain.message(grade))),
    ]
    fields += expressionFields(d) { plain.lineExpressionText($0, grade) }
    fields += [
      ("constant", .number(d.constant)), ("names", .array(d.names.map { .string($0) })),
      ("contribution", d.contribution.map { .integer($0 + 1) } ?? .null),
      ("usedAdjoint", d.usedAdjoint.map { .string($0) } ?? .null),
      ("line", .string(TraceRenderer(trace: grade.trace, notation: .plain).expression(of: grade.line))),
      ("symbolic", .string(grade.symbolic.rawValue)),
      ("valueAtTracePoint", .number(grade.valuesAtTracePoint.truth)),
      ("answerValueAtTracePoint", .number(grade.valuesAtTracePoint.answer)),
    ]
    fields.append(("numeric", grade.comparison.map { numbersJSON($0, grade.points, nil) } ?? .null))
    return .object(fields)
  }

  // MARK: Numbers

  private func numbersText(
    _ c: ValueComparison, _ points: SamplePoints?, symbolic: SymbolicAgreement, showValues: Bool,
    inStepNames: Bool = false
  ) -> String {
    var out = ""
    let reference = inStepNames ? "the tool's line" : "the derivative"
    switch symbolic {
    case .identical: out += "  the same canonical form as \(reference)\n"
    case .afterExpansion: out += "  the same as \(reference) once products are multiplied out\n"
    case .none: if c.agrees { out += "  written differently from \(reference), but equal to it at every point\n" }
    }
    if let points, showValues, !c.agrees, let worst = c.worst, worst.position < c.indices.count {
      let point = points.points[c.indices[worst.position]]
      let at = points.variables.map { "\(notation.name($0)) = \(valueText(point[$0] ?? 0))" }.joined(separator: ", ")
      out +=
        "  at \(at): your answer = \(valueText(c.answer[worst.position])), the derivative = \(valueText(c.truth[worst.position]))\n"
    }
    let settings = points?.settings
    let range = settings.map { "every variable in [\(valueText(-$0.range)), \(valueText($0.range))], seed \($0.seed)" }
    var line = "  checked at \(c.indices.count) random point\(c.indices.count == 1 ? "" : "s")"
    if let range { line += " (\(range))" }
    if c.answerUndefined > 0 { line += ", skipping \(c.answerUndefined) where your answer is undefined" }
    line += ": worst relative error \(errorText(c.worst?.error ?? 0)), tolerance \(errorText(c.tolerance))"
    out += line + "\n"
    return out
  }

  private func numbersJSON(_ c: ValueComparison, _ all: [[String: Double]], _ points: SamplePoints?) -> JSONValue {
    var fields: [(String, JSONValue)] = []
    if let settings = points?.settings {
      fields += [("seed", .integer(Int(truncatingIfNeeded: settings.seed))), ("range", .number(settings.range))]
    }
    fields += [
      ("tolerance", .number(c.tolerance)), ("compared", .integer(c.indices.count)),
      ("skipped", .integer(c.answerUndefined)), ("worstRelativeError", .number(c.worst?.error ?? 0)),
      ("agrees", .bool(c.agrees)),
      (
        "points",
        .array(
          c.indices.map { i in
            .object(all[i].sorted { $0.key < $1.key }.map { ($0.key, JSONValue.number($0.value)) })
          })
      ),
    ]
    return .object(fields)
  }

  // MARK: Small texts

  private func names(_ list: [String]) -> String {
    list.map { "'\(notation.name($0))'" }.joined(separator: ", ")
  }

  /// `unicode` in Unicode output, `plain` in plain (ASCII) output.
  private func spelled(_ unicode: String, _ plain: String) -> String { notation == .unicode ? unicode : plain }

  /// The answer as typed; Unicode minus in Unicode output is left as the learner wrote it.
  private func displayed(_ text: String) -> String { text }

  private func expressionText(_ id: NodeID, _ graph: ExpressionGraph) -> String {
    ExpressionPrinter(graph: graph, notation: notation, brackets: .round).string(id)
  }

  /// A constant as a short fraction when it is one (`2`, `1/2`, `−3/4`), else 6 digits.
  func constantText(_ c: Double) -> String {
    for q in 1...12 {
      let p = c * Double(q)
      if Swift.abs(p - p.rounded()) <= 1e-9 * Swift.max(1, Swift.abs(p)) {
        let numerator = notation.number(p.rounded())
        return q == 1 ? numerator : "\(numerator)/\(q)"
      }
    }
    return valueText(c)
  }

  private func valueText(_ value: Double) -> String {
    ValueFormat.number(value, significantDigits: 6, notation)
  }

  private func errorText(_ value: Double) -> String {
    value == 0 ? "0" : ValueFormat.number(value, significantDigits: 2, notation)
  }
}
