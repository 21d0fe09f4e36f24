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
      "                       [--compare] [--plot <file.svg>]",
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
      CommandOption("--format", value: "<format>", help: "plain or unicode (default: unicode on a terminal)."),
      CommandOption("--file", short: "-f", value: "<path>", help: "Read the model from a file."),
    ] + MatrixTrainCommand.options,
    discussion: """
      Prints the loss after every epoch and a loss curve at the end (with --compare, each run's
      first and last loss and its fitted parameters).

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
    let width = String(epochs).count
    for run in runs {
      var progressLines = ""
      do throws(EvaluationError) {
        let start = try trainer.lossAndGradient(at: initial, rows: data.rows.indices)
        if !compare {
          progressLines +=
            "epoch \(String(repeating: " ", count: width - 1))0  loss \(ValueFormat.text(start.loss, notation))\n"
        }
        let result = try trainer.train(
          from: initial, rate: rate, epochs: epochs, batchSize: run.batch, optimizer: run.optimizer, seed: seed,
          progress: { epoch in
            guard !compare else { return }
            let number = String(epoch.number)
            progressLines +=
              "epoch \(String(repeating: " ", count: width - number.count))\(number)  loss \(ValueFormat.text(epoch.loss, notation))\n"
          })
        results.append(([start.loss] + result.history.map(\.loss), result.parameters))
      } catch {
        throw .input(GradientRequest.describeTraining(error, formula: formula))
      }
      out += progressLines
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
    if results.contains(where: { !($0.losses.last ?? .nan).isFinite }) {
      out += "the loss diverged: try a smaller --lr\n"
    }
    if !compare, let losses = results.first?.losses {
      out += "\nloss by epoch\n" + LossCurve.render(Array(losses.dropFirst()), unicode: notation == .unicode)
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
    return CommandResult(stdout: out)
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
    let samples = (0..<columns).map { c in scale(losses[c * losses.count / columns]) }
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
    lines.append(
      "  epoch 1" + String(repeating: " ", count: max(1, columns - 7 - String(losses.count).count))
        + String(losses.count))
    return lines.joined(separator: "\n") + "\n"
  }
}
