import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Prints a ``Trace`` as text (plain or Unicode) and as JSON.
public struct TraceRenderer {
  public let trace: Trace
  public let notation: Notation
  /// Brackets around function arguments in LaTeX.
  public var brackets: ExpressionPrinter.Brackets = .square {
    didSet { stepPrinter.brackets = brackets }
  }
  /// Prints the steps and local derivatives; one printer, so shared parts are formatted once.
  private var stepPrinter: ExpressionPrinter

  /// Creates a renderer for `trace` in `notation` (``text(update:)`` is for plain and Unicode;
  /// ``LaTeXDocument`` lays out the LaTeX version).
  public init(trace: Trace, notation: Notation) {
    self.trace = trace
    self.notation = notation
    stepPrinter = ExpressionPrinter(graph: trace.graph, notation: notation, brackets: .square)
  }
  private var resultName: String { trace.forward.last?.step.name ?? "l" }

  /// ∂ℓ/∂name in this notation.
  public func partial(_ name: String) -> String { notation.partial(of: resultName, withRespectTo: name) }

  /// The right-hand side of an adjoint: `ω₃·∂ℓ/∂f₃ + …`, one term per contribution.
  public func expression(of adjoint: Trace.Adjoint) -> String {
    if adjoint.contributions.isEmpty { return "0" }
    let terms = adjoint.contributions.map { c in
      guard let consumer = c.consumer else { return stepPrinter.string(c.local) }
      if trace.graph.numberValue(c.local) == 1 { return partial(consumer) }
      return stepPrinter.factorString(c.local) + stepPrinter.times + partial(consumer)
    }
    // A term that starts with a minus joins with `−`, never `+ −`.
    var text = ""
    for (i, term) in terms.enumerated() {
      guard i > 0 else {
        text = term
        continue
      }
      if let sign = [notation.minus, "-"].first(where: { term.hasPrefix($0) }) {
        text += " \(notation.minus) " + term.dropFirst(sign.count)
      } else {
        text += " + " + term
      }
    }
    return text
  }

  /// `name = expression   = value` lines, values aligned.
  private func aligned(_ rows: [(String, String)], _ values: [Double]) -> String {
    let width = rows.map { $0.0.count + 3 + $0.1.count }.max() ?? 0
    return zip(rows, values).map { row, value in
      let left = "  \(row.0) = \(row.1)"
      return left + String(repeating: " ", count: max(1, width + 4 - left.count)) + "= " + format(value)
    }.joined(separator: "\n") + "\n"
  }

  private func format(_ value: Double) -> String {
    value.isFinite ? ValueFormat.text(value, notation) : "undefined"
  }

  /// The whole trace as text.
  public func text(update: (rate: Double, parameters: [(String, Double, Double)], lossAfter: Double)? = nil) -> String {
    var out = ""
    out += "Forward pass: each step computed once and stored\n"
    out += aligned(
      trace.forward.map { (notation.name($0.step.name), stepPrinter.string($0.step.expression)) },
      trace.forward.map(\.value))
    out += "\nBackward pass #1: \(partial("…")) for every step, last to first, reusing stored values\n"
    if trace.backward.isEmpty {
      let only = notation.name(resultName)
      out += "  nothing to do: \(only) is the only step, and \(partial(resultName)) = 1\n"
    } else {
      out += aligned(trace.backward.map { (partial($0.target), expression(of: $0)) }, trace.backward.map(\.value))
    }
    out += "\nBackward pass #2: every parameter's derivative from the step it enters\n"
    out += aligned(
      trace.parameterAdjoints.map { (partial($0.target), expression(of: $0)) },
      trace.parameterAdjoints.map(\.value))
    out += "\nThe same derivatives as expanded closed forms\n"
    let closedPrinter = ExpressionPrinter(graph: trace.formula.graph, notation: notation)
    for g in trace.gradients {
      if g.isSummarised {
        out += "  \(partial(g.parameter)): \(g.closedFormOperations) operations written out (not printed)\n"
        continue
      }
      out += "  \(partial(g.parameter)) = \(closedPrinter.string(g.closedForm))\n"
    }
    out += "\nThree ways to the same numbers\n"
    var table = [["parameter", "closed form", "backprop", "central difference", "closed-form operations"]]
    for g in trace.gradients {
      table.append([
        notation.name(g.parameter), format(g.closedFormValue), format(g.backpropValue),
        format(g.numericValue), String(g.closedFormOperations),
      ])
    }
    out += indent(TableLayout.render(table))
    out += "  largest relative disagreement: \(ValueFormat.error(trace.largestDisagreement, notation))\n"
    let cost = trace.cost
    let passes = cost.forwardOperations + cost.backwardOperations
    out += "\nCost\n"
    out += "  every closed form evaluated separately:  \(cost.closedFormOperations) operations\n"
    out +=
      "  one forward pass + one backward pass:    \(cost.forwardOperations) + \(cost.backwardOperations) = \(passes) operations\n"
    if cost.storedSteps.isEmpty {
      out += "  values kept in memory for the backward pass: none (its local derivatives read only the inputs)\n"
    } else {
      let stored = cost.storedSteps.map(notation.name).joined(separator: ", ")
      out += "  values kept in memory for the backward pass: \(cost.storedSteps.count) (\(stored))\n"
    }
    out += costSummary().map { "  " + $0 + "\n" }.joined()
    if let update {
      out += "\nOne gradient-descent step, θ ← θ − η·\(partial("θ")) with η = \(format(update.rate))\n"
      var rows = [["parameter", "before", "after"]]
      for (name, before, after) in update.parameters {
        rows.append([notation.name(name), format(before), format(after)])
      }
      out += indent(TableLayout.render(rows))
      out += "  \(notation.name(resultName)): \(format(trace.loss)) → \(format(update.lossAfter))\n"
    }
    return out
  }

  /// What the cost figures say, in lines: why the passes win, or why here they do not and where
  /// they start to (``CostCrossover``).
  private func costSummary() -> [String] {
    let cost = trace.cost
    let parameters = trace.parameterAdjoints.count
    if cost.passesAreCheaper {
      let ratio = Double(cost.closedFormOperations) / Double(max(1, cost.passOperations))
      return [
        "The closed forms do \(String(format: "%.1f", ratio))× the work of the two passes: each recomputes",
        "subexpressions the others share, while the backward pass reuses what the forward pass stored",
        "(which is why training needs more memory than inference).",
      ]
    }
    var lines = [
      "Here backprop is not cheaper: with \(parameters) parameter\(parameters == 1 ? "" : "s") and \(trace.forward.count) step\(trace.forward.count == 1 ? "" : "s") the closed forms",
      "share little work, and the passes pay for every step and adjoint. The saving grows with",
      "depth, since the closed forms repeat the chain below each parameter. For the chain",
      "f₀ = b₀ + w₀·x, f_k = b_k + w_k·sin(f_{k−1}), ℓ = (f_n − y)²:",
    ]
    if notation != .unicode {
      lines[3] = "f0 = b0 + w0*x, f_k = b_k + w_k*sin(f_(k-1)), l = (f_n - y)^2:"
    }
    let crossover = CostCrossover()
    var table = [["n", "parameters", "closed forms", "both passes"]]
    for row in crossover.rows {
      table.append([
        String(row.depth), String(row.parameters), String(row.closedFormOperations), String(row.passOperations),
      ])
    }
    lines += TableLayout.render(table).split(separator: "\n").map { "  " + $0 }
    switch crossover.firstDepthWherePassesWin {
    case 0?:
      lines.append("One layer with two parameters is already enough for the passes to win; after that the")
      lines.append("closed forms grow like n², the passes like n.")
    case let depth?: lines.append("The passes are cheaper from n = \(depth) on.")
    case nil: break
    }
    return lines
  }

  private func indent(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }
      .joined(separator: "\n")
  }

  /// The trace as JSON: forward, backward, gradient, cost (and update).
  public func json(update: (rate: Double, parameters: [(String, Double, Double)], lossAfter: Double)? = nil)
    -> JSONValue
  {
    let plain = ExpressionPrinter(graph: trace.graph, notation: .plain)
    let closed = ExpressionPrinter(graph: trace.formula.graph, notation: .plain)
    let ascii = TraceRenderer(trace: trace, notation: .plain)
    var object: [(String, JSONValue)] = [
      (
        "forward",
        .array(
          trace.forward.map {
            .object([
              ("name", .string($0.step.name)), ("expression", .string(plain.string($0.step.expression))),
              ("value", .number($0.value)),
            ])
          })
      ),
      (
        "backward",
        .array(
          (trace.backward + trace.parameterAdjoints).map {
            .object([
              ("name", .string(ascii.partial($0.target))), ("expression", .string(ascii.expression(of: $0))),
              ("value", .number($0.value)),
            ])
          })
      ),
      (
        "gradient",
        .array(
          trace.gradients.map {
            .object([
              ("wrt", .string($0.parameter)),
              ("closedForm", $0.isSummarised ? .null : .string(closed.string($0.closedForm))),
              ("closedFormValue", .number($0.closedFormValue)), ("backpropValue", .number($0.backpropValue)),
              ("numericValue", .number($0.numericValue)), ("closedFormOperations", .integer($0.closedFormOperations)),
            ])
          })
      ),
      (
        "cost",
        .object([
          ("closedFormOperations", .integer(trace.cost.closedFormOperations)),
          ("forwardOperations", .integer(trace.cost.forwardOperations)),
          ("backwardOperations", .integer(trace.cost.backwardOperations)),
          ("storedValues", .integer(trace.cost.storedSteps.count)),
          ("storedSteps", .array(trace.cost.storedSteps.map { .string($0) })),
        ])
      ),
      ("largestDisagreement", .number(trace.largestDisagreement)),
    ]
    if let update {
      object.append(
        (
          "update",
          .object([
            ("rate", .number(update.rate)), ("lossBefore", .number(trace.loss)),
            ("lossAfter", .number(update.lossAfter)),
            (
              "parameters",
              .array(
                update.parameters.map {
                  .object([("name", .string($0.0)), ("before", .number($0.1)), ("after", .number($0.2))])
                })
            ),
          ])
        ))
    }
    return .object(object)
  }
}

/// Left-aligned text columns separated by three spaces.
public enum TableLayout {
  /// The rows as aligned lines; the last column is not padded.
  public static func render(_ rows: [[String]]) -> String {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    return rows.map { row in
      row.enumerated().map { i, cell in
        i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
      }.joined(separator: "   ")
    }.joined(separator: "\n") + "\n"
  }
}
