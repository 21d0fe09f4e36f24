import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSyntax

/// The largest text ChainRule writes for one expression, in every format and with `--full`.
///
/// A closed form can be exponentially long when steps are reused (a chain whose every step uses
/// the one before twice doubles at each step). Every renderer asks the printer for a text's
/// length, which it knows without writing the text, and above this size states the size
/// instead of the text.
public enum OutputLimit {
  /// At most this many bytes for one expression (16 MiB).
  public static let expressionBytes = 16 << 20
  /// At most this many bytes of expressions in one report (64 MiB): writing every partial of
  /// a deep chain out in full grows with the square of its depth.
  public static let reportBytes = 64 << 20

  /// Whether `id` is small enough to write out with `printer`.
  public static func allows(_ id: NodeID, _ printer: ExpressionPrinter) -> Bool {
    printer.length(id) <= expressionBytes
  }
}

/// Writes a ``DerivativeReport`` as `chainrule diff` prints it: plain, Unicode or LaTeX text, or
/// JSON.
public struct DerivativeReportRenderer {
  public let report: DerivativeReport
  public let notation: Notation
  /// The point as the user gave it, in their order, if the report was evaluated.
  public let point: [(String, Double)]?

  public init(report: DerivativeReport, notation: Notation, point: [(String, Double)]?) {
    self.report = report
    self.notation = notation
    self.point = point
  }

  private var formula: Formula { report.formula }

  /// Whether a row is written out: small enough in operations and in bytes.
  private func isPrinted(_ row: DerivativeReport.Row, _ printer: ExpressionPrinter) -> Bool {
    !row.summarised && OutputLimit.allows(row.simplified, printer)
  }

  /// The text report: the formula, its value, and each derivative with its value.
  ///
  /// - Parameter steps: Add the rule-by-rule derivation of every derivative that is printed.
  public func text(steps: Bool = false) -> String {
    let printer = formula.printer(notation)
    let result = formula.resultName
    var out = ""
    if formula.program.definitions.count > 1 {
      // Each definition as the user wrote it: in their order, not simplified.
      let local = ExpressionGraph()
      let localPrinter = ExpressionPrinter(graph: local, notation: notation)
      for definition in formula.program.definitions {
        let body = local.build(definition.body)
        out += "\(notation.name(definition.name ?? result)) = \(localPrinter.string(body))\n"
      }
    } else if OutputLimit.allows(formula.root, printer) {
      out += "\(notation.name(result)) = \(printer.string(formula.root))\n"
    } else {
      out += "\(notation.name(result)): \(sizeSentence(printer.length(formula.root)))\n"
    }
    if let point, let value = report.value {
      out +=
        "at \(ValueFormat.point(point, notation)):  \(notation.name(result)) = \(ValueFormat.text(value, notation))\n"
    }
    var budget = OutputLimit.reportBytes
    // The textbook's form, in the definitions' names, where the formula has definitions.
    let stepForms = StepNameDerivatives(formula: formula, variables: report.rows.map(\.variable))
    let stepPrinter = stepForms.map { ExpressionPrinter(graph: $0.graph, notation: notation) }
    for (position, row) in report.rows.enumerated() {
      out += "\n"
      let lhs = notation.partial(of: result, withRespectTo: row.variable)
      let indent = String(repeating: " ", count: lhs.count)
      var written = false
      if let stepForms, let stepPrinter {
        let text = stepPrinter.string(stepForms.derivatives[position])
        out += "\(lhs) = \(text)\n"
        written = true
        // The expanded closed form follows unless it reads the same.
        if !row.summarised && printer.length(row.simplified) == text.utf8.count
          && printer.string(row.simplified) == text
        {
          written = true
        } else {
          out += indent + closedFormLine(row, printer, &budget, prefix: " = ") + "\n"
        }
      }
      if !written { out += lhs + closedFormLine(row, printer, &budget, prefix: " = ") + "\n" }
      if let value = row.value {
        out += indent + " = \(ValueFormat.text(value, notation))\n"
      } else if let failure = row.failure {
        out += indent + " = undefined here: \(failureMessage(failure))\n"
      }
      if steps && isPrinted(row, printer) {
        out += "\n" + derivationRenderer(for: row.variable, notation: notation).text()
      }
    }
    if let stepForms, let stepPrinter, !stepForms.adjoints.isEmpty {
      out += "\nwhere, from the result back,\n"
      for adjoint in stepForms.adjoints {
        let lhs = notation.partial(of: result, withRespectTo: adjoint.step)
        out += "  \(lhs) = \(stepPrinter.string(adjoint.expression))\n"
      }
    }
    return out
  }

  /// A row's closed form after `prefix` (` = …`), or why it is not written out (`: …`),
  /// counting what is printed against the report's `budget`.
  private func closedFormLine(
    _ row: DerivativeReport.Row, _ printer: ExpressionPrinter, _ budget: inout Int, prefix: String
  ) -> String {
    if row.summarised {
      let advice = report.full ? "" : "add --full to print it, or "
      return
        ": the closed form has \(row.operations) operations (\(row.distinctNodes ?? report.allDistinctNodes) distinct nodes when shared); not printed: \(advice)run 'chainrule trace' to see it computed step by step"
    }
    let length = printer.length(row.simplified)
    if length > OutputLimit.expressionBytes || length > budget {
      return ": " + sizeSentence(length, overTotal: length <= OutputLimit.expressionBytes)
    }
    budget -= length
    return prefix + printer.string(row.simplified)
  }

  /// "the closed form would be … bytes …", for a text over ``OutputLimit``: over the limit of
  /// one expression, or of the whole report (`overTotal`).
  private func sizeSentence(_ bytes: Int, overTotal: Bool = false) -> String {
    let size = bytes == Int.max ? "more than 9.2e18" : "\(bytes)"
    let limit =
      overTotal
      ? "the closed forms printed before it used up the report's \(OutputLimit.reportBytes)"
      : "the limit is \(OutputLimit.expressionBytes)"
    return
      "the closed form would be \(size) bytes written out (\(limit)); not printed: run 'chainrule trace' to see it computed step by step"
  }

  /// Why a derivative has no value, its subexpression printed in this notation.
  private func failureMessage(_ failure: EvaluationError) -> String {
    failure.message(printer: formula.printer(notation == .latex ? .plain : notation), notation: notation)
  }

  /// The errors for stderr: each derivative without a value at the point.
  public var errors: [String] {
    report.rows.filter { $0.failure != nil }.map {
      "error: the derivative \(notation.partial(of: formula.resultName, withRespectTo: $0.variable)) has no value at this point (the others are printed)"
    }
  }

  /// The notes for stderr: variables the result does not use, and kinks met at the point.
  public func notes(independentOf variables: [String]) -> [String] {
    var notes: [String] = []
    // Typed but gone from the closed form (`x*0`, `a = x; l = y`); a step is an input of its own.
    let used = Set(formula.graph.symbols(in: formula.root)).union(formula.stepNames)
    for variable in variables where !used.contains(variable) {
      notes.append(
        "note: \(notation.name(formula.resultName)) does not depend on \(notation.name(variable)), so its derivative is 0"
      )
    }
    return notes + Self.kinkNotes(report.kinks, formula: formula, notation: notation)
  }

  /// The rule-by-rule derivation of ∂result/∂variable.
  public func derivationRenderer(for variable: String, notation: Notation) -> DerivationRenderer {
    let derivation = Derivation(formula: formula, variable: variable)
    return DerivationRenderer(derivation: derivation, notation: notation, functionName: formula.resultName)
  }

  /// The JSON report: input, expression, variables, value, derivatives.
  ///
  /// - Parameters:
  ///   - input: The formula's source text, echoed as `"input"`.
  ///   - steps: Add each printed derivative's rules as `"steps"`.
  public func json(input: String, steps: Bool = false) -> JSONValue {
    let plain = formula.printer(.plain)
    let latex = formula.printer(.latex)
    let expressionFits = OutputLimit.allows(report.closedForm, plain)
    var object: [(String, JSONValue)] = [
      ("input", .string(input)),
      ("expression", expressionFits ? .string(plain.string(report.closedForm)) : .null),
    ]
    if !expressionFits { object.append(("expressionBytes", .integer(plain.length(report.closedForm)))) }
    object.append(("variables", .array(formula.variables.map { .string($0) })))
    if point != nil { object.append(("value", .number(report.value))) }
    object.append(("distinctNodes", .integer(report.allDistinctNodes)))
    var budget = OutputLimit.reportBytes
    let derivatives: [JSONValue] = report.rows.map { row in
      var printed = isPrinted(row, plain) && OutputLimit.allows(row.simplified, latex)
      if printed {
        let length = plain.length(row.simplified) + latex.length(row.simplified)
        printed = length <= budget
        if printed { budget -= length }
      }
      var entry: [(String, JSONValue)] = [("wrt", .string(row.variable))]
      entry.append(("expression", printed ? .string(plain.string(row.simplified)) : .null))
      entry.append(("latex", printed ? .string(latex.string(row.simplified)) : .null))
      if point != nil {
        entry.append(("value", .number(row.value)))
        if let failure = row.failure { entry.append(("undefined", .string(failureMessage(failure)))) }
      }
      entry.append(("operations", .integer(row.operations)))
      entry.append(("distinctNodes", row.distinctNodes.map { .integer($0) } ?? .null))
      if !printed {
        entry.append(("summarised", .bool(true)))
        if !row.summarised { entry.append(("bytes", .integer(plain.length(row.simplified)))) }
      }
      if steps && printed {
        let renderer = derivationRenderer(for: row.variable, notation: .plain)
        let lines: [JSONValue] = renderer.rows.map { step in
          .object(
            [("rule", .string(step.rule)), ("equation", .string(step.equation))]
              + (step.note.map { [("functionRule", JSONValue.string($0))] } ?? []))
        }
        entry.append(("steps", .array(lines)))
      }
      return .object(entry)
    }
    object.append(("derivatives", .array(derivatives)))
    return .object(object)
  }

  /// Notes on the conventions used at the kinks of `formula` met at a point (kinks inside the
  /// derivatives, such as step(u) from relu, are covered by the formula's own note).
  public static func kinkNotes(_ kinks: [Evaluator.Kink], formula: Formula, notation: Notation) -> [String] {
    let printer = formula.printer(notation == .latex ? .plain : notation)
    guard !kinks.isEmpty else { return [] }
    let ownNodes = Set(formula.graph.reachable(from: formula.root))
    var notes: [String] = []
    for kink in kinks where ownNodes.contains(kink.node) {
      guard let convention = kink.function.definition.kink?.convention else { continue }
      let note = "note: \(printer.string(kink.node)) is at a kink; the derivative uses the convention \(convention)"
      if !notes.contains(note) { notes.append(note) }
    }
    return notes
  }
}
