import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// The sections of a ``LessonPage``, in the order the page shows them.
extension LessonPage {
  private static let equals = "<mo>=</mo>"

  /// `content` in a `<math>` root, or a sentence with its size when it is over the budget.
  private func formula(_ content: @autoclosure () -> String, bytes: Int, display: Bool, _ page: inout LessonWriter)
    -> String
  {
    guard page.allows(bytes) else {
      return "<span class=\"note\">(a formula of \(Self.size(bytes)) of MathML, not written out)</span>"
    }
    return MathMLPrinter.math(content(), display: display)
  }

  // MARK: 1. The model

  func modelSection(_ page: inout LessonWriter) {
    page.raw("<section id=\"model\">\n<h2>1. The model</h2>\n")
    page.raw("<p>As written:</p>\n<pre class=\"source\">\(TextMetrics.escapedXML(source))</pre>\n")
    let definitions = formula.program.definitions
    if definitions.count > 1 {
      page.raw("<p>Its definitions, one step each, the last one the result:</p>\n")
      let local = ExpressionGraph()
      let printer = MathMLPrinter(graph: local)
      for definition in definitions {
        let body = local.build(definition.body)
        lines(MathMLPrinter.name(definition.name ?? resultName), body, layout: MathMLLayout(printer: printer), &page)
      }
    } else {
      let printer = MathMLPrinter(graph: formula.graph)
      lines(MathMLPrinter.name(resultName), formula.root, layout: MathMLLayout(printer: printer), &page)
    }
    if let point {
      page.raw("<p>The point")
      if let pointOrigin { page.raw(" (\(TextMetrics.escapedXML(pointOrigin)))") }
      page.raw(": ")
      page.raw(
        point.map { MathMLPrinter.math(MathMLPrinter.name($0.0) + Self.equals + MathMLPrinter.number($0.1)) }
          .joined(separator: ", "))
      if let value = report.value {
        page.raw(
          ". There "
            + MathMLPrinter.math(MathMLPrinter.name(resultName) + Self.equals + Self.valueMath(value)))
      }
      page.raw(".</p>\n")
    } else {
      page.paragraph(
        "No point was given: add --at name=value,… (a value for every variable) to see the values of the steps and derivatives.",
        note: true)
    }
    page.raw("</section>\n")
  }

  // MARK: 2. The graph

  func graphSection(_ page: inout LessonWriter) {
    page.raw("<section id=\"graph\">\n<h2>2. The computation graph</h2>\n<figure>\n")
    page.raw(SVGGraphWriter(picture: GraphPicture(graph: graph), idPrefix: "lesson-graph").svg())
    page.raw(
      "<figcaption>Boxes are values (parameters, data and the forward steps), circles the operations that "
        + "compute the steps. Each arrow into an operation carries the local derivative that the backward pass "
        + "multiplies by; a value used twice has two arrows out, and its adjoint is the sum over both paths."
        + "</figcaption>\n</figure>\n</section>\n")
  }

  // MARK: 3. Forward and backward passes

  func passesSection(_ page: inout LessonWriter) {
    page.raw("<section id=\"passes\">\n<h2>3. The forward and backward passes</h2>\n")
    guard let trace else {
      page.raw("<h3>Forward pass: each step computed once and stored</h3>\n<table class=\"forward\">\n")
      page.raw("<tr><th>step</th><th></th><th>computed from</th></tr>\n")
      let printer = MathMLPrinter(graph: program.graph)
      for step in program.steps {
        let expression = formula(
          printer.content(step.expression), bytes: printer.length(step.expression), display: false, &page)
        page.raw(
          "<tr><td>\(MathMLPrinter.math(MathMLPrinter.name(step.name)))</td><td class=\"eq\">"
            + "\(MathMLPrinter.math(Self.equals))</td><td>\(expression)</td></tr>\n")
      }
      page.raw("</table>\n")
      page.paragraph("The backward passes need values: add --at to see them.", note: true)
      page.raw("</section>\n")
      return
    }
    let printer = MathMLPrinter(graph: trace.graph)
    page.raw("<h3>Forward pass: each step computed once and stored</h3>\n")
    rows(
      trace.forward.map { (MathMLPrinter.name($0.step.name), $0.step.expression, $0.value) }, printer: printer,
      header: "step", className: "forward", &page)
    page.raw(
      "<h3>Backward pass #1: "
        + MathMLPrinter.math(MathMLPrinter.partial(of: resultName, withRespectTo: "…"))
        + " for every step, last to first, reusing stored values</h3>\n")
    adjointRows(trace.backward, trace: trace, printer: printer, className: "backward", &page)
    page.raw("<h3>Backward pass #2: every parameter’s derivative from the step it enters</h3>\n")
    adjointRows(trace.parameterAdjoints, trace: trace, printer: printer, className: "parameters", &page)
    page.raw("</section>\n")
  }

  /// A table of `name = expression = value` rows.
  private func rows(
    _ rows: [(name: String, expression: NodeID, value: Double)], printer: MathMLPrinter, header: String,
    className: String, _ page: inout LessonWriter
  ) {
    page.raw("<table class=\"\(className)\">\n")
    page.raw("<tr><th>\(header)</th><th></th><th>computed from</th><th class=\"value\">value</th></tr>\n")
    for row in rows {
      let expression = formula(
        printer.content(row.expression), bytes: printer.length(row.expression), display: false, &page)
      page.raw(
        "<tr><td>\(MathMLPrinter.math(row.name))</td><td class=\"eq\">\(MathMLPrinter.math(Self.equals))</td>"
          + "<td>\(expression)</td><td class=\"value\">\(Self.value(row.value))</td></tr>\n")
    }
    page.raw("</table>\n")
  }

  /// A table of adjoints: `∂ℓ/∂s = Σ (∂c/∂s)·∂ℓ/∂c = value`.
  private func adjointRows(
    _ adjoints: [Trace.Adjoint], trace: Trace, printer: MathMLPrinter, className: String,
    _ page: inout LessonWriter
  ) {
    page.raw("<table class=\"\(className)\">\n")
    page.raw(
      "<tr><th>adjoint</th><th></th><th>sum over the steps that use it</th><th class=\"value\">value</th></tr>\n")
    for adjoint in adjoints {
      var bytes = 0
      for c in adjoint.contributions { bytes += printer.length(c.local) }
      let terms = adjoint.contributions.map { c -> String in
        guard let consumer = c.consumer else { return printer.content(c.local) }
        let partial = MathMLPrinter.partial(of: resultName, withRespectTo: consumer)
        if trace.graph.numberValue(c.local) == 1 { return partial }
        return printer.factorContent(c.local) + "<mo>·</mo>" + partial
      }
      let sum = adjoint.contributions.isEmpty ? "<mn>0</mn>" : terms.joined(separator: "<mo>+</mo>")
      let lhs = MathMLPrinter.partial(of: resultName, withRespectTo: adjoint.target)
      page.raw(
        "<tr><td>\(MathMLPrinter.math(lhs))</td><td class=\"eq\">\(MathMLPrinter.math(Self.equals))</td>"
          + "<td>\(formula(sum, bytes: bytes, display: false, &page))</td>"
          + "<td class=\"value\">\(Self.value(adjoint.value))</td></tr>\n")
    }
    page.raw("</table>\n")
  }

  // MARK: 4. The derivatives

  func derivativesSection(_ page: inout LessonWriter) {
    page.raw("<section id=\"derivatives\">\n<h2>4. Every derivative in closed form</h2>\n")
    let printer = MathMLPrinter(graph: formula.graph)
    let stepForms = StepNameDerivatives(formula: formula, variables: report.rows.map(\.variable))
    let stepPrinter = stepForms.map { MathMLPrinter(graph: $0.graph) }
    if stepForms != nil {
      page.paragraph(
        "Each derivative first in the definitions’ own names, then expanded into the variables, then its value.")
    }
    let layout = MathMLLayout(printer: printer)
    let stepLayout = stepPrinter.map { MathMLLayout(printer: $0) }
    for (position, row) in report.rows.enumerated() {
      page.raw("<div class=\"derivative\">\n")
      let lhs = MathMLPrinter.partial(of: resultName, withRespectTo: row.variable)
      var first = true
      if let stepForms, let stepLayout {
        lines(lhs, stepForms.derivatives[position], layout: stepLayout, &page)
        first = false
      }
      if row.summarised {
        page.paragraph(
          "The expanded closed form has \(row.operations) operations; it is not written out (the passes above compute it step by step).",
          note: true)
      } else {
        let same =
          stepForms.map { forms in
            stepPrinter?.content(forms.derivatives[position]) == printer.content(row.simplified)
          } ?? false
        if !same { lines(first ? lhs : nil, row.simplified, layout: layout, &page) }
      }
      if let value = row.value {
        page.raw(line(Self.equals + Self.valueMath(value), continued: true))
      } else if row.failure != nil {
        page.paragraph("It has no value at this point.", note: true)
      }
      page.raw("</div>\n")
    }
    if let stepForms, let stepPrinter, !stepForms.adjoints.isEmpty {
      page.raw("<p>where, from the result back,</p>\n")
      for adjoint in stepForms.adjoints {
        lines(
          MathMLPrinter.partial(of: resultName, withRespectTo: adjoint.step), adjoint.expression,
          layout: MathMLLayout(printer: stepPrinter), &page)
      }
    }
    if let trace { comparison(trace, &page) }
    page.raw("</section>\n")
  }

  /// `lhs = id` on as many lines as it needs (without `lhs`: `= id`, continuing a derivation).
  func lines(_ lhs: String?, _ id: NodeID, layout: MathMLLayout, _ page: inout LessonWriter) {
    guard page.allows(layout.printer.length(id)) else {
      page.paragraph("(a formula of \(Self.size(layout.printer.length(id))) of MathML, not written out)", note: true)
      return
    }
    let broken = layout.lines(id, lead: lhs == nil ? 4 : 8)
    for (i, content) in broken.enumerated() {
      let head = i == 0 ? (lhs.map { $0 + Self.equals } ?? Self.equals) : ""
      page.raw(line(head + content, continued: lhs == nil || i > 0, indented: i > 0))
    }
  }

  /// One line of a displayed formula.
  private func line(_ content: String, continued: Bool, indented: Bool = false) -> String {
    let className = indented ? "line cont2" : continued ? "line cont" : "line"
    return "<div class=\"\(className)\">" + MathMLPrinter.math(content) + "</div>\n"
  }

  /// The three ways to each derivative's value, and what each costs.
  private func comparison(_ trace: Trace, _ page: inout LessonWriter) {
    page.raw("<h3>Three ways to the same numbers</h3>\n<table class=\"comparison\">\n")
    page.raw(
      "<tr><th>parameter</th><th class=\"value\">closed form</th><th class=\"value\">backprop</th>"
        + "<th class=\"value\">central difference</th><th class=\"value\">closed-form operations</th></tr>\n")
    for g in trace.gradients {
      page.raw(
        "<tr><td>\(MathMLPrinter.math(MathMLPrinter.name(g.parameter)))</td>"
          + "<td class=\"value\">\(Self.value(g.closedFormValue))</td><td class=\"value\">\(Self.value(g.backpropValue))</td>"
          + "<td class=\"value\">\(Self.value(g.numericValue))</td><td class=\"value\">\(g.closedFormOperations)</td></tr>\n"
      )
    }
    page.raw("</table>\n")
    let cost = trace.cost
    let stored = cost.storedSteps.map { MathMLPrinter.math(MathMLPrinter.name($0)) }.joined(separator: ", ")
    page.raw(
      "<p>Largest relative disagreement: \(ValueFormat.error(trace.largestDisagreement)). Evaluating every closed "
        + "form separately costs \(cost.closedFormOperations) operations; one forward pass and one backward pass "
        + "cost \(cost.forwardOperations) + \(cost.backwardOperations) = "
        + "\(cost.forwardOperations + cost.backwardOperations), keeping \(cost.storedSteps.count) values in memory"
        + (stored.isEmpty ? "" : " (\(stored))") + ". The closed forms recompute the same subexpressions again "
        + "and again; the backward pass reuses what the forward pass stored, which is why training needs more "
        + "memory than inference.</p>\n")
  }

  // MARK: 5. Derivations

  func derivationSection(_ page: inout LessonWriter) {
    page.raw("<section id=\"derivation\">\n<h2>5. Each derivative, rule by rule</h2>\n")
    let printer = MathMLPrinter(graph: formula.graph)
    var shown = 0
    for row in report.rows where !row.summarised && printer.length(row.simplified) <= Self.formulaBytes {
      let lines = MathMLDerivation(
        derivation: Derivation(formula: formula, variable: row.variable), functionName: resultName)
      derivation(lines, &page)
      shown += 1
    }
    if shown < report.rows.count {
      page.paragraph(
        "\(report.rows.count - shown) derivatives are too large to derive line by line here.", note: true)
    }
    page.raw("</section>\n")
  }

  private func derivation(_ lines: MathMLDerivation, _ page: inout LessonWriter) {
    page.raw("<h3>How \(MathMLPrinter.math(lines.partial)) is obtained</h3>\n")
    let definitions = lines.definitions
    if !definitions.isEmpty {
      page.raw("<p>Inner functions:</p>\n<table class=\"inner\">\n")
      for (name, expression) in definitions {
        page.raw(
          "<tr><td>\(MathMLPrinter.math(name))</td><td class=\"eq\">\(MathMLPrinter.math(Self.equals))</td>"
            + "<td>\(formula(expression, bytes: expression.utf8.count, display: false, &page))</td></tr>\n")
      }
      page.raw("</table>\n")
    }
    page.raw("<table class=\"rules\">\n")
    for row in lines.rows {
      let note = row.note.map { "<td class=\"rule\">(\(MathMLPrinter.math($0)))</td>" } ?? "<td></td>"
      page.raw(
        "<tr><td class=\"rule\">\(TextMetrics.escapedXML(row.rule))</td>"
          + "<td>\(formula(row.equation, bytes: row.equation.utf8.count, display: false, &page))</td>\(note)</tr>\n")
    }
    page.raw("</table>\n<p>Putting the pieces together:</p>\n")
    let derivation = lines.derivation
    let layout = MathMLLayout(printer: MathMLPrinter(graph: derivation.graph))
    self.lines(lines.partial, derivation.assembled, layout: layout, &page)
    let rules = derivation.simplifications
    if !rules.isEmpty {
      page.paragraph("Simplified by " + rules.map { "\($0.rawValue) (\($0.identity))" }.joined(separator: ", ") + ":")
    }
    if derivation.rearranged {
      page.paragraph("Arranged as diff prints it (distributive law a·(b + c) = a·b + a·c):")
    }
    if !rules.isEmpty || derivation.rearranged {
      self.lines(lines.partial, derivation.result, layout: layout, &page)
    }
    if let diffForm = derivation.diffForm {
      page.paragraph(
        derivation.agreesNumerically
          ? "diff prints it as the same function (they agree at random points), arranged differently:"
          : "diff prints it as a form that DISAGREES with the rules’ result at a random point (a bug: please report it):"
      )
      self.lines(lines.partial, diffForm, layout: layout, &page)
    }
  }

  // MARK: 6. Training

  func trainingSection(_ training: Training, _ page: inout LessonWriter) {
    let file = URL(fileURLWithPath: training.dataName).lastPathComponent
    page.raw("<section id=\"training\">\n<h2>6. Training on \(TextMetrics.escapedXML(file))</h2>\n")
    page.paragraph(
      "Gradient descent with the backward pass above, one row of the data at a time and the mean over a batch: "
        + training.description + ".")
    page.raw("<figure>\n" + training.chart.svg() + "<figcaption>The loss per epoch (epoch 0 is the start)")
    page.raw(
      training.chart.charts().count > 1 ? ", and the fitted curve over the data.</figcaption>\n" : ".</figcaption>\n")
    page.raw("</figure>\n")
    let chart = training.chart
    guard let run = chart.runs.first else {
      page.raw("</section>\n")
      return
    }
    page.raw(
      "<table class=\"fitted\">\n<tr><th>parameter</th><th class=\"value\">start</th><th class=\"value\">fitted</th></tr>\n"
    )
    for (i, name) in chart.parameters.enumerated() {
      let start = i < training.start.count ? training.start[i] : .nan
      let fitted = i < run.parameters.count ? run.parameters[i] : .nan
      page.raw(
        "<tr><td>\(MathMLPrinter.math(MathMLPrinter.name(name)))</td><td class=\"value\">\(Self.value(start))</td>"
          + "<td class=\"value\">\(Self.value(fitted))</td></tr>\n")
    }
    page.raw("</table>\n")
    if let first = run.losses.first, let last = run.losses.last {
      page.raw(
        "<p>The mean loss went from \(Self.value(first)) to \(Self.value(last)) in \(run.losses.count - 1) epochs.</p>\n"
      )
    }
    page.raw("</section>\n")
  }
}
