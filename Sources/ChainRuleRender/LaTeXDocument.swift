import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// A complete LaTeX document (or its body, for `\input`) of a formula's derivatives: the model,
/// each derivative in closed form, and optionally the trace and the step-by-step derivations.
///
/// Uses only `amsmath` and `amssymb`. Long closed forms are broken across lines in `multline*`
/// by ``LaTeXLayout``; `\allowdisplaybreaks` lets long derivations run over pages.
public struct LaTeXDocument {
  public var formula: Formula
  /// The variables differentiated by.
  public var variables: [String]
  /// Values at the point, if one was given.
  public var point: [(String, Double)]?
  /// The trace at the point, if one was computed.
  public var trace: Trace?
  /// Whether to include the rule-by-rule derivations.
  public var includeSteps: Bool
  /// Brackets around function arguments.
  public var brackets: ExpressionPrinter.Brackets
  /// Closed forms larger than this (operations) are described, not printed.
  public var printLimit = 2_000
  /// The computation graph, drawn with TikZ after the model (`latex --graph`); the preamble
  /// then loads `graphicx` and `tikz` as well.
  public var graph: ComputationGraph?
  /// Whether to write each derivative first in the definitions' own names, as textbooks do
  /// (`∂E/∂w₅ = out_h₁·∂E/∂net_o₁`), then expanded (`latex --step-names`).
  public var stepNames = false
  /// A learning rate: add one gradient-descent step θ ← θ − rate·∂ℓ/∂θ after the trace
  /// (`latex --update`).
  public var updateRate: Double?
  /// With ``stepNames``, expanded closed forms longer than this many lines are described
  /// rather than printed: the step-name form already says how they are computed.
  public var expandedLineLimit = 6

  public init(
    formula: Formula, variables: [String], point: [(String, Double)]? = nil, trace: Trace? = nil,
    includeSteps: Bool = false, brackets: ExpressionPrinter.Brackets = .square
  ) {
    self.formula = formula
    self.variables = variables
    self.point = point
    self.trace = trace
    self.includeSteps = includeSteps
    self.brackets = brackets
  }

  private var notation: Notation { .latex }
  private var resultName: String { formula.resultName }

  /// A value as LaTeX: `2.28090062217`, `-1.5 \times 10^{-5}`.
  static func value(_ value: Double, digits: Int = 12) -> String {
    guard value.isFinite else { return "\\text{undefined}" }
    var text = String(format: "%.\(digits)g", value)
    if let e = text.firstIndex(of: "e") {
      let mantissa = text[..<e]
      let exponent = Int(text[text.index(after: e)...]) ?? 0
      text = "\(mantissa) \\times 10^{\(exponent)}"
    }
    return text
  }

  /// The whole document, ready for `pdflatex`: a title naming the formula, then ``body()``.
  public func document() -> String {
    """
    \\documentclass{article}
    \\usepackage{amsmath}
    \\usepackage{amssymb}
    \(graph == nil ? "" : "\\usepackage{graphicx}\n" + TikZWriter.preamble)\
    \\allowdisplaybreaks
    \\begin{document}
    \\begin{center}
    {\\Large\\bfseries \(title)}
    \\end{center}

    \(body())
    \\end{document}

    """
  }

  /// Glyphs of a formula that still fits in the title (the title is set in `\Large`).
  static let titleWidth = 30.0

  /// "Derivatives of $\ell = \left(w x - y\right)^{2}$", or of the result's name alone when
  /// the formula is longer than a title line or made of several definitions.
  public var title: String {
    let name = notation.name(resultName)
    if formula.program.definitions.count == 1 {
      let text = formula.printer(.latex, brackets: brackets).string(formula.root)
      if LaTeXLayout.width(name + " = " + text) <= Self.titleWidth { return "Derivatives of $\(name) = \(text)$" }
    }
    return "Derivatives of $\(name)$"
  }

  /// The document body alone, for `\input`.
  public func body() -> String {
    var out = "\\section*{The model}\n"
    out += modelSection()
    if let point { out += pointSentence(point) }
    if let graph {
      out += "\n\\section*{The computation graph}\n"
      out += "Boxes are values, circles operations; each arrow carries the local derivative.\n"
      let writer = TikZWriter(picture: GraphPicture(graph: graph), latex: GraphPicture(graph: graph, notation: .latex))
      out += writer.figure()
    }
    out += "\n\\section*{Partial derivatives}\n"
    out += derivativesSection()
    if let trace {
      out += traceSections(trace)
      if let updateRate { out += updateSection(trace, rate: updateRate) }
    }
    if includeSteps {
      out += "\n\\section*{Step-by-step derivations}\n"
      for variable in variables {
        out += derivationSection(variable)
      }
    }
    return out
  }

  /// "At the point $x = 2$, $\ell = 4$." Each value in an `\mbox`, so a long point breaks
  /// between values, never after an `=`.
  private func pointSentence(_ point: [(String, Double)]) -> String {
    let values = point.map { "\\mbox{$\(notation.name($0.0)) = \(Self.value($0.1))$}" }.joined(separator: ", ")
    var out = "\nAt the point " + values
    let dictionary = Dictionary(point, uniquingKeysWith: { a, _ in a })
    if let value = try? Evaluator(graph: formula.graph).evaluate(formula.root, at: dictionary), value.isFinite {
      out += ", \\mbox{$\(notation.name(resultName)) = \(Self.value(value))$}"
    }
    return "{\\raggedright" + out + ".\\par}\n"
  }

  private func modelSection() -> String {
    var lines: [String] = []
    if formula.program.definitions.count > 1 {
      let local = ExpressionGraph()
      // One printer for all the lines: a printer per line would size its memo to the graph
      // built so far, once per definition (quadratic in their number).
      let layout = LaTeXLayout(printer: ExpressionPrinter(graph: local, notation: .latex, brackets: brackets))
      // Each definition as the user wrote it: in their order, not simplified.
      for definition in formula.program.definitions {
        let body = local.build(definition.body)
        lines += layout.lines(lhs: notation.name(definition.name ?? resultName), body)
      }
    } else {
      let layout = LaTeXLayout(printer: formula.printer(.latex, brackets: brackets))
      lines += layout.lines(lhs: notation.name(resultName), formula.root)
    }
    return "\\begin{gather*}\n" + lines.joined(separator: "\\\\\n") + "\n\\end{gather*}\n"
  }

  private func derivativesSection() -> String {
    var out = ""
    let gradient = formula.gradient(withRespectTo: variables)
    var values: NodeValues? = nil
    // Sizes counted in one pass over the graph for all derivatives: a pass per derivative
    // made this quadratic in the depth.
    let rawSizes = formula.graph.treeOperationCounts(gradient)
    let simplified = zip(gradient, rawSizes).map { raw, size in size > printLimit * 4 ? raw : formula.simplified(raw) }
    let sizes = formula.graph.treeOperationCounts(simplified)
    if let point {
      let dictionary = Dictionary(point, uniquingKeysWith: { a, _ in a })
      values = try? Evaluator(graph: formula.graph).values(of: simplified, at: dictionary).values
    }
    let layout = LaTeXLayout(printer: formula.printer(.latex, brackets: brackets))
    let stepForms = stepNames ? StepNameDerivatives(formula: formula, variables: variables) : nil
    let stepLayout = stepForms.map {
      LaTeXLayout(printer: ExpressionPrinter(graph: $0.graph, notation: .latex, brackets: brackets))
    }
    // Derivatives whose expanded form is too long to follow the step-name form.
    var notExpanded: [(String, Int)] = []
    for (position, (variable, id)) in zip(variables, simplified).enumerated() {
      let lhs = notation.partial(of: resultName, withRespectTo: variable)
      let operations = sizes[position]
      let value = values?[id].map { Self.value($0) }
      if let stepForms, let stepLayout {
        let (text, expanded) = stepNameDerivative(
          lhs, stepForms.derivatives[position], stepLayout, expanded: id, operations: operations, layout, value)
        out += text
        if !expanded { notExpanded.append((inlinePartial(variable), operations)) }
        continue
      }
      if operations > printLimit {
        out +=
          "\n$\(inlinePartial(variable))$ has about \(operations) operations in closed form; it is not printed here"
        out += value.map { ": its value is $\($0)$.\n" } ?? ".\n"
        continue
      }
      out += Self.display(layout.lines(lhs: lhs, id, suffix: value))
    }
    if let stepForms, let stepLayout, !stepForms.adjoints.isEmpty {
      out += "\\noindent where, from the result back,\n"
      let rows = stepForms.adjoints.map {
        stepLayout.lines(lhs: notation.partial(of: resultName, withRespectTo: $0.step), $0.expression)
      }
      if rows.allSatisfy({ $0.count == 1 }) {
        out += Self.aligned(rows.map { $0[0] })
      } else {
        out += rows.map(Self.display).joined()
      }
    }
    if !notExpanded.isEmpty {
      let list = notExpanded.map { "$\($0.0)$ (\($0.1) operations)" }
      let names = list.count == 1 ? list[0] : list.dropLast().joined(separator: ", ") + " and " + list[list.count - 1]
      out += "{\\raggedright Expanded into the variables, \(names) "
      out += list.count == 1 ? "is" : "are"
      out += " longer than \(expandedLineLimit) lines; \\texttt{latex} without \\texttt{-{}-step-names} prints "
      out += list.count == 1 ? "it.\\par}\n" : "them.\\par}\n"
    }
    return out
  }

  /// ∂ℓ/∂v with a slash, for headings and running text (a `\frac` there is too small to read).
  private func inlinePartial(_ variable: String) -> String {
    "\\partial \(notation.name(resultName)) / \\partial \(notation.name(variable))"
  }

  /// `multline*` of `lines`, or `equation*` for one line (which `multline*` would spread
  /// across the page).
  static func display(_ lines: [String]) -> String {
    guard lines.count > 1 else { return "\\begin{equation*}\n" + lines.joined() + "\n\\end{equation*}\n" }
    return "\\begin{multline*}\n" + lines.joined(separator: "\\\\\n") + "\n\\end{multline*}\n"
  }

  /// `align*` of one-line equations, aligned at their first `=`.
  static func aligned(_ equations: [String]) -> String {
    "\\begin{align*}\n"
      + equations.map { $0.replacingOccurrences(of: " = ", with: " &= ", count: 1) }
      .joined(separator: "\\\\\n") + "\n\\end{align*}\n"
  }

  /// A derivative in step names, then expanded (unless that reads the same, or is longer than
  /// ``expandedLineLimit`` lines), then its value; and whether the expanded form was written.
  private func stepNameDerivative(
    _ lhs: String, _ stepForm: NodeID, _ stepLayout: LaTeXLayout, expanded: NodeID, operations: Int,
    _ layout: LaTeXLayout, _ value: String?
  ) -> (String, Bool) {
    let stepText = stepLayout.printer.string(stepForm)
    let printable = operations <= printLimit
    if printable && layout.printer.string(expanded) == stepText {
      return (Self.display(layout.lines(lhs: lhs, expanded, suffix: value)), true)
    }
    var expandedLines = printable ? layout.lines(lhs: "", expanded, suffix: value) : []
    if expandedLines.count > expandedLineLimit { expandedLines = [] }
    guard !expandedLines.isEmpty else {
      return (Self.display(stepLayout.lines(lhs: lhs, stepForm, suffix: value)), false)
    }
    expandedLines[0] = String(expandedLines[0].drop { $0 == " " })
    return (Self.display(stepLayout.lines(lhs: lhs, stepForm) + expandedLines), true)
  }

  private func traceSections(_ trace: Trace) -> String {
    let printer = ExpressionPrinter(graph: trace.graph, notation: .latex, brackets: brackets)
    var out = "\n\\section*{Forward pass}\nEach step is computed once and stored.\n\\begin{align*}\n"
    out += trace.forward.map {
      "\(notation.name($0.step.name)) &= \(printer.string($0.step.expression)) & &= \(Self.value($0.value))"
    }.joined(separator: "\\\\\n")
    out += "\n\\end{align*}\n"
    let result = "$\(notation.name(resultName))$"
    if trace.backward.isEmpty {
      out += "\n\\section*{Backward pass}\n\(result) is computed in one step, so there are no steps to go back "
      out += "through: every parameter's derivative comes from that step directly.\n"
    } else {
      out += "\n\\section*{Backward pass \\#1}\nThe derivative of \(result) with respect to every step, "
      out += "last to first, reusing the stored values.\n"
      out += adjointRows(trace.backward, trace, printer)
      out += "\n\\section*{Backward pass \\#2}\nEvery parameter's derivative, from the step it enters.\n"
    }
    out += adjointRows(trace.parameterAdjoints, trace, printer)
    out += "\n\\section*{Three ways to the same numbers}\n"
    out += "The expanded closed form, backpropagation, and central differences (numerical).\n"
    out += "\\begin{center}\\small\n\\begin{tabular}{lrrrr}\n"
    out += "& closed form & backprop & central differences & operations\\\\\n\\hline\n"
    for g in trace.gradients {
      let values = [g.closedFormValue, g.backpropValue, g.numericValue].map { "$" + Self.value($0, digits: 10) + "$" }
      out +=
        "$\(notation.name(g.parameter))$ & " + values.joined(separator: " & ") + " & \(g.closedFormOperations)\\\\\n"
    }
    out += "\\end{tabular}\n\\end{center}\n"
    out += costSection(trace)
    return out
  }

  /// The operations both ways and the values kept, and what they say, as `trace` does:
  /// backpropagation is cheaper only when the parameters share enough steps, and a growing
  /// chain shows where that starts (``CostCrossover``).
  private func costSection(_ trace: Trace) -> String {
    let cost = trace.cost
    var out = "\n\\section*{Cost}\n\\begin{itemize}\n"
    out += "\\item every closed form evaluated separately: \(cost.closedFormOperations) operations;\n"
    out +=
      "\\item one forward pass and one backward pass: \(cost.forwardOperations) + \(cost.backwardOperations) = \(cost.passOperations) operations;\n"
    let stored = cost.storedSteps
    if stored.isEmpty {
      out += "\\item values kept in memory for the backward pass: none (its local derivatives read only the inputs).\n"
    } else {
      let names = stored.map { "$\(notation.name($0))$" }.joined(separator: ", ")
      out += "\\item values kept in memory for the backward pass: \(stored.count) (\(names)).\n"
    }
    out += "\\end{itemize}\n"
    if cost.passesAreCheaper {
      let ratio = Double(cost.closedFormOperations) / Double(max(1, cost.passOperations))
      out += "The closed forms do \(String(format: "%.1f", ratio))$\\times$ the work of the two passes: each "
      out += "recomputes subexpressions the others share, while the backward pass reuses what the forward pass "
      out += "stored (which is why training needs more memory than inference).\n"
      return out
    }
    let parameters = trace.parameterAdjoints.count
    let steps = trace.forward.count
    out += "Here backpropagation is not cheaper: with \(parameters) parameter\(parameters == 1 ? "" : "s") and "
    out += "\(steps) step\(steps == 1 ? "" : "s") the closed forms share little work, and the passes pay for every "
    out += "step and adjoint. The saving grows with depth, since the closed forms repeat the chain below each "
    out += "parameter. For the chain $f_{0} = b_{0} + w_{0} x$, $f_{k} = b_{k} + w_{k} \\sin\\left[f_{k-1}\\right]$, "
    out += "$\\ell = \\left(f_{n} - y\\right)^{2}$:\n"
    let crossover = CostCrossover()
    out += "\\begin{center}\\small\n\\begin{tabular}{rrrr}\n"
    out += "$n$ & parameters & closed forms & both passes\\\\\n\\hline\n"
    for row in crossover.rows {
      out += "\(row.depth) & \(row.parameters) & \(row.closedFormOperations) & \(row.passOperations)\\\\\n"
    }
    out += "\\end{tabular}\n\\end{center}\n"
    switch crossover.firstDepthWherePassesWin {
    case 0?:
      out += "One layer with two parameters is already enough for the passes to win; after that the closed "
      out += "forms grow like $n^{2}$, the passes like $n$.\n"
    case let depth?: out += "The passes are cheaper from $n = \(depth)$ on.\n"
    case nil: break
    }
    return out
  }

  /// One gradient-descent step from the trace's point.
  private func updateSection(_ trace: Trace, rate: Double) -> String {
    let update = trace.update(rate: rate)
    let theta = notation.partial(of: resultName, withRespectTo: "theta")
    var out = "\n\\section*{One gradient-descent step}\n"
    out += "Each parameter moves against its derivative, $\\theta \\leftarrow \\theta - \\eta \(theta)$, "
    out += "with learning rate $\\eta = \(Self.value(rate))$:\n"
    out += "\\begin{center}\\small\n\\begin{tabular}{lrr}\n& before & after\\\\\n\\hline\n"
    for (name, before, after) in update.parameters {
      out += "$\(notation.name(name))$ & $\(Self.value(before))$ & $\(Self.value(after))$\\\\\n"
    }
    out += "\\end{tabular}\n\\end{center}\n"
    let name = notation.name(resultName)
    out += "and $\(name)$ goes from $\(Self.value(trace.loss))$ to $\(Self.value(update.lossAfter))$.\n"
    return out
  }

  /// `∂ℓ/∂s &= local·∂ℓ/∂c + … & &= value` rows; a negative local derivative is subtracted.
  /// (The trace has no adjoint for a step the result does not use, so no `0·…` term appears.)
  private func adjointRows(_ adjoints: [Trace.Adjoint], _ trace: Trace, _ printer: ExpressionPrinter) -> String {
    guard !adjoints.isEmpty else { return "" }
    let graph = trace.graph
    let partial = { (name: String) in notation.partial(of: resultName, withRespectTo: name) }
    let rows = adjoints.map { adjoint in
      var terms = ""
      let contributions = adjoint.contributions
      for (i, c) in contributions.enumerated() {
        let (negative, magnitude) = c.consumer == nil ? (false, c.local) : graph.splitSign(c.local)
        var term: String
        if let consumer = c.consumer {
          term =
            graph.numberValue(magnitude) == 1
            ? partial(consumer) : printer.factorString(magnitude) + printer.times + partial(consumer)
        } else {
          term = printer.string(c.local)
        }
        if i == 0 {
          if negative { term = "-" + term }
        } else {
          term = (negative ? " - " : " + ") + term
        }
        terms += term
      }
      if contributions.isEmpty { terms = "0" }
      return "\(partial(adjoint.target)) &= \(terms) & &= \(Self.value(adjoint.value))"
    }
    return "\\begin{align*}\n" + rows.joined(separator: "\\\\\n") + "\n\\end{align*}\n"
  }
  /// `latex` with its `\left`/`\right` brackets made `\bigl`/`\bigr`: TeX breaks a line of inline
  /// math only outside a `\left … \right` group, so a wide nested equation can then wrap at any
  /// `+` or `\cdot` (at the price of brackets of one fixed size).
  static func breakable(_ latex: String) -> String {
    latex.replacingOccurrences(of: "\\left(", with: "\\bigl(").replacingOccurrences(of: "\\right)", with: "\\bigr)")
      .replacingOccurrences(of: "\\left[", with: "\\bigl[").replacingOccurrences(of: "\\right]", with: "\\bigr]")
  }

  private func derivationSection(_ variable: String) -> String {
    let derivation = Derivation(formula: formula, variable: variable)
    let renderer = DerivationRenderer(
      derivation: derivation, notation: .latex, functionName: resultName, brackets: brackets)
    let lhs = notation.partial(of: resultName, withRespectTo: variable)
    var out = "\n\\subsection*{How $\(inlinePartial(variable))$ is obtained}\n"
    let definitions = renderer.definitions
    if definitions.contains(where: { LaTeXLayout.width($0.1) > 60 }) {
      // Too wide for one display line: each on a line of text, where it may wrap.
      out += "With the inner functions\n\\begin{itemize}\\raggedright\n"
      out += definitions.map { "\\item[] $\\displaystyle \($0.0) = \(Self.breakable($0.1))$\n" }.joined()
      out += "\\end{itemize}\n"
    } else if !definitions.isEmpty {
      out += "With the inner functions\n\\begin{align*}\n"
      out += definitions.map { "\($0.0) &= \($0.1)" }.joined(separator: "\\\\\n")
      out += "\n\\end{align*}\n"
    }
    // One item per rule, in display-style inline math: a long equation wraps at its `+` and
    // `\cdot` instead of widening a column of every row.
    // Ragged right: a line broken after a `+` need not be stretched to the margin.
    out += "\\begin{description}\\raggedright\n"
    out += renderer.rows.map { row in
      // A wide equation starts below its rule's name, on the full width.
      let wide = LaTeXLayout.width(row.equation) + Double(row.rule.count) > 52
      let equation = wide ? Self.breakable(row.equation) : row.equation
      var line = "\\item[\(row.rule):] " + (wide ? "\\mbox{}\\\\\n" : "") + "$\\displaystyle \(equation)$"
      if let note = row.note { line += " \\quad (as $\\displaystyle \(note)$)" }
      return line + "\n"
    }.joined()
    out += "\\end{description}\n"
    let layout = LaTeXLayout(printer: ExpressionPrinter(graph: formula.graph, notation: .latex, brackets: brackets))
    out += "Putting the pieces together:\n" + Self.display(layout.lines(lhs: lhs, derivation.assembled))
    if !derivation.simplifications.isEmpty {
      out += "Simplified by " + derivation.simplifications.map { $0.rawValue }.joined(separator: ", ")
      out += derivation.rearranged ? ", and arranged by the distributive law as \\texttt{diff} prints it:\n" : ":\n"
    }
    out += Self.display(layout.lines(lhs: lhs, derivation.result))
    if let diffForm = derivation.diffForm {
      out +=
        derivation.agreesNumerically
        ? "The partial derivatives above show the same function (they agree at random points), arranged differently:\n"
        : "The partial derivatives above show a form that disagrees with this one at a random point (a bug: please report it):\n"
      out += Self.display(layout.lines(lhs: lhs, diffForm))
    }
    return out
  }
}
