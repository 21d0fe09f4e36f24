import ChainRule
import Foundation

/// `chainrule train` in matrix mode: seed 002's loop, `for t in range(500)`: forward pass, loss,
/// backward pass, θ ← θ − η·∂ℓ/∂θ, on seeded standard normal data and starting weights.
enum MatrixTrainCommand {
  /// The options `train` accepts for matrix mode (besides --lr, --at, --wrt, --format, --file).
  static let options: [CommandOption] = [
    CommandOption(
      "--random", value: "<seed>", help: "Matrix mode: draw the data and the starting weights from this",
      "seed (standard normal entries, as np.random.randn; labels as random classes)."),
    CommandOption("--iterations", value: "<n>", help: "Matrix mode: gradient-descent steps (default: 500)."),
    CommandOption(
      "--every", value: "<n>", help: "Matrix mode: print the loss every n iterations (default: a tenth",
      "of them), and at the first and the last."),
  ]

  /// Trains if the model declares shapes; nil otherwise (the scalar path reads the same text).
  static func run(_ arguments: Arguments, _ context: inout CommandContext) throws(CommandError) -> CommandResult? {
    let command = "train"
    guard let input = try MatrixCommand.matrixInput(arguments, command, &context) else { return nil }
    if arguments.values["--data"] != nil {
      throw .usage(
        "matrix mode trains on seeded random data: leave out --data and add --random SEED", command: command)
    }
    let request = try MatrixCommand.request(arguments, input, command: command, isTerminal: context.isTerminal)
    guard !request.json else { throw .usage("train prints plain or unicode text; found 'json'", command: command) }
    guard let seed = request.seed else {
      throw .usage(
        "matrix mode trains on random data: add --random SEED (e.g. --random 1), and --lr", command: command)
    }
    guard let rateText = arguments.values["--lr"], let rate = Double(rateText), rate.isFinite, rate > 0 else {
      throw .usage("train needs a positive learning rate: add --lr 1e-6 (seed 002's)", command: command)
    }
    let iterations = try positive(arguments.values["--iterations"] ?? "500", "--iterations")
    let every = try positive(arguments.values["--every"] ?? String(max(1, iterations / 10)), "--every")
    let formula = request.formula
    let notation = request.notation
    let printer = MatrixPrinter(graph: formula.graph, notation: notation, names: formula.stepNames)
    let parameters = request.variables.filter { formula.input(named: $0) != nil }
    guard !parameters.isEmpty else {
      throw .usage("\(printer.name(formula.resultName)) depends on none of the names in --wrt", command: command)
    }
    let inputs = try MatrixCommand.inputs(request) ?? [:]
    var training: MatrixTraining
    do throws(MatrixDiagnostic) {
      training = try MatrixTraining(formula: formula, parameters: parameters, inputs: inputs, rate: rate)
    } catch {
      throw .input(.matrixDiagnostic(error, source: input.source, sourceName: input.name))
    }
    let result = printer.name(formula.resultName)
    let bindings = formula.bindings
    var out = "Gradient descent on \(result) = \(printer.string(formula.root, expandingTop: true))\n"
    let (arrow, eta) = notation == .plain ? ("<-", "lr") : ("←", "η")
    let updates = parameters.map { name in
      let p = printer.name(name)
      return "\(p) \(arrow) \(p) − \(eta)·∂\(result)/∂\(p)"
    }
    out +=
      "  " + updates.joined(separator: ", ") + ", \(eta) = \(MatrixValueFormat.number(rate, notation)), full batch\n"
    let described = { (names: [String]) in
      names.map { "\(printer.name($0)) \(bindings.resolved(formula.input(named: $0)?.shape ?? .scalar))" }
        .joined(separator: ", ")
    }
    let data = formula.inputs.map(\.name).filter { !parameters.contains($0) && request.scalars[$0] == nil }
    out += "  seed \(seed): standard normal "
    out += data.isEmpty ? "starting values" : "data \(described(data)) and starting values"
    out += " \(described(parameters)) (as np.random.randn)\n"
    var rows = [["t", result]]
    var first = Double.nan
    for t in 0..<iterations {
      let loss: Double
      do throws(MatrixEvaluationError) {
        loss = try training.step()
      } catch {
        let reason = MatrixCommand.describe(error, formula, notation)
        throw .input(.message("iteration \(t): \(reason); a smaller --lr may help"))
      }
      if t == 0 { first = loss }
      if t % every == 0 || t == iterations - 1 { rows.append([String(t), MatrixValueFormat.number(loss, notation)]) }
    }
    out += TableLayout.render(rows).split(separator: "\n").map { "  " + $0 + "\n" }.joined()
    let final: Double
    do throws(MatrixEvaluationError) {
      final = try training.loss()
    } catch {
      throw .input(.message("after the last update: \(MatrixCommand.describe(error, formula, notation))"))
    }
    out +=
      "after \(iterations) iterations: \(result) = \(MatrixValueFormat.number(final, notation))"
      + " (from \(MatrixValueFormat.number(first, notation)) at t = 0"
    out += ")\n"
    return CommandResult(stdout: notation == .plain ? MatrixValueFormat.ascii(out) : out)
  }

  private static func positive(_ text: String, _ option: String) throws(CommandError) -> Int {
    guard let value = Int(text), value > 0 else {
      throw .usage("\(option) expects a positive whole number; found '\(text)'", command: "train")
    }
    return value
  }
}
