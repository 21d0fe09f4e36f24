import ChainRule

/// `chainrule trace`: the forward pass, backward passes #1 and #2, and the closed forms beside them.
enum TraceCommand {
  static let valueOptions: Set<String> = ["--wrt", "--at", "--format", "--file", "--data", "--steps", "--update"]
  static let flagOptions: Set<String> = []

  static func run(_ arguments: Arguments, stdin: () -> String?, isTerminal: Bool) throws(CommandError)
    -> CommandResult
  {
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
        program: forwardProgram, parameters: request.variables, point: point,
        printedOperations: ExpressionPrinter.plainOperationCounter(for: [formula.graph, forwardProgram.graph]))
    } catch {
      switch error {
      case .evaluation(let failure, let step):
        let printer = ExpressionPrinter(graph: forwardProgram.graph, notation: request.notation)
        var message = request.describe(failure, printer: printer)
        message = message.replacingOccurrences(
          of: "error: ", with: "error: in step \(request.notation.name(step)): ", maxCount: 1)
        throw .input(message)
      }
    }
    let update = rate.map { rate in
      let result = trace.update(rate: rate)
      return (rate: rate, parameters: result.parameters, lossAfter: result.lossAfter)
    }
    let renderer = TraceRenderer(trace: trace, notation: request.notation)
    let text = request.json ? renderer.json(update: update).serialized() + "\n" : renderer.text(update: update)
    return CommandResult(stdout: text)
  }
}

extension String {
  func replacingOccurrences(of target: String, with replacement: String, maxCount: Int) -> String {
    guard let range = range(of: target) else { return self }
    return replacingCharacters(in: range, with: replacement)
  }
}
