import ChainRule
import Foundation

/// The command-line tool as a function, so tests run it in process.
public enum ChainRuleCommand {
  /// The version printed by `--version`.
  public static let version = "0.1.0"

  /// Runs the tool on `arguments` (without the program name).
  ///
  /// Work runs on a thread with a large stack, so deep formulas are limited by the parser's
  /// nesting limit and not by the caller's stack.
  /// - Parameters:
  ///   - arguments: The command-line arguments.
  ///   - stdin: Reads all of standard input, or nil if it is not UTF-8.
  ///   - isTerminal: Whether standard output is a terminal (chooses Unicode output).
  ///   - executable: The program's path as run (`CommandLine.arguments[0]`); after bare
  ///     `swift run chainrule` the toy model's output ends with how to run `chainrule` itself.
  /// - Returns: The text for stdout and stderr and the exit code.
  public static func run(
    arguments: [String], stdin: @escaping @Sendable () -> String? = { nil }, isTerminal: Bool = false,
    executable: String? = nil
  ) -> CommandResult {
    var result = LargeStack.run { execute(arguments: arguments, stdin: stdin, isTerminal: isTerminal) }
    if arguments.isEmpty, result.exitCode == ExitCode.success, let hint = ToyModel.directRunHint(executable: executable)
    {
      result.stdout += hint
    }
    return result
  }

  /// Every subcommand, in the order the main help lists them.
  static let subcommands: [Subcommand] = [
    DiffCommand.declaration, CheckCommand.declaration, TraceCommand.declaration, LaTeXCommand.declaration,
    TrainCommand.declaration, GraphCommand.declaration, HTMLCommand.declaration, GradeCommand.declaration,
    ExerciseCommand.declaration,
    REPL.declaration, CodeCommand.declaration,
  ]

  /// The subcommand named `name`.
  static func subcommand(named name: String) -> Subcommand? {
    subcommands.first { $0.name == name }
  }

  /// The subcommand `word` is a slip for (`trase`, `dif`), when it is followed by a formula: a
  /// lone word is a formula (`chainrule trase` differentiates the variable trase).
  private static func misspeltSubcommand(_ word: String, before rest: ArraySlice<String>) -> String? {
    guard word.allSatisfy({ $0.isASCII && $0.isLetter }), rest.contains(where: { !$0.hasPrefix("-") }) else {
      return nil
    }
    return Suggestion.closest(to: word, among: subcommands.map(\.name) + ["help"])
  }

  static func execute(arguments: [String], stdin: () -> String?, isTerminal: Bool) -> CommandResult {
    withoutActuallyEscaping(stdin) { stdin in
      dispatch(arguments: arguments, context: CommandContext(stdin: stdin, isTerminal: isTerminal))
    }
  }

  private static func dispatch(arguments: [String], context: CommandContext) -> CommandResult {
    var rest = arguments
    var command = DiffCommand.declaration
    var named = false
    var defaultToy = false
    if let first = rest.first, first == "help" || subcommand(named: first) != nil {
      named = true
      rest.removeFirst()
      if first == "help" {
        return result { () throws(CommandError) in try help(rest) }
      }
      command = subcommand(named: first) ?? command
    } else if let first = rest.first, let misspelt = misspeltSubcommand(first, before: rest.dropFirst()) {
      return CommandResult(
        stderr: "error: unknown command '\(first)'; did you mean '\(misspelt)'?\nsee 'chainrule --help'\n",
        exitCode: 64)
    } else if rest.isEmpty || (rest.count == 2 && rest[0] == "--format") {
      // `chainrule` alone (or with only --format) runs the built-in toy model.
      defaultToy = true
    }
    if rest == ["--version"] { return CommandResult(stdout: "chainrule \(version)\n") }
    if !defaultToy && rest.contains("--help") || rest.contains("-h") {
      // `chainrule 'x^2' --help` asks about diff, the implied subcommand.
      let implied = named || rest.count > 1
      return CommandResult(stdout: implied ? command.help : mainHelp)
    }
    return result { () throws(CommandError) in
      if defaultToy { return try runToyModel(context, format: rest.last) }
      var options = command.argumentParser()
      try options.parse(rest, command: command.name)
      return try command.run(options, context)
    }
  }

  /// The result of `work`, or its error as stderr and an exit code.
  private static func result(_ work: () throws(CommandError) -> CommandResult) -> CommandResult {
    do throws(CommandError) {
      return try work()
    } catch {
      switch error {
      case .usage: return CommandResult(stderr: error.text, exitCode: ExitCode.usage)
      case .input: return CommandResult(stderr: error.text, exitCode: ExitCode.failure)
      }
    }
  }

  /// `chainrule --help`: what the tool does and every subcommand's summary.
  static var mainHelp: String {
    let entries =
      subcommands.map { HelpEntry($0.name, $0.summary) }
      + [HelpEntry("help <subcommand>", "Show help for a subcommand.")]
    return mainHelpHeader + entries.map(\.text).joined() + mainHelpFooter
  }

  private static let mainHelpHeader = """
    OVERVIEW: Differentiate formulas symbolically and watch backpropagation work.

    With no arguments, ChainRule differentiates the textbook's toy model
      f[x, φ] = β₃ + ω₃·cos[β₂ + ω₂·exp(β₁ + ω₁·sin[β₀ + ω₀·x])],  ℓ = (f − y)²
    at the book's point and checks every derivative against numbers.

    USAGE: chainrule [<subcommand>] [<formula>] [<options>]

    SUBCOMMANDS:

    """

  private static let mainHelpFooter = """

    OPTIONS:
      -h, --help              Show help information.
      --version               Show the version.

    See 'chainrule help <subcommand>' for detailed help.

    """

  private static func help(_ rest: [String]) throws(CommandError) -> CommandResult {
    guard let topic = rest.first else { return CommandResult(stdout: mainHelp) }
    guard let command = subcommand(named: topic) else {
      let names = subcommands.map(\.name).joined(separator: ", ")
      throw .usage("no help for '\(topic)'; subcommands: \(names)", command: nil)
    }
    return CommandResult(stdout: command.help)
  }

  /// The README's first command: the toy model, differentiated and checked at the book's point.
  private static func runToyModel(_ context: CommandContext, format: String?) throws(CommandError) -> CommandResult {
    var options = DiffCommand.declaration.argumentParser()
    try options.parse(
      [ToyModel.source, "--at", ToyModel.point, "--wrt", ToyModel.parameters.joined(separator: ",")],
      command: "diff")
    options.values["--format"] = format ?? (context.isTerminal ? "unicode" : "plain")
    let diff = try DiffCommand.run(options, context)
    if format == "json" { return diff }
    let check = try CheckCommand.run(options, context)
    var out = "ChainRule: the toy model, differentiated symbolically (no formula given; see 'chainrule --help')\n\n"
    out += diff.stdout + "\n" + check.stdout
    out += "\nNext, watch backpropagation reach the same numbers with one forward and one backward pass:\n"
    out += "  chainrule trace -f Examples/toy-model.chain --at \(ToyModel.point)\n"
    return CommandResult(stdout: out, stderr: diff.stderr, exitCode: check.exitCode)
  }
}
