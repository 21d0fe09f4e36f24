import ChainRule

/// `chainrule diff`: every partial derivative, simplified, with values at a point.
enum DiffCommand {
  static let declaration = Subcommand(
    name: "diff",
    summary: "Print every partial derivative, simplified (default when a formula is given).",
    overview: "Print every partial derivative of a formula, simplified.",
    usage: [
      "chainrule diff <formula> [--wrt <names>] [--at <point>] [--format <format>] [--full]",
      "       chainrule diff --file <path> [<options>]",
    ],
    arguments: [
      HelpEntry(
        "<formula>", "A formula, e.g. 'sin(x)^2*y', or lines 'name = formula' separated",
        "by newlines or ';' (the last line is the result).")
    ],
    options: [
      CommandOption(
        "--wrt", value: "<names>", help: "Differentiate with respect to these, e.g. beta0,omega0",
        "(default: every variable, in order of first appearance)."),
      CommandOption("--at", value: "<point>", help: "Evaluate at name=value pairs, e.g. x=1.5,y=-2."),
      CommandOption(
        "--format", value: "<format>", help: "plain, unicode, latex or json",
        "(default: unicode on a terminal, plain otherwise)."),
      CommandOption.file,
      CommandOption("--steps", help: "Show how each derivative is obtained, one named rule per line."),
      CommandOption(
        "--full", help: "Print closed forms of any size (larger than 10000 operations",
        "are otherwise summarised)."),
    ] + MatrixCommand.diffOptions,
    discussion: """
      EXAMPLES:
        chainrule diff 'sin(x)^2*y' --at x=1,y=2
        chainrule diff 'f = w*x + b; l = (f - y)^2' --wrt w,b --format json
        chainrule diff -f Examples/numpy-two-layer.chain --steps   (matrix mode: declarations x: N×D_in)

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(
    _ arguments: Arguments, _ context: CommandContext,
    defaultVariables: ((Formula) -> [String])? = nil
  ) throws(CommandError) -> CommandResult {
    var context = context
    if let matrix = try MatrixCommand.diff(arguments, &context) { return matrix }
    let request = try GradientRequest(
      arguments, command: "diff", stdin: context.stdin, isTerminal: context.isTerminal,
      defaultVariables: defaultVariables ?? { $0.variables })
    let report = DerivativeReport(request, full: arguments.flags.contains("--full"))
    var values: [NodeID: Double] = [:]
    var kinks: [Evaluator.Kink] = []
    if let point = request.pointValues {
      (values, kinks) = try request.evaluate([report.closedForm], at: point)
      // All derivatives share their nodes: evaluate them in one pass; only when that fails,
      // one at a time, to say which derivative has no value.
      let evaluator = Evaluator(graph: request.formula.graph)
      let derivatives = report.rows.map(\.simplified)
      if let all = try? evaluator.values(of: derivatives, at: point) {
        values.merge(GradientRequest.pick(derivatives, from: all.values)) { a, _ in a }
        kinks += all.kinks
      } else {
        try evaluateOneByOne()
      }
    }
    func evaluateOneByOne() throws(CommandError) {
      guard let point = request.pointValues else { return }
      for row in report.rows {
        do throws(CommandError) {
          let (derivativeValues, derivativeKinks) = try request.evaluate([row.simplified], at: point)
          values.merge(derivativeValues) { a, _ in a }
          kinks += derivativeKinks
        } catch {
          guard case .input(let message) = error else { throw error }
          let lhs = request.notation.partial(of: request.formula.resultName, withRespectTo: row.variable)
          throw .input(
            "error: the derivative \(lhs) has no value at this point: "
              + message.dropFirst("error: ".count))
        }
      }
    }
    let steps = arguments.flags.contains("--steps")
    let text = request.json ? report.json(values: values, steps: steps) : report.text(values: values, steps: steps)
    let notes = (request.independenceNotes() + request.kinkNotes(kinks)).map { $0 + "\n" }.joined()
    return CommandResult(stdout: text, stderr: notes)
  }
}

/// The derivatives of a request, simplified where small enough to print.
struct DerivativeReport {
  struct Row {
    var variable: String
    /// The shared, unsimplified adjoint from the backward sweep.
    var raw: NodeID
    /// The canonical form (equal to `raw` when too large to simplify).
    var simplified: NodeID
    /// Whether the closed form is too large to print and was summarised.
    var summarised: Bool
    /// Operations of the closed form as printed, or the tree size of `raw` when summarised.
    var operations: Int
    /// Distinct nodes of this derivative alone (nil past 200 variables: one pass each would be
    /// quadratic; the report's ``allDistinctNodes`` counts them together).
    var distinctNodes: Int?
  }

  let request: GradientRequest
  let closedForm: NodeID
  let rows: [Row]
  /// Distinct nodes of all the derivatives together: their size with sharing.
  let allDistinctNodes: Int

  init(_ request: GradientRequest, full: Bool) {
    self.request = request
    let formula = request.formula
    closedForm = formula.simplified(formula.root)
    let gradient = formula.gradient(withRespectTo: request.variables)
    var canonical = CanonicalForm(graph: formula.graph)
    var counter = PrintedOperationCounter(graph: formula.graph)
    let sizes = formula.graph.treeOperationCounts(gradient)
    allDistinctNodes = formula.graph.distinctNodeCount(gradient)
    rows = zip(request.variables, zip(gradient, sizes)).map { variable, pair in
      let (raw, size) = pair
      let distinct = request.variables.count <= 200 ? formula.graph.distinctNodeCount([raw]) : nil
      if size > GradientRequest.printLimit * 4 && !full {
        return Row(
          variable: variable, raw: raw, simplified: raw, summarised: true, operations: size,
          distinctNodes: distinct)
      }
      let simple = canonical.simplify(raw)
      let operations = counter.count(simple)
      return Row(
        variable: variable, raw: raw, simplified: simple,
        summarised: operations > GradientRequest.printLimit && !full, operations: operations,
        distinctNodes: distinct)
    }
  }

  /// The plain, Unicode or LaTeX report.
  func text(values: [NodeID: Double], steps: Bool = false) -> String {
    let formula = request.formula
    let notation = request.notation
    let printer = formula.printer(notation)
    let result = formula.resultName
    var out = ""
    if formula.program.definitions.count > 1 {
      let local = ExpressionGraph()
      for definition in formula.program.definitions {
        let body = local.build(definition.body)
        var canonical = CanonicalForm(graph: local)
        let name = notation.name(definition.name ?? result)
        out += "\(name) = \(ExpressionPrinter(graph: local, notation: notation).string(canonical.simplify(body)))\n"
      }
    } else {
      out += "\(notation.name(result)) = \(printer.string(closedForm))\n"
    }
    if let point = request.point, let value = values[closedForm] {
      out +=
        "at \(ValueFormat.point(point, notation)):  \(notation.name(result)) = \(ValueFormat.text(value, notation))\n"
    }
    for row in rows {
      out += "\n"
      let lhs = notation.partial(of: result, withRespectTo: row.variable)
      if row.summarised {
        out +=
          "\(lhs): the closed form has \(row.operations) operations (\(row.distinctNodes ?? allDistinctNodes) distinct nodes when shared);\n"
        out +=
          String(repeating: " ", count: lhs.count)
          + "  not printed: add --full to print it, or run 'chainrule trace' to see it computed step by step\n"
      } else {
        out += "\(lhs) = \(printer.string(row.simplified))\n"
      }
      if let value = values[row.simplified] {
        out += String(repeating: " ", count: lhs.count) + " = \(ValueFormat.text(value, notation))\n"
      }
      if steps && !row.summarised {
        out += "\n" + derivationRenderer(for: row.variable, notation: notation).text()
      }
    }
    return out
  }

  /// The JSON report: input, expression, variables, value, derivatives.
  /// The rule-by-rule derivation of ∂result/∂variable.
  func derivationRenderer(for variable: String, notation: Notation) -> DerivationRenderer {
    let derivation = Derivation(formula: request.formula, variable: variable)
    return DerivationRenderer(derivation: derivation, notation: notation, functionName: request.formula.resultName)
  }

  func json(values: [NodeID: Double], steps: Bool = false) -> String {
    let formula = request.formula
    let plain = formula.printer(.plain)
    let latex = formula.printer(.latex)
    var object: [(String, JSONValue)] = [
      ("input", .string(request.input.source)),
      ("expression", .string(plain.string(closedForm))),
      ("variables", .array(formula.variables.map { .string($0) })),
    ]
    if request.point != nil { object.append(("value", .number(values[closedForm]))) }
    object.append(("distinctNodes", .integer(allDistinctNodes)))
    object.append(
      (
        "derivatives",
        .array(
          rows.map { row in
            var entry: [(String, JSONValue)] = [("wrt", .string(row.variable))]
            entry.append(("expression", row.summarised ? .null : .string(plain.string(row.simplified))))
            entry.append(("latex", row.summarised ? .null : .string(latex.string(row.simplified))))
            if request.point != nil { entry.append(("value", .number(values[row.simplified]))) }
            entry.append(("operations", .integer(row.operations)))
            entry.append(("distinctNodes", row.distinctNodes.map { .integer($0) } ?? .null))
            if row.summarised { entry.append(("summarised", .bool(true))) }
            if steps && !row.summarised {
              let renderer = derivationRenderer(for: row.variable, notation: .plain)
              entry.append(
                (
                  "steps",
                  .array(
                    renderer.rows.map { step in
                      .object(
                        [("rule", .string(step.rule)), ("equation", .string(step.equation))]
                          + (step.note.map { [("functionRule", JSONValue.string($0))] } ?? []))
                    })
                ))
            }
            return .object(entry)
          })
      ))
    return JSONValue.object(object).serialized() + "\n"
  }
}
