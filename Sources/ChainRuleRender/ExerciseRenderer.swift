import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Prints an ``Exercise``: the problem as text, the answer key as JSON, and the problem with its
/// worked solution as a LaTeX document (the derivations and, for a network, the trace, laid out
/// by ``LaTeXDocument``).
public struct ExerciseRenderer {
  public let exercise: Exercise

  public init(exercise: Exercise) { self.exercise = exercise }

  private var formula: Formula { exercise.formula }
  private var resultName: String { formula.resultName }

  /// What the exercise practises, in words.
  public var topicText: String {
    switch exercise.topic {
    case .chain: "the chain rule"
    case .product: "the product rule"
    case .quotient: "the quotient rule"
    case .network: "backpropagation through a small network"
    }
  }

  /// The formula's lines as printed in `notation` (a network's definitions one per line).
  private func lines(_ notation: Notation) -> [String] {
    let local = ExpressionGraph()
    return formula.program.definitions.map { definition in
      // As the exercise is written (and as the grade command below quotes it).
      let printer = ExpressionPrinter(graph: local, notation: notation, brackets: .round)
      let body = printer.string(local.build(definition.body))
      return notation.name(definition.name ?? resultName) + " = " + body
    }
  }

  private func pointText(_ notation: Notation, separator: String = ", ") -> String {
    exercise.point.map { "\(notation.name($0.0)) = \(notation.number($0.1))" }.joined(separator: separator)
  }

  private func wrtText(_ notation: Notation) -> String {
    exercise.variables.map(notation.name).joined(separator: ", ")
  }

  /// The problem, without its solution, and how to check an answer.
  public func text(_ notation: Notation) -> String {
    let n = notation == .latex ? Notation.plain : notation
    var out = "Exercise (level \(exercise.level), \(topicText); seed \(exercise.seed))\n\n"
    if exercise.topic == .network {
      out += "  The network and its loss:\n"
      for line in lines(n) { out += "    \(line)\n" }
      out +=
        "  Compute \(exercise.variables.map { n.partial(of: resultName, withRespectTo: $0) }.joined(separator: ", "))"
      out += " by a forward and a backward pass at\n    \(pointText(n)).\n"
    } else {
      out += "  Differentiate  \(lines(n).joined(separator: "; "))  with respect to \(wrtText(n)),\n"
      out += "  and evaluate the derivative at \(pointText(n)).\n"
    }
    out += "\nCheck your answer:\n"
    let quoted = exercise.source.replacingOccurrences(of: "\n", with: "; ")
    let first = exercise.variables.first ?? "x"
    if exercise.topic == .network {
      out += "  chainrule grade '\(quoted)' --answer 'dl/d\(first) = …'\n"
      // A step of the backward pass the trace really has (the one before the result).
      let program = ForwardProgram(formula: formula, dataNames: Trace.defaultDataNames(among: formula.variables))
      let step = program.steps.dropLast().last?.name ?? first
      out += "  chainrule grade '\(quoted)' --trace --answer 'dl/d\(step) = …'   (a line of the backward pass)\n"
    } else {
      out += "  chainrule grade '\(quoted)' --wrt \(first) --answer '…'\n"
    }
    let options = "--seed \(exercise.seed) --level \(exercise.level) --topic \(exercise.topic.rawValue)"
    out += "The worked solution:  chainrule exercise \(options) --format latex -o solution.tex\n"
    out += "The answer key:       chainrule exercise \(options) --format json\n"
    return out
  }

  /// The answer key.
  public func json() -> JSONValue {
    let plain = formula.printer(.plain, brackets: .round)
    let latex = formula.printer(.latex)
    let answers: [JSONValue] = exercise.answers.map { answer in
      .object([
        ("wrt", .string(answer.variable)), ("expression", .string(plain.string(answer.derivative))),
        ("latex", .string(latex.string(answer.derivative))), ("value", .number(answer.value)),
      ])
    }
    return .object([
      ("seed", .integer(Int(truncatingIfNeeded: exercise.seed))), ("level", .integer(exercise.level)),
      ("topic", .string(exercise.topic.rawValue)), ("formula", .string(exercise.source)),
      ("function", .string(resultName)), ("variables", .array(exercise.variables.map { .string($0) })),
      ("point", .object(exercise.point.map { ($0.0, JSONValue.number($0.1)) })),
      ("rules", .array(exercise.rules.map { .string($0.rawValue) })),
      ("answers", .array(answers)),
    ])
  }

  /// The problem and its worked solution as a document that compiles with pdflatex.
  public func latex() -> String {
    var out = """
      \\documentclass{article}
      \\usepackage{amsmath}
      \\usepackage{amssymb}
      \\allowdisplaybreaks
      \\begin{document}

      \\section*{Exercise (level \(exercise.level): \(topicText))}

      """
    let math = lines(.latex).joined(separator: "\\\\\n")
    let point = pointText(.latex, separator: ",\\ ")
    if exercise.topic == .network {
      out += "For the network and its loss\n\\begin{gather*}\n\(math)\n\\end{gather*}\n"
      let asked = exercise.variables.map {
        "$\\partial \(Notation.latex.name(resultName)) / \\partial \(Notation.latex.name($0))$"
      }
      out += "compute " + asked.joined(separator: ", ") + " by a forward and a backward pass at $\(point)$.\n"
    } else {
      out += "Differentiate\n\\begin{gather*}\n\(math)\n\\end{gather*}\n"
      out += "with respect to $\(wrtText(.latex))$ and evaluate the derivative at $\(point)$.\n"
    }
    out += "\n\\bigskip\\hrule\\bigskip\n\\section*{Solution}\n"
    let document = LaTeXDocument(
      formula: formula, variables: exercise.variables, point: exercise.point, trace: exercise.trace,
      includeSteps: true, brackets: .round)
    out += document.body().replacingOccurrences(of: "\\section*{", with: "\\subsection*{")
      .replacingOccurrences(of: "\\subsection*{How", with: "\\subsubsection*{How")
    out += "\n\\end{document}\n"
    return out
  }
}
