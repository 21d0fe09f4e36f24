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

  /// The whole document, ready for `pdflatex`.
  public func document() -> String {
    """
    \\documentclass{article}
    \\usepackage{amsmath}
    \\usepackage{amssymb}
    \(graph == nil ? "" : "\\usepackage{graphicx}\n" + TikZWriter.preamble)\
    \\allowdisplaybreaks
    \\begin{document}

    \(body())
    \\end{document}

    """
  }

  /// The document body alone, for `\input`.
  public func body() -> String {
    var out = "\\section*{The model}\n"
    out += modelSection()
    if let point {
      out += "\nat $" + point.map { "\(notation.name($0.0)) = \(Self.value($0.1))" }.joined(separator: ",\\ ") + "$.\n"
    }
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
    }
    if includeSteps {
      out += "\n\\section*{Step-by-step derivations}\n"
      for variable in variables {
        out += derivationSection(variable)
      }
    }
    return out
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
    for (index, (variable, id)) in zip(variables, simplified).enumerated() {
      let lhs = notation.partial(of: resultName, withRespectTo: variable)
      let operations = sizes[index]
      if operations > printLimit {
        out += "\n$\(lhs)$ has about \(operations) operations in closed form; it is not printed here.\n"
        continue
      }
      let lines = layout.lines(lhs: lhs, id, suffix: values?[id].map { Self.value($0) })
      out += "\\begin{multline*}\n" + lines.joined(separator: "\\\\\n") + "\n\\end{multline*}\n"
    }
    return out
  }

  private func traceSections(_ trace: Trace) -> String {
    var renderer = TraceRenderer(trace: trace, notation: .latex)
    renderer.brackets = brackets
    let printer = ExpressionPrinter(graph: trace.graph, notation: .latex, brackets: brackets)
    var out = "\n\\section*{Forward pass}\nEach step is computed once and stored.\n\\begin{align*}\n"
    out += trace.forward.map {
      "\(notation.name($0.step.name)) &= \(printer.string($0.step.expression)) & &= \(Self.value($0.value))"
    }.joined(separator: "\\\\\n")
    out += "\n\\end{align*}\n"
    out +=
      "\n\\section*{Backward pass \\#1}\nThe derivative of $\(notation.name(resultName))$ with respect to every step, last to first, reusing the stored values.\n"
    out += adjointRows(trace.backward, renderer)
    out += "\n\\section*{Backward pass \\#2}\nEvery parameter's derivative, from the step it enters.\n"
    out += adjointRows(trace.parameterAdjoints, renderer)
    out += "\n\\section*{Three ways to the same numbers}\n\\begin{center}\\small\n\\begin{tabular}{lrrrr}\n"
    out += "& closed form & backprop & finite differences & operations\\\\\n\\hline\n"
    for g in trace.gradients {
      let values = [g.closedFormValue, g.backpropValue, g.numericValue].map { "$" + Self.value($0, digits: 10) + "$" }
      out +=
        "$\(notation.name(g.parameter))$ & " + values.joined(separator: " & ") + " & \(g.closedFormOperations)\\\\\n"
    }
    out += "\\end{tabular}\n\\end{center}\n"
    let cost = trace.cost
    out += "\n\\section*{Cost}\n\\begin{itemize}\n"
    out += "\\item every closed form evaluated separately: \(cost.closedFormOperations) operations;\n"
    out +=
      "\\item one forward pass and one backward pass: \(cost.forwardOperations) + \(cost.backwardOperations) = \(cost.forwardOperations + cost.backwardOperations) operations;\n"
    out +=
      "\\item values kept in memory for the backward pass: \(cost.storedSteps.count) ($"
      + cost.storedSteps.map(notation.name).joined(separator: ", ") + "$).\n"
    out += "\\end{itemize}\n"
    return out
  }

  private func adjointRows(_ adjoints: [Trace.Adjoint], _ renderer: TraceRenderer) -> String {
    guard !adjoints.isEmpty else { return "" }
    let rows = adjoints.map { adjoint in
      "\(renderer.partial(adjoint.target)) &= \(renderer.expression(of: adjoint)) & &= \(Self.value(adjoint.value))"
    }
    return "\\begin{align*}\n" + rows.joined(separator: "\\\\\n") + "\n\\end{align*}\n"
  }

  private func derivationSection(_ variable: String) -> String {
    let derivation = Derivation(formula: formula, variable: variable)
    let renderer = DerivationRenderer(
      derivation: derivation, notation: .latex, functionName: resultName, brackets: brackets)
    let lhs = notation.partial(of: resultName, withRespectTo: variable)
    var out = "\n\\subsection*{How $\(lhs)$ is obtained}\n"
    let definitions = renderer.definitions
    if !definitions.isEmpty {
      out += "With the inner functions\n\\begin{align*}\n"
      out += definitions.map { "\($0.0) &= \($0.1)" }.joined(separator: "\\\\\n")
      out += "\n\\end{align*}\n"
    }
    out += "\\begin{align*}\n"
    out += renderer.rows.map { row in
      var line = "&\\text{\(row.rule):} & \(row.equation.replacingOccurrences(of: " = ", with: " &= ", count: 1))"
      if let note = row.note { line += "\\\\\n& & &\\qquad\\left(\(note)\\right)" }
      return line
    }.joined(separator: "\\\\\n")
    out += "\n\\end{align*}\n"
    let layout = LaTeXLayout(printer: ExpressionPrinter(graph: formula.graph, notation: .latex, brackets: brackets))
    out += "Putting the pieces together:\n\\begin{multline*}\n"
    out += layout.lines(lhs: lhs, derivation.assembled).joined(separator: "\\\\\n") + "\n\\end{multline*}\n"
    if !derivation.simplifications.isEmpty {
      out += "Simplified by " + derivation.simplifications.map { $0.rawValue }.joined(separator: ", ")
      out += derivation.rearranged ? ", and arranged by the distributive law as \\texttt{diff} prints it:\n" : ":\n"
    }
    out +=
      "\\begin{multline*}\n" + layout.lines(lhs: lhs, derivation.result).joined(separator: "\\\\\n")
      + "\n\\end{multline*}\n"
    return out
  }
}
