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
    let (_, kinks) = try request.evaluate([formula.root] + gradient, at: values)
    let rows: [GradientCheck.Row]
    do {
      rows = try request.checkRows(gradient, at: values)
    } catch {
      throw .input(request.describe(error))
    }
    let failed = rows.contains { $0.status == .disagrees }
    let text = request.json ? json(rows) : table(rows, request: request, point: point)
    let notes = (request.pointNotes + request.kinkNotes(kinks)).map { $0 + "\n" }.joined()
    return CommandResult(stdout: text, stderr: notes, exitCode: failed ? ExitCode.failure : ExitCode.success)
  }

  static func verdict(_ status: GradientCheck.Status) -> String {
    switch status {
    case .agrees: "ok"
    case .disagrees: "MISMATCH"
    case .kink: "kink: not differentiable here (convention used)"
    case .undefined(let why): "not checked: \(why)"
    }
  }

  static func table(_ rows: [GradientCheck.Row], request: GradientRequest, point: [(String, Double)]) -> String {
    let n = request.notation == .latex ? Notation.plain : request.notation
    let result = request.formula.resultName
    var out = "gradient check of \(n.name(result)) at \(ValueFormat.point(point, n))\n"
    out += "symbolic: the derivative ChainRule printed; numeric: Richardson-extrapolated central differences\n\n"
    let header = ["variable", "symbolic", "numeric", "abs error", "rel error", "tolerance", "verdict"]
    var lines = [header]
    for row in rows {
      lines.append([
        n.name(row.variable), ValueFormat.text(row.symbolic, n), ValueFormat.text(row.numeric, n),
        ValueFormat.error(row.absoluteError), ValueFormat.error(row.relativeError),
        ValueFormat.error(row.tolerance), verdict(row.status),
      ])
    }
    out += TableLayout.render(lines)
    let failures = rows.filter { $0.status == .disagrees }.count
    let checked = rows.filter { $0.status == .agrees || $0.status == .disagrees }.count
    let unchecked = rows.count - checked
    if failures > 0 {
      out += "\n\(failures) of \(checked) checked derivative\(checked == 1 ? "" : "s") disagree with the numbers\n"
    } else if checked == 1 {
      out += "\nthe derivative agrees with the numbers\n"
    } else if checked > 1 {
      out += "\nall \(checked) derivatives agree with the numbers\n"
    }
    if unchecked > 0 {
      out += "\(unchecked) not checked: finite differences cannot judge a derivative at a kink or off its domain\n"
    }
    return out
  }

  static func json(_ rows: [GradientCheck.Row]) -> String {
    let entries: [JSONValue] = rows.map { row in
      .object([
        ("wrt", .string(row.variable)), ("symbolic", .number(row.symbolic)),
        ("numeric", .number(row.numeric)), ("absoluteError", .number(row.absoluteError)),
        ("relativeError", .number(row.relativeError)), ("tolerance", .number(row.tolerance)),
        ("verdict", .string(verdict(row.status))),
      ])
    }
    let passed = !rows.contains { $0.status == .disagrees }
    return JSONValue.object([("passed", .bool(passed)), ("rows", .array(entries))]).serialized() + "\n"
  }
}
