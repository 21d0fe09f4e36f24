import ChainRule

/// `chainrule code`: a matrix formula's forward and backward passes as a NumPy or Swift program.
enum CodeCommand {
  static let declaration = Subcommand(
    name: "code",
    summary: "Print a matrix formula's forward and backward passes as NumPy or Swift code.",
    overview: "Print the forward and backward passes of a matrix formula as a program to paste.",
    usage: ["chainrule code --lang numpy|swift <formula> [--wrt <names>] [--at <values>] [--random <seed>]"],
    arguments: [HelpEntry("<formula>", "A formula that declares shapes (x: N×D_in), as for 'diff'.")],
    options: [
      CommandOption("--lang", value: "<language>", help: "numpy (default) or swift."),
      CommandOption("--wrt", value: "<names>", help: "The parameters (default: the declared inputs but the data)."),
      CommandOption(
        "--at", value: "<values>", help: "Sizes (N=64) and scalar inputs (lambda=0.1) baked into the code."),
      CommandOption(
        "--random", value: "<seed>", help: "The seed of the inputs (default: 0); the Swift program draws them",
        "exactly as --random does, so it prints ChainRule's numbers."),
      CommandOption.file,
    ],
    discussion: """
      The program draws its inputs, runs the forward pass with a shape assert after every step,
      prints the loss, runs the backward pass (grad_<step> for every step, last to first, then
      grad_<parameter>) and checks every gradient by central differences at three entries. The
      NumPy program also reads its inputs from the JSON of 'chainrule diff … --format json
      --random SEED' when given the file's name, to compare with ChainRule's values.

      EXAMPLES:
        chainrule code --lang numpy -f Examples/numpy-two-layer.chain > two_layer.py
        chainrule code --lang swift -f Examples/numpy-two-layer.chain --at N=8 > two_layer.swift

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    let command = "code"
    let languageText = arguments.values["--lang"] ?? "numpy"
    guard let language = CodeGenerator.Language(rawValue: languageText) else {
      throw .usage("--lang must be numpy or swift; found '\(languageText)'", command: command)
    }
    var context = context
    guard let input = try MatrixCommand.matrixInput(arguments, command, &context) else {
      throw .usage(
        "code writes matrix formulas: declare the shapes, e.g. 'x: N×D; w: D×1; l = sum((x·w − y)^2)'",
        command: command)
    }
    let request = try MatrixCommand.request(arguments, input, command: command, isTerminal: false)
    let generator = CodeGenerator(
      formula: request.formula, language: language,
      parameters: request.variables.filter { request.formula.input(named: $0) != nil },
      scalars: request.scalars.mapValues(\.scalar), seed: request.seed ?? 0, sourceName: input.name)
    do throws(CodeGenerationError) {
      return CommandResult(stdout: try generator.code())
    } catch {
      switch error {
      case .unboundSize(let name): throw .input(.message("the size \(name) has no number; add \(name)=… to --at"))
      case .unsupported(let what): throw .input(.message("code: \(what)"))
      case .internalError(let what): throw .input(.message("internal error: \(what)"))
      }
    }
  }
}
