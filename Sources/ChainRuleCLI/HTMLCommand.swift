import ChainRule
import Foundation

/// `chainrule html`: a lesson on one formula as one self-contained HTML page.
enum HTMLCommand {
  static let declaration = Subcommand(
    name: "html",
    summary: "Write a lesson on a formula as one self-contained HTML page.",
    overview: "Write a lesson on a formula as one HTML page: graph, passes, derivatives, derivations.",
    usage: [
      "chainrule html <formula> [--at <point>] [--wrt <names>] [--data-names <names>]",
      "                       [--steps textbook|primitive] [--data <file.csv> [--lr <rate>]",
      "                       [--epochs <n>] [--seed <n>]] [-o <file.html>]",
    ],
    arguments: [
      HelpEntry("<formula>", "A formula or definitions, as for 'trace'. Definitions name their", "own steps.")
    ],
    options: [
      CommandOption(
        "--at", value: "<point>", help: "A value for every variable: the passes and derivatives then show",
        "their values. With --data: starting values of the training instead."),
      CommandOption(
        "--wrt", value: "<names>", help: "The parameters (default: every variable except the data names)."),
      CommandOption(
        "--steps", value: "<cut>", help: "textbook (default) or primitive (one operation per step), as for",
        "'trace'."),
      CommandOption(
        "--data", value: "<file.csv>", help: "Train on these rows, as 'train' does (sgd, full batch), and plot",
        "the loss per epoch; the columns are the data. The passes are shown",
        "at the starting values and the first row."),
      CommandOption(
        "--data-names", value: "<names>", help: "Without --data: the data names, as --data of 'trace' (default:",
        "x, y, t, i with any subscript, x_i, y_i, target, input)."),
      CommandOption("--lr", value: "<rate>", help: "The learning rate with --data (default: 0.05)."),
      CommandOption("--epochs", value: "<n>", help: "Epochs with --data (default: 100)."),
      CommandOption("--seed", value: "<n>", help: "Seed for random starting values with --data (default: 1)."),
      CommandOption("--output", short: "-o", value: "<file>", help: "Write to a file instead of standard output."),
      CommandOption.file,
    ],
    discussion: """
      The page holds the model as written, its computation graph (SVG), the forward pass and
      backward passes #1 and #2 with values, every derivative in the definitions' names and
      expanded with the three ways to its value, each derivative rule by rule, and with --data
      the training's loss per epoch. Formulas are MathML, which browsers draw natively; the
      page has no scripts and loads nothing. Formulas that declare matrix shapes are refused.

      EXAMPLES:
        chainrule html -f Examples/toy-model.chain --at beta0=1,…,x=2.3,y=2 -o toy.html
        chainrule html -f Examples/toy-model-steps.chain --data Examples/toy-data.csv -o fit.html

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    let command = "html"
    // Standard input is read once: every later reader gets the same text.
    let input = try FormulaInput.read(arguments, command: command, stdin: context.stdin)
    if MatrixParser.declaresShapes(input.source) {
      let file = arguments.values["--file"].map { " -f \($0)" } ?? " …"
      throw .input(
        .message(
          "html draws scalar formulas only, and \(input.name == "input" ? "this formula" : "'\(input.name)'") declares matrix shapes (matrix mode); see it with 'chainrule trace\(file) --random 1'"
        ))
    }
    let text = input.source
    let granularityText = arguments.values["--steps"] ?? "textbook"
    guard let granularity = StepGranularity(rawValue: granularityText) else {
      throw .usage("--steps must be textbook or primitive; found '\(granularityText)'", command: command)
    }
    let dataPath = arguments.values["--data"]
    var dataNames: Set<String>? = nil
    if let text = arguments.values["--data-names"] {
      guard dataPath == nil else {
        throw .usage("--data-names is for a formula without --data (the CSV's columns are the data)", command: command)
      }
      dataNames = Set(try OptionValues.names(text, option: "--data-names", command: command))
    }
    let data = try dataPath.map { (path) throws(CommandError) in try table(path) }
    for option in ["--lr", "--epochs", "--seed"] where dataPath == nil && arguments.values[option] != nil {
      throw .usage("\(option) sets the training, which needs --data file.csv", command: command)
    }

    var options = arguments
    options.values["--format"] = "unicode"
    if data != nil { options.values["--at"] = nil }
    var program: ForwardProgram? = nil
    let request = try GradientRequest(
      options, command: command, stdin: { text }, isTerminal: context.isTerminal,
      defaultVariables: { formula in
        let names = data.map { Set($0.columns) } ?? dataNames ?? Trace.defaultDataNames(among: formula.variables)
        let cut = ForwardProgram(formula: formula, dataNames: names, granularity: granularity)
        program = cut
        let parameters = cut.parameters(excluding: names)
        return parameters.isEmpty ? cut.parameters(excluding: []) : parameters
      })
    let formula = request.formula
    let names = data.map { Set($0.columns) } ?? dataNames ?? Trace.defaultDataNames(among: formula.variables)
    let forwardProgram = program ?? ForwardProgram(formula: formula, dataNames: names, granularity: granularity)

    var point = request.point
    var pointOrigin: String? = nil
    var training: LessonPage.Training? = nil
    if let data, let dataPath {
      let run = try train(arguments, formula: formula, parameters: request.variables, data: data, path: dataPath)
      training = run.training
      point = run.point
      pointOrigin = "the starting values of the training and the first row of \(dataPath)"
    }
    let pointValues = point.map { Dictionary($0, uniquingKeysWith: { a, _ in a }) }

    var report = DerivativeReport(formula: formula, variables: request.variables)
    var trace: Trace? = nil
    if let pointValues {
      do throws(EvaluationError) {
        try report.evaluate(at: pointValues)
      } catch {
        throw .input(request.describe(error))
      }
      do throws(Trace.Failure) {
        trace = try Trace(program: forwardProgram, parameters: request.variables, point: pointValues)
      } catch {
        switch error {
        case .evaluation(let failure, let step):
          let printer = ExpressionPrinter(graph: forwardProgram.graph, notation: .unicode)
          throw .input(request.describe(failure, printer: printer, context: "in step \(Notation.unicode.name(step))"))
        }
      }
    }
    let inputs = Set(forwardProgram.steps.flatMap { forwardProgram.graph.symbols(in: $0.expression) })
    let size = 2 * forwardProgram.steps.count + inputs.count
    guard size <= GraphCommand.nodeLimit else {
      throw .input(
        .message(
          "the computation graph would have \(size) nodes; lesson pages are drawn up to \(GraphCommand.nodeLimit) (try a smaller formula)"
        ))
    }
    let graph = ComputationGraph(program: forwardProgram, parameters: request.variables, trace: trace)
    var page = LessonPage(
      source: text, report: report, program: forwardProgram, graph: graph, point: point, trace: trace,
      training: training)
    page.pointOrigin = pointOrigin
    if input.name != "input" && input.name != "stdin" {
      page.sourceName = URL(fileURLWithPath: input.name).lastPathComponent
    }
    let html = page.html()
    guard let output = arguments.values["--output"] else {
      return CommandResult(stdout: html, stderr: request.pointNotes.map { $0 + "\n" }.joined())
    }
    do {
      try html.write(toFile: output, atomically: true, encoding: .utf8)
    } catch {
      throw .input(.message("cannot write '\(output)': \(error.localizedDescription)"))
    }
    return CommandResult(stdout: "wrote \(output)\n", stderr: request.pointNotes.map { $0 + "\n" }.joined())
  }

  /// The rows of a CSV file whose header names the columns.
  private static func table(_ path: String) throws(CommandError) -> DataTable {
    guard let contents = FileManager.default.contents(atPath: path), let text = String(data: contents, encoding: .utf8)
    else {
      throw .input(.message("cannot read the data file '\(path)'"))
    }
    do {
      return try DataTable(csv: text, canonicalName: Parser.canonicalName)
    } catch {
      throw .input(.message("\(path):\(error.line): \(error.message)"))
    }
  }

  /// Trains `parameters` on `data` with full-batch gradient descent, as `train --optimizer sgd`
  /// does; returns the page's training part and the point to trace: the starting values and the
  /// first row.
  private static func train(
    _ arguments: Arguments, formula: Formula, parameters: [String], data: DataTable, path: String
  ) throws(CommandError) -> (training: LessonPage.Training, point: [(String, Double)]) {
    let command = "html"
    let rateText = arguments.values["--lr"] ?? "0.05"
    guard let rate = Double(rateText.replacingMinus()), rate.isFinite, rate > 0 else {
      throw .usage("--lr expects a positive learning rate, e.g. 0.05; found '\(rateText)'", command: command)
    }
    let epochsText = arguments.values["--epochs"] ?? "100"
    guard let epochs = Int(epochsText), epochs > 0 else {
      throw .usage("--epochs expects a positive whole number; found '\(epochsText)'", command: command)
    }
    let seedText = arguments.values["--seed"] ?? "1"
    guard let seed = UInt64(seedText) else {
      throw .usage("--seed expects a non-negative whole number; found '\(seedText)'", command: command)
    }
    guard let firstRow = data.rows.first else {
      throw .input(.message("the data file '\(path)' has no rows"))
    }
    let columns = Set(data.columns)
    let fitted = parameters.filter { !columns.contains($0) }
    guard !fitted.isEmpty else {
      throw .usage("every variable of the model is a data column; nothing to fit", command: command)
    }
    let given =
      try arguments.values["--at"].map { (text) throws(CommandError) in
        try OptionValues.point(text, command: command)
      } ?? []
    let givenValues = Dictionary(given, uniquingKeysWith: { a, _ in a })
    let unknown = formula.variables.filter { !columns.contains($0) && !fitted.contains($0) && givenValues[$0] == nil }
    if !unknown.isEmpty {
      throw .usage(
        "no data column or value for \(unknown.joined(separator: ", ")); add them to the CSV or to --at",
        command: command)
    }
    // As 'train': parameters without a starting value start small and random (seeded).
    var generator = SplitMix64(seed: seed ^ 0x5EED)
    let initial = fitted.map { givenValues[$0] ?? Double.random(in: -0.5...0.5, using: &generator) }
    var model = formula
    let fixed = givenValues.filter { !fitted.contains($0.key) && !columns.contains($0.key) }
    if !fixed.isEmpty { model = model.substituting(fixed) }
    let trainer = Trainer(formula: model, parameters: fitted, data: data)
    let losses: [Double]
    let result: (parameters: [Double], history: [Trainer.Epoch])
    let start: Double
    do throws(EvaluationError) {
      start = try trainer.lossAndGradient(at: initial, rows: data.rows.indices).loss
    } catch {
      throw .input(GradientRequest.describeTraining(error, formula: model))
    }
    do throws(Trainer.Divergence) {
      result = try trainer.train(
        from: initial, rate: rate, epochs: epochs, batchSize: nil, optimizer: .sgd, seed: seed)
      losses = [start] + result.history.map(\.loss)
    } catch {
      throw .input(
        .message(
          "the loss diverged in epoch \(error.epoch) (it is no longer a finite number): "
            + "the learning rate \(rateText) is too large; try a smaller --lr"))
    }
    let description =
      "sgd, learning rate \(rateText), full batch (\(data.rows.count) rows), \(epochs) epochs, seed \(seed)"
    let chart = TrainingChart(
      runs: [
        TrainingChart.Run(
          label: "sgd, full batch (\(data.rows.count) rows)", losses: losses, parameters: result.parameters)
      ],
      parameters: fitted, data: data, formula: model)
    var point: [(String, Double)] = Array(zip(fitted, initial))
    for (name, value) in zip(data.columns, firstRow) where formula.variables.contains(name) {
      point.append((name, value))
    }
    for (name, value) in given where !fitted.contains(name) && !columns.contains(name) { point.append((name, value)) }
    let training = LessonPage.Training(description: description, dataName: path, chart: chart, start: initial)
    return (training, point)
  }
}
