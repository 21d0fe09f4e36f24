import ChainRule
import Foundation

/// `chainrule train`: fit a model's parameters to a CSV data set by gradient descent.
enum TrainCommand {
  static let declaration = Subcommand(
    name: "train",
    summary: "Fit a model's parameters to a CSV data set by gradient descent.",
    overview: "Fit a model's parameters to data by gradient descent, using the backward pass.",
    usage: [
      "chainrule train <model> --data <file.csv> --lr <rate> [--batch <n>] [--epochs <n>]",
      "                       [--optimizer sgd|momentum|adam] [--seed <n>] [--at <values>]",
      "                       [--compare] [--plot <file.svg>] [--history <file.csv>]",
      "chainrule train -f <model.chain> --random <seed> --lr <rate> [--iterations <n>] [--every <n>]   (matrix mode)",
    ],
    arguments: [HelpEntry("<model>", "A loss for ONE data row, e.g. '(b + w*x - y)^2', or definitions.")],
    options: [
      CommandOption(
        "--data", value: "<file.csv>", help: "Rows of data; the header row names the columns, which are matched",
        "to the model's variables (x, y, …). The other variables are fitted."),
      CommandOption("--lr", value: "<rate>", help: "The learning rate η."),
      CommandOption(
        "--batch", value: "<n>", help: "Mini-batches of n rows, shuffled each epoch (default: full batch,",
        "the mean over all rows)."),
      CommandOption("--epochs", value: "<n>", help: "Passes over the data (default: 100)."),
      CommandOption(
        "--optimizer", value: "<name>", help: "sgd (θ ← θ − η·g), momentum (μ = 0.9) or adam (default: sgd)."),
      CommandOption("--seed", value: "<n>", help: "Seed for shuffling and for random starting values (default: 1)."),
      CommandOption(
        "--at", value: "<values>", help: "Starting values, e.g. w=0.5,b=0; parameters not given start",
        "uniformly random in [−0.5, 0.5]. Non-parameters given here are fixed."),
      CommandOption("--wrt", value: "<names>", help: "Fit only these parameters."),
      CommandOption(
        "--compare", help: "Train three times from the same start: sgd with the full batch, sgd with",
        "mini-batches (of --batch rows, default 8) and adam with the same mini-batches."),
      CommandOption(
        "--plot", value: "<file.svg>", help: "Draw the loss per epoch as an SVG chart (every run with",
        "--compare); for a model with one input column, also the fitted curve over the data."),
      CommandOption(
        "--history", value: "<file.csv>", help: "Write the loss per epoch as CSV: epoch,loss from epoch 0",
        "(with --compare, one loss column per run)."),
      CommandOption("--format", value: "<format>", help: "plain or unicode (default: unicode on a terminal)."),
      CommandOption("--file", short: "-f", value: "<path>", help: "Read the model from a file."),
    ] + MatrixTrainCommand.options,
    discussion: """
      Prints the loss after every epoch and a loss curve at the end (with --compare, each run's
      first and last loss and its fitted parameters). Epoch 0 is the loss before any update. When
      the loss stops being a finite number (the learning rate is too large), training stops and
      says in which epoch and on which row, after the losses so far; exit 1.

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    var context = context
    if let matrix = try MatrixTrainCommand.run(arguments, &context) { return matrix }
    let (stdin, isTerminal) = (context.stdin, context.isTerminal)
    let command = "train"
    guard let dataPath = arguments.values["--data"] else {
      throw .usage("train needs a data set: add --data file.csv (a header row names the columns)", command: command)
    }
    guard let rateText = arguments.values["--lr"], let rate = Double(rateText), rate.isFinite, rate > 0 else {
      throw .usage("train needs a positive learning rate: add --lr 0.01", command: command)
    }
    let epochs = try positiveInteger(arguments.values["--epochs"] ?? "100", option: "--epochs")
    let batch = try arguments.values["--batch"].map { (text) throws(CommandError) in
      try positiveInteger(text, option: "--batch")
    }
    let seedText = arguments.values["--seed"] ?? "1"
    guard let seed = UInt64(seedText) else {
      throw .usage("--seed expects a non-negative whole number; found '\(seedText)'", command: command)
    }
    let optimizerText = arguments.values["--optimizer"] ?? "sgd"
    guard let optimizer = Optimizer(rawValue: optimizerText) else {
      throw .usage("--optimizer must be sgd, momentum or adam; found '\(optimizerText)'", command: command)
    }
    let compare = arguments.flags.contains("--compare")
    if compare && arguments.values["--optimizer"] != nil {
      throw .usage("--compare trains with sgd and adam itself; leave out --optimizer", command: command)
    }
    let plotPath = arguments.values["--plot"]
    let historyPath = arguments.values["--history"]
    let input = try FormulaInput.read(arguments, command: command, stdin: stdin)
    let parsed = try input.parse()
    guard let contents = FileManager.default.contents(atPath: dataPath),
      let text = String(data: contents, encoding: .utf8)
    else {
      throw .input(.message("cannot read the data file '\(dataPath)'"))
    }
    let data: DataTable
    do {
      data = try DataTable(csv: text, canonicalName: Parser.canonicalName)
    } catch {
      throw .input(.message("\(dataPath):\(error.line): \(error.message)"))
    }
    let columns = Set(data.columns)
    let variables = parsed.variables
    let unused = data.columns.filter { !variables.contains($0) }
    if unused.count == data.columns.count {
      // Nothing would be data: every variable, x and y too, would be fitted as a parameter.
      let dataNames = Trace.defaultDataNames(among: variables)
      let likely = variables.filter(dataNames.contains)
      throw .input(
        .message(
          "no column of \(dataPath) is a variable of the model: the columns are \(data.columns.joined(separator: ", ")) "
            + "and the model's variables \(variables.joined(separator: ", ")); name the header row's columns after "
            + "the model's data variables"
            + (likely.isEmpty ? "" : " (e.g. \(likely.joined(separator: ",")))")))
    }
    let columnNotes = unused.map {
      "note: the column '\($0)' of \(dataPath) is not a variable of the model; it is not used\n"
    }
    // Parameters in the order they enter the forward pass (β₀, ω₀, β₁, … for the toy model).
    var parameters = ForwardProgram(formula: parsed, dataNames: columns).parameters(excluding: columns)
    if let wrt = arguments.values["--wrt"] {
      parameters = try OptionValues.names(wrt, option: "--wrt", command: command)
    }
    guard !parameters.isEmpty else {
      throw .usage("every variable of the model is a data column; nothing to fit", command: command)
    }
    let given =
      try arguments.values["--at"].map { (text) throws(CommandError) in
        try OptionValues.point(text, command: command)
      } ?? []
    let givenValues = Dictionary(given, uniquingKeysWith: { a, _ in a })
    let unknown = variables.filter { !columns.contains($0) && !parameters.contains($0) && givenValues[$0] == nil }
    if !unknown.isEmpty {
      throw .usage(
        "no data column or value for \(unknown.joined(separator: ", ")); add them to the CSV or to --at",
        command: command)
    }
    // Parameters without a starting value start small and random (seeded), to break symmetry.
    var generator = SplitMix64(seed: seed ^ 0x5EED)
    let initial = parameters.map { givenValues[$0] ?? Double.random(in: -0.5...0.5, using: &generator) }
    var formula = parsed
    if !givenValues.isEmpty {
      // Values given for non-parameters (e.g. a fixed λ) are substituted into the model.
      formula = formula.substituting(givenValues.filter { !parameters.contains($0.key) })
    }
    let trainer = Trainer(formula: formula, parameters: parameters, data: data)
    let formatText = arguments.values["--format"] ?? (isTerminal ? "unicode" : "plain")
    guard formatText == "plain" || formatText == "unicode" else {
      throw .usage("--format must be plain or unicode for train; found '\(formatText)'", command: command)
    }
    let notation: Notation = formatText == "unicode" ? .unicode : .plain
    let rows = data.rows.count
    func mode(_ batch: Int?) -> String {
      batch.map { "mini-batches of \(min($0, rows)) rows, shuffled each epoch" } ?? "full batch (\(rows) rows)"
    }
    let miniBatch = batch ?? 8
    let runs =
      compare
      ? [
        TrainingRun(optimizer: .sgd, batch: nil, label: "sgd, full batch (\(rows) rows)"),
        TrainingRun(optimizer: .sgd, batch: miniBatch, label: "sgd, mini-batches of \(min(miniBatch, rows)) rows"),
        TrainingRun(optimizer: .adam, batch: miniBatch, label: "adam, mini-batches of \(min(miniBatch, rows)) rows"),
      ] : [TrainingRun(optimizer: optimizer, batch: batch, label: "\(optimizer.rawValue), \(mode(batch))")]
    var out =
      "training \(parameters.map(notation.name).joined(separator: ", ")) on \(rows) rows of \(dataPath)\n"
    if compare {
      out += "three runs from the same start, learning rate \(rateText), \(epochs) epochs, seed \(seed)\n"
    } else {
      out += "\(optimizer.rawValue), learning rate \(rateText), \(mode(batch)), \(epochs) epochs, seed \(seed)\n"
    }
    var results: [(losses: [Double], parameters: [Double])] = []
    var divergences: [String] = []
    let width = String(epochs).count
    func epochLine(_ number: Int, _ loss: Double) -> String {
      let number = String(number)
      return
        "epoch \(String(repeating: " ", count: width - number.count))\(number)  loss \(ValueFormat.text(loss, notation))\n"
    }
    let start: Double
    do throws(EvaluationError) {
      start = try trainer.lossAndGradient(at: initial, rows: data.rows.indices).loss
    } catch {
      throw .input(GradientRequest.describeTraining(error, formula: formula))
    }
    for run in runs {
      if !compare { out += epochLine(0, start) }
      do throws(Trainer.Divergence) {
        let result = try trainer.train(
          from: initial, rate: rate, epochs: epochs, batchSize: run.batch, optimizer: run.optimizer, seed: seed,
          progress: { epoch in if !compare { out += epochLine(epoch.number, epoch.loss) } })
        results.append(([start] + result.history.map(\.loss), result.parameters))
      } catch {
        if case .unboundSymbol = error.error {
          throw .input(GradientRequest.describeTraining(error.error ?? .unboundSymbol(""), formula: formula))
        }
        let losses = [start] + error.history.map(\.loss)
        let message = divergence(error, losses: losses, trainer: trainer, dataPath: dataPath, rate: rateText)
        guard compare else {
          out += "\nstopped: the loss diverged\n"
          return CommandResult(stdout: out, stderr: columnNotes.joined() + message, exitCode: ExitCode.failure)
        }
        divergences.append("\(run.label): " + message.dropFirst("error: ".count))
        results.append((losses + [.infinity], error.parameters))
      }
    }
    if compare {
      var table = [["run", "loss at epoch 0", "loss at epoch \(epochs)"]]
      for (run, result) in zip(runs, results) {
        table.append([
          run.label, ValueFormat.text(result.losses.first ?? .nan, notation),
          ValueFormat.text(result.losses.last ?? .nan, notation),
        ])
      }
      out += TableLayout.render(table).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
    out += divergences.joined()
    if !compare, let losses = results.first?.losses {
      out += "\nloss by epoch\n" + LossCurve.render(losses, unicode: notation == .unicode)
    }
    out += "\nfitted parameters\n"
    var rowsTable = [
      ["parameter", "start"]
        + (compare
          ? runs.map { $0.optimizer.rawValue + ($0.batch == nil ? " full batch" : " mini-batch") } : ["fitted"])
    ]
    for (i, name) in parameters.enumerated() {
      rowsTable.append(
        [notation.name(name), ValueFormat.text(initial[i], notation)]
          + results.map { ValueFormat.text($0.parameters[i], notation) })
    }
    out += TableLayout.render(rowsTable).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    if let plotPath {
      let svg = TrainingChart(
        runs: zip(runs, results).map {
          TrainingChart.Run(label: $0.label, losses: $1.losses, parameters: $1.parameters)
        },
        parameters: parameters, data: data, formula: formula
      ).svg()
      do {
        try svg.write(toFile: plotPath, atomically: true, encoding: .utf8)
      } catch {
        throw .input(.message("cannot write '\(plotPath)': \(error.localizedDescription)"))
      }
      out += "wrote \(plotPath)\n"
    }
    if let historyPath {
      let header = compare ? runs.map { "loss " + $0.label.replacingOccurrences(of: ",", with: "") } : ["loss"]
      var csv = (["epoch"] + header).joined(separator: ",") + "\n"
      for epoch in 0...epochs {
        csv +=
          ([String(epoch)] + results.map { epoch < $0.losses.count ? "\($0.losses[epoch])" : "" })
          .joined(separator: ",") + "\n"
      }
      do {
        try csv.write(toFile: historyPath, atomically: true, encoding: .utf8)
      } catch {
        throw .input(.message("cannot write '\(historyPath)': \(error.localizedDescription)"))
      }
      out += "wrote \(historyPath)\n"
    }
    // A loss that ends far above where it started has not been fitted, though it stayed finite.
    var warnings: [String] = []
    for (run, result) in zip(runs, results) {
      guard let first = result.losses.first, let last = result.losses.last, last.isFinite, last > 10 * first,
        last > first + 1e-12
      else { continue }
      let label = compare ? "\(run.label): " : ""
      warnings.append(
        "warning: \(label)the loss grew from \(ValueFormat.text(first, .plain)) to \(ValueFormat.text(last, .plain)): "
          + "these parameters are not a fit; the learning rate \(rateText) is too large, try a smaller --lr\n")
    }
    return CommandResult(stdout: out, stderr: columnNotes.joined() + warnings.joined())
  }

  /// What a divergence says: the epoch, the first row whose loss has no finite value there,
  /// the loss before, and a smaller learning rate to try.
  private static func divergence(
    _ divergence: Trainer.Divergence, losses: [Double], trainer: Trainer, dataPath: String, rate: String
  ) -> String {
    var rowText = "summed over the rows"
    for (index, row) in trainer.data.rows.enumerated() {
      let loss = try? trainer.lossAndGradient(at: divergence.parameters, rows: [index])
      guard let loss, loss.loss.isFinite, loss.gradient.allSatisfy(\.isFinite) else {
        let values = zip(trainer.data.columns, row).map { "\($0)=\(ValueFormat.text($1, .plain))" }
        rowText = "first on data row \(index + 1) of \(dataPath) (\(values.joined(separator: ", ")))"
        break
      }
    }
    let before = losses.last.map { ValueFormat.text($0, .plain) } ?? "?"
    let smaller = (Double(rate) ?? 0) / 10
    return "error: the loss diverged in epoch \(divergence.epoch): it is no longer a finite number, "
      + "\(rowText); the loss was \(before) after epoch \(losses.count - 1) (\(ValueFormat.text(losses[0], .plain)) "
      + "at the start). The learning rate \(rate) is too large: try a smaller --lr, e.g. --lr \(ValueFormat.text(smaller, .plain))\n"
  }

  private static func positiveInteger(_ text: String, option: String) throws(CommandError) -> Int {
    guard let value = Int(text), value > 0 else {
      throw .usage("\(option) expects a positive whole number; found '\(text)'", command: "train")
    }
    return value
  }
}

/// One training run of `--compare` (or the only one): its optimizer and batch size.
struct TrainingRun {
  var optimizer: Optimizer
  var batch: Int?
  var label: String
}

/// A loss curve drawn with text: eight rows of block characters (or `#` in plain output).
enum LossCurve {
  static func render(_ losses: [Double], unicode: Bool, width: Int = 60, height: Int = 8) -> String {
    let finite = losses.filter(\.isFinite)
    guard let highest = finite.max(), let lowest = finite.min(), !finite.isEmpty else {
      return "  (no finite losses)\n"
    }
    // Losses spanning more than two decades are drawn on a log scale.
    let logScale = lowest > 0 && highest / lowest > 100
    let scale: (Double) -> Double = logScale ? { Foundation.log10($0) } : { $0 }
    let high = scale(highest)
    let low = scale(lowest)
    // Sample (or stretch) the epochs onto the columns.
    let columns = min(width, losses.count)
    // The first column is epoch 0, the last the last epoch.
    let samples = (0..<columns).map { c in
      scale(losses[columns == 1 ? 0 : c * (losses.count - 1) / (columns - 1)])
    }
    let span = high - low
    var lines: [String] = []
    for row in (0..<height).reversed() {
      var line = ""
      for value in samples {
        guard value.isFinite else {
          line += "?"
          continue
        }
        let level = span > 0 ? (value - low) / span * Double(height) : 0
        let fill = level - Double(row)
        if fill >= 1 {
          line += unicode ? "█" : "#"
        } else if fill > 0 {
          let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
          line += unicode ? String(blocks[min(7, Int(fill * 8))]) : (fill >= 0.5 ? "#" : " ")
        } else {
          line += " "
        }
      }
      var label =
        row == height - 1 ? ValueFormat.text(highest, .plain) : (row == 0 ? ValueFormat.text(lowest, .plain) : "")
      if row == height - 2 && logScale { label = "(log scale)" }
      lines.append("  " + line + " " + label)
    }
    // Epoch 0 (the loss before any update) is the first column.
    let last = String(losses.count - 1)
    lines.append("  epoch 0" + String(repeating: " ", count: max(1, columns - 7 - last.count)) + last)
    return lines.joined(separator: "\n") + "\n"
  }
}
