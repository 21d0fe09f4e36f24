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
      ReluConvention.option,
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
    if let matrix = try MatrixCommand.diff(arguments, &context) {
      try ReluConvention.checkMatrixMode(arguments, command: "diff")
      return matrix
    }
    let request = try GradientRequest(
      arguments, command: "diff", stdin: context.stdin, isTerminal: context.isTerminal,
      defaultVariables: defaultVariables ?? { $0.variables })
    var report = DerivativeReport(
      formula: request.formula, variables: request.variables, full: arguments.flags.contains("--full"))
    if let point = request.pointValues {
      do throws(EvaluationError) {
        try report.evaluate(at: point)
      } catch {
        throw .input(request.describe(error))
      }
    }
    let renderer = DerivativeReportRenderer(report: report, notation: request.notation, point: request.point)
    let steps = arguments.flags.contains("--steps")
    let text =
      request.json
      ? renderer.json(input: request.input.source, steps: steps).serialized() + "\n" : renderer.text(steps: steps)
    var messages = request.pointNotes + renderer.notes(independentOf: request.variables) + renderer.errors
    if request.variables.isEmpty {
      // Nothing to differentiate: say why, and how to make a defined number a variable again.
      let fixed = request.formula.program.definitions.dropLast().compactMap { definition -> String? in
        guard let name = definition.name else { return nil }
        switch definition.body {
        case .number(let value, _): return "\(name)=\(ValueFormat.text(value, .plain))"
        case .negate(.number(let value, _), _): return "\(name)=\(ValueFormat.text(-value, .plain))"
        default: return nil
        }
      }
      let result = request.formula.resultName
      messages.append(
        fixed.isEmpty
          ? "note: \(result) has no variables, so it has no derivatives"
          : "note: \(result) has no variables: lines such as '\(fixed[0].replacingOccurrences(of: "=", with: " = "))' make "
            + "constants; to differentiate by them, drop those lines and give the values with --at \(fixed.joined(separator: ","))"
      )
    }
    return CommandResult(
      stdout: text, stderr: messages.map { $0 + "\n" }.joined(),
      exitCode: renderer.errors.isEmpty ? ExitCode.success : ExitCode.failure)
  }
}
