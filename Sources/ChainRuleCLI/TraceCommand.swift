import ChainRule

/// `chainrule trace`: the forward pass, backward passes #1 and #2, and the closed forms beside them.
enum TraceCommand {
  static let declaration = Subcommand(
    name: "trace",
    summary: "Show the forward pass and backward passes beside the closed forms.",
    overview: "Show backpropagation step by step beside the expanded closed-form derivatives.",
    usage: [
      "chainrule trace <formula> --at <point> [--wrt <names>] [--data <names>]",
      "                       [--steps textbook|primitive] [--update <rate>] [--format <format>]",
    ],
    arguments: [
      HelpEntry(
        "<formula>", "A formula or definitions, as for 'diff'. Definitions name their", "own steps.")
    ],
    options: [
      CommandOption("--at", value: "<point>", help: "A value for every variable, e.g. x=2.3,y=2 (required)."),
      CommandOption(
        "--wrt", value: "<names>", help: "The parameters (default: every variable except the data names)."),
      CommandOption.data,
      CommandOption(
        "--steps", value: "<cut>", help: "textbook (default): each function application is a step and the",
        "arithmetic around it one step; primitive: one step per operation."),
      CommandOption("--update", value: "<rate>", help: "Append one gradient-descent step θ ← θ − rate·∂ℓ/∂θ."),
      ReluConvention.option,
      CommandOption("--format", value: "<format>", help: "plain, unicode or json."),
      CommandOption.file,
    ] + MatrixCommand.traceOptions,
    discussion: """
      The forward pass stores every step's value; backward pass #1 computes ∂ℓ/∂(each step)
      from last to first, reusing those values; backward pass #2 reads off every parameter's
      derivative. The closed forms beside them show how much work the reuse saves.

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    var context = context
    if let matrix = try MatrixCommand.trace(arguments, &context) {
      try ReluConvention.checkMatrixMode(arguments, command: "trace")
      return matrix
    }
    let (stdin, isTerminal) = (context.stdin, context.isTerminal)
    var dataNames: Set<String>? = nil
    if let text = arguments.values["--data"] {
      dataNames = Set(try OptionValues.names(text, option: "--data", command: "trace"))
    }
    let granularityText = arguments.values["--steps"] ?? "textbook"
    guard let granularity = StepGranularity(rawValue: granularityText) else {
      throw .usage("--steps must be textbook or primitive; found '\(granularityText)'", command: "trace")
    }
    var program: ForwardProgram? = nil
    if arguments.values["--format"] == "latex" {
      throw .usage("trace prints plain, unicode or json; for LaTeX use 'chainrule latex … --at …'", command: "trace")
    }
    let request = try GradientRequest(
      arguments, command: "trace", stdin: stdin, isTerminal: isTerminal,
      defaultVariables: { formula in
        let data = dataNames ?? Trace.defaultDataNames(among: formula.variables)
        let cut = ForwardProgram(formula: formula, dataNames: data, granularity: granularity)
        program = cut
        let parameters = cut.parameters(excluding: data)
        // A formula of data names only (e.g. `sin(x·y)`): differentiate by all of them.
        return parameters.isEmpty ? cut.parameters(excluding: []) : parameters
      })
    guard let point = request.pointValues else {
      throw .usage("trace needs a point: add --at name=value,… (a value for every variable)", command: "trace")
    }
    var rate: Double? = nil
    if let text = arguments.values["--update"] {
      guard let value = Double(text.replacingMinus()), value.isFinite else {
        throw .usage("--update expects a learning rate, e.g. --update 0.5; found '\(text)'", command: "trace")
      }
      rate = value
    }
    let formula = request.formula
    let data = dataNames ?? Trace.defaultDataNames(among: formula.variables)
    let forwardProgram = program ?? ForwardProgram(formula: formula, dataNames: data, granularity: granularity)
    let trace: Trace
    do throws(Trace.Failure) {
      trace = try Trace(
        program: forwardProgram, parameters: request.variables, point: point)
    } catch {
      switch error {
      case .evaluation(let failure, let step):
        let printer = ExpressionPrinter(graph: forwardProgram.graph, notation: request.notation)
        throw .input(request.describe(failure, printer: printer, context: "in step \(request.notation.name(step))"))
      }
    }
    let update = rate.map { rate in
      let result = trace.update(rate: rate)
      return (rate: rate, parameters: result.parameters, lossAfter: result.lossAfter)
    }
    let renderer = TraceRenderer(trace: trace, notation: request.notation)
    var text = request.json ? renderer.json(update: update).serialized() + "\n" : renderer.text(update: update)
    if !request.json, let program = try? Parser.parse(request.input.source), ReluConvention.uses(program) {
      text += "\n" + request.relu.traceNote(request.notation)
    }
    return CommandResult(stdout: text, stderr: request.pointNotes.map { $0 + "\n" }.joined())
  }
}
