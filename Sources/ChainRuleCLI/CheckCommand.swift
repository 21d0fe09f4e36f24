import ChainRule

/// `chainrule check`: symbolic derivatives against central differences, one row per variable.
enum CheckCommand {
  static let declaration = Subcommand(
    name: "check",
    summary: "Compare the symbolic derivatives with central differences.",
    overview: "Check symbolic derivatives against central finite differences.",
    usage: ["chainrule check <formula> --at <point> [--wrt <names>] [--data <names>] [--format <format>]"],
    arguments: [HelpEntry("<formula>", "A formula or definitions, as for 'diff'.")],
    options: [
      CommandOption("--at", value: "<point>", help: "The point, e.g. x=1.5,y=-2 (required)."),
      CommandOption("--wrt", value: "<names>", help: "The variables to check (default: all)."),
      CommandOption(
        "--data", value: "<names>", help: "The data names, e.g. x,y, as for 'trace': only the other variables",
        "(the parameters) are checked."),
      CommandOption("--format", value: "<format>", help: "plain, unicode or json."),
      ReluConvention.option,
      CommandOption.file,
    ],
    discussion: """
      The numeric derivative is Richardson-extrapolated from central differences with steps h and
      h/2 (h = ε^(1/3)·max(1, |x|)); the tolerance is estimated from the same differences. Exits 1
      if any derivative disagrees. At a kink (relu, abs, max … switching branch within the step)
      the row says so instead of failing.

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    let (stdin, isTerminal) = (context.stdin, context.isTerminal)
    if arguments.values["--format"] == "latex" {
      throw .usage("check prints plain, unicode or json; for LaTeX use 'chainrule latex … --at …'", command: "check")
    }
    var dataNames: [String] = []
    if let text = arguments.values["--data"] {
      dataNames = try OptionValues.names(text, option: "--data", command: "check")
    }
    var unknownData: [String] = []
    let request = try GradientRequest(
      arguments, command: "check", stdin: stdin, isTerminal: isTerminal,
      defaultVariables: { formula in
        unknownData = dataNames.filter { !formula.variables.contains($0) }
        let parameters = formula.variables.filter { !dataNames.contains($0) }
        // A formula of data names only (e.g. `sin(x·y)`): check all of them.
        return parameters.isEmpty ? formula.variables : parameters
      })
    if !unknownData.isEmpty {
      throw .usage(
        "--data: \(unknownData.joined(separator: ", ")) \(unknownData.count == 1 ? "is not a variable" : "are not variables") of the formula; its variables are "
          + request.formula.variables.joined(separator: ", "), command: "check")
    }
    guard let point = request.point, let values = request.pointValues else {
      throw .usage("check needs a point: add --at name=value,…", command: "check")
    }
    let formula = request.formula
    let gradient = formula.gradient(withRespectTo: request.variables)
    let kinks = try request.kinks(evaluating: [formula.root] + gradient, at: values)
    let rows: [GradientCheck.Row]
    let chosen = Self.checkedIndices(count: gradient.count, nodes: formula.graph.distinctNodeCount([formula.root]))
    var sampled = request
    sampled.variables = chosen.map { request.variables[$0] }
    do {
      rows = try sampled.checkRows(chosen.map { gradient[$0] }, at: values)
    } catch {
      throw .input(request.describe(error))
    }
    let failed = rows.contains { $0.status == .disagrees }
    let renderer = GradientCheckRenderer(
      rows: rows, resultName: request.formula.resultName, notation: request.notation, point: point)
    let text = request.json ? renderer.json().serialized() + "\n" : renderer.table()
    let sampleNote =
      chosen.count < gradient.count
      ? [
        "note: checked \(chosen.count) of the \(gradient.count) derivatives, evenly spread from the first to the last: a central difference evaluates the whole formula five times per derivative, so checking all would take time quadratic in its size; choose others with --wrt"
      ] : []
    let notes =
      (request.pointNotes + sampleNote
      + DerivativeReportRenderer.kinkNotes(kinks, formula: formula, notation: request.notation))
      .map { $0 + "\n" }.joined()
    return CommandResult(stdout: text, stderr: notes, exitCode: failed ? ExitCode.failure : ExitCode.success)
  }

  /// Central differences evaluate the formula five times per derivative; all of them together
  /// are kept to about this many node evaluations, so `check` stays linear in the formula's size.
  static let evaluationBudget = 20_000_000

  /// The derivatives checked: all of them while within ``evaluationBudget``, else an even
  /// spread from the first to the last (at least 2).
  static func checkedIndices(count: Int, nodes: Int) -> [Int] {
    let affordable = max(2, evaluationBudget / max(1, 5 * nodes))
    guard count > affordable else { return Array(0..<count) }
    return (0..<affordable).map { $0 * (count - 1) / (affordable - 1) }
  }
}
