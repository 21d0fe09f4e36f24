import ChainRule
import Foundation

/// `chainrule exercise`: a fresh problem with its worked solution and answer key.
enum ExerciseCommand {
  static let declaration = Subcommand(
    name: "exercise",
    summary: "Make a practice problem with its worked solution (LaTeX) and answer key (JSON).",
    overview: "Make a differentiation problem, its worked solution and its answer key.",
    usage: [
      "chainrule exercise [--seed <n>] [--level 1|2|3] [--topic <topic>] [--format <format>] [-o <file>]"
    ],
    arguments: [],
    options: [
      CommandOption("--seed", value: "<n>", help: "The same seed gives the same exercise (default: 1)."),
      CommandOption(
        "--level", value: "<level>", help: "1: one rule; 2: two rules combined (default); 3: a small",
        "network with a trace."),
      CommandOption("--topic", value: "<topic>", help: "chain, product, quotient or network (default: from the seed)."),
      CommandOption(
        "--format", value: "<format>", help: "plain (the problem), latex (problem and worked solution)",
        "or json (the answer key); default plain, or unicode on a terminal."),
      CommandOption("--output", short: "-o", value: "<file>", help: "Write to a file instead of standard output."),
    ],
    discussion: """
      The LaTeX solution compiles with pdflatex (amsmath and amssymb only): the derivative rule
      by rule, as 'chainrule diff --steps' gives it, and for a network the forward and backward
      passes. The answer key's expressions are the ones 'chainrule diff' prints.

      EXAMPLES:
        chainrule exercise --seed 7 --level 2 --topic product
        chainrule exercise --seed 7 --level 2 --topic product --format latex -o solution.tex
        chainrule exercise --seed 3 --level 3 --format json

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    guard arguments.positionals.isEmpty else {
      throw .usage("exercise takes no formula; found '\(arguments.positionals[0])'", command: "exercise")
    }
    var seed: UInt64 = 1
    if let text = arguments.values["--seed"] {
      guard let value = UInt64(text) else {
        throw .usage("--seed expects a whole number; found '\(text)'", command: "exercise")
      }
      seed = value
    }
    var level = 2
    if let text = arguments.values["--level"] {
      guard let value = Int(text), Exercise.levels.contains(value) else {
        throw .usage("--level must be 1, 2 or 3; found '\(text)'", command: "exercise")
      }
      level = value
    }
    var topic: ExerciseTopic? = nil
    if let text = arguments.values["--topic"] {
      guard let value = ExerciseTopic(rawValue: text) else {
        let names = ExerciseTopic.allCases.map(\.rawValue).joined(separator: ", ")
        throw .usage("--topic must be one of \(names); found '\(text)'", command: "exercise")
      }
      topic = value
    }
    if level == 3, let topic, topic != .network {
      throw .usage("level 3 is a network; use --topic network or a lower --level", command: "exercise")
    }
    let format = arguments.values["--format"] ?? (context.isTerminal ? "unicode" : "plain")
    let exercise: Exercise
    do {
      exercise = try Exercise(seed: seed, level: level, topic: topic)
    } catch {
      throw .input(.message("could not make an exercise: \(error.message)"))
    }
    let renderer = ExerciseRenderer(exercise: exercise)
    let text: String
    switch format {
    case "plain": text = renderer.text(.plain)
    case "unicode": text = renderer.text(.unicode)
    case "latex": text = renderer.latex()
    case "json": text = renderer.json().serialized() + "\n"
    default: throw .usage("--format must be plain, unicode, latex or json; found '\(format)'", command: "exercise")
    }
    if let path = arguments.values["--output"] {
      guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw .input(.message("cannot write '\(path)'"))
      }
      return CommandResult(stdout: "wrote \(path)\n")
    }
    return CommandResult(stdout: text)
  }
}
