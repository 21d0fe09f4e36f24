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
  /// - Returns: The text for stdout and stderr and the exit code.
  public static func run(
    arguments: [String], stdin: @escaping @Sendable () -> String? = { nil }, isTerminal: Bool = false
  ) -> CommandResult {
    LargeStack.run { execute(arguments: arguments, stdin: stdin, isTerminal: isTerminal) }
  }

  static func execute(arguments: [String], stdin: () -> String?, isTerminal: Bool) -> CommandResult {
    var rest = arguments
    var command = "diff"
    var defaultToy = false
    if let first = rest.first, ["diff", "check", "trace", "latex", "train", "repl", "help"].contains(first) {
      command = first
      rest.removeFirst()
    } else if rest.isEmpty || (rest.count == 2 && rest[0] == "--format") {
      // `chainrule` alone (or with only --format) runs the built-in toy model.
      defaultToy = true
    }
    do throws(CommandError) {
      switch command {
      case "help":
        return try help(rest)
      case "repl" where !rest.contains("--help") && !rest.contains("-h"):
        // Piped input: one line per formula or command, output collected.
        return CommandResult(stdout: REPL.session(stdin() ?? "", isTerminal: isTerminal))
      default:
        break
      }
      if rest == ["--version"] { return CommandResult(stdout: "chainrule \(version)\n") }
      if !defaultToy && rest.contains("--help") || rest.contains("-h") {
        // `chainrule 'x^2' --help` asks about diff, the implied subcommand.
        let implied = arguments.first == command || rest.count > 1 ? command : nil
        return CommandResult(stdout: helpText(implied))
      }
      if defaultToy {
        return try runToyModel(stdin: stdin, isTerminal: isTerminal, format: rest.last)
      }
      let options = try parse(rest, command: command)
      switch command {
      case "check": return try CheckCommand.run(options, stdin: stdin, isTerminal: isTerminal)
      case "trace": return try TraceCommand.run(options, stdin: stdin, isTerminal: isTerminal)
      case "latex": return try LaTeXCommand.run(options, stdin: stdin, isTerminal: isTerminal)
      case "train": return try TrainCommand.run(options, stdin: stdin, isTerminal: isTerminal)
      default: return try DiffCommand.run(options, stdin: stdin, isTerminal: isTerminal)
      }
    } catch {
      switch error {
      case .usage(let message, let command):
        let helpHint = command.map { "chainrule \($0) --help" } ?? "chainrule --help"
        return CommandResult(stderr: "error: \(message)\nsee '\(helpHint)'\n", exitCode: ExitCode.usage)
      case .input(let text):
        return CommandResult(stderr: text, exitCode: ExitCode.failure)
      }
    }
  }

  private static func parse(_ arguments: [String], command: String) throws(CommandError) -> Arguments {
    var options: Arguments
    switch command {
    case "check": options = Arguments(valueOptions: CheckCommand.valueOptions, flagOptions: CheckCommand.flagOptions)
    case "trace": options = Arguments(valueOptions: TraceCommand.valueOptions, flagOptions: TraceCommand.flagOptions)
    case "latex": options = Arguments(valueOptions: LaTeXCommand.valueOptions, flagOptions: LaTeXCommand.flagOptions)
    case "train": options = Arguments(valueOptions: TrainCommand.valueOptions, flagOptions: TrainCommand.flagOptions)
    default: options = Arguments(valueOptions: DiffCommand.valueOptions, flagOptions: DiffCommand.flagOptions)
    }
    try options.parse(arguments, command: command)
    return options
  }

  private static func helpText(_ command: String?) -> String {
    switch command {
    case "diff": HelpText.diff
    case "check": HelpText.check
    case "trace": HelpText.trace
    case "latex": HelpText.latex
    case "train": HelpText.train
    case "repl": HelpText.repl
    default: HelpText.main
    }
  }

  private static func help(_ rest: [String]) throws(CommandError) -> CommandResult {
    guard let topic = rest.first else { return CommandResult(stdout: HelpText.main) }
    guard ["diff", "check", "trace", "latex", "train", "repl"].contains(topic) else {
      throw .usage("no help for '\(topic)'; subcommands: diff, check, trace, latex, train, repl", command: nil)
    }
    return CommandResult(stdout: helpText(topic))
  }

  /// The README's first command: the toy model, differentiated and checked at the book's point.
  private static func runToyModel(stdin: () -> String?, isTerminal: Bool, format: String?) throws(CommandError)
    -> CommandResult
  {
    var options = try parse(
      [ToyModel.source, "--at", ToyModel.point, "--wrt", ToyModel.parameters.joined(separator: ",")],
      command: "diff")
    options.values["--format"] = format ?? (isTerminal ? "unicode" : "plain")
    let diff = try DiffCommand.run(options, stdin: stdin, isTerminal: isTerminal)
    if format == "json" { return diff }
    let check = try CheckCommand.run(options, stdin: stdin, isTerminal: isTerminal)
    var out = "ChainRule: the toy model, differentiated symbolically (no formula given; see 'chainrule --help')\n\n"
    out += diff.stdout + "\n" + check.stdout
    out += "\nNext, watch backpropagation reach the same numbers with one forward and one backward pass:\n"
    out += "  chainrule trace -f Examples/toy-model.chain --at \(ToyModel.point)\n"
    return CommandResult(stdout: out, stderr: diff.stderr, exitCode: check.exitCode)
  }
}
