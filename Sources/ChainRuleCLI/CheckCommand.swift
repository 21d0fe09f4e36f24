import ChainRule

/// `chainrule check`: symbolic derivatives against central differences, one row per variable.
enum CheckCommand {
  static let declaration = Subcommand(
    name: "check",
    summary: "Compare the symbolic derivatives with central differences.",
    overview: "Check symbolic derivatives against central finite differences.",
    usage: ["chainrule check <formula> --at <point> [--wrt <names>] [--format <format>]"],
    arguments: [HelpEntry("<formula>", "A formula or definitions, as for 'diff'.")],
    options: [
      CommandOption("--at", value: "<point>", help: "The point, e.g. x=1.5,y=-2 (required)."),
      CommandOption("--wrt", value: "<names>", help: "The variables to check (default: all)."),
      CommandOption("--format", value: "<format>", help: "plain, unicode or json."),
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
    let request = try GradientRequest(arguments, command: "check", stdin: stdin, isTerminal: isTerminal)
    guard let point = request.point, let values = request.pointValues else {
      throw .usage("check needs a point: add --at name=value,…", command: "check")
    }
    let formula = request.formula
    let gradient = formula.gradient(withRespectTo: request.variables)
    let kinks = try request.kinks(evaluating: [formula.root] + gradient, at: values)
    let rows: [GradientCheck.Row]
    do {
      rows = try request.checkRows(gradient, at: values)
    } catch {
      throw .input(request.describe(error))
    }
    let failed = rows.contains { $0.status == .disagrees }
    let renderer = GradientCheckRenderer(
      rows: rows, resultName: request.formula.resultName, notation: request.notation, point: point)
    let text = request.json ? renderer.json().serialized() + "\n" : renderer.table()
    let notes =
      (request.pointNotes + DerivativeReportRenderer.kinkNotes(kinks, formula: formula, notation: request.notation))
      .map { $0 + "\n" }.joined()
    return CommandResult(stdout: text, stderr: notes, exitCode: failed ? ExitCode.failure : ExitCode.success)
  }
}
