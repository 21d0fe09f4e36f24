import ChainRule
import Foundation

/// `chainrule grade`: is a learner's derivative right, and if not, how is it wrong?
enum GradeCommand {
  static let declaration = Subcommand(
    name: "grade",
    summary: "Check your own derivative (or backward-pass line); exit 1 if it is wrong.",
    overview: "Check a derivative you worked out against the true one, and say how it differs.",
    usage: [
      "chainrule grade <formula> --wrt <name> --answer <expression> [--format <format>]",
      "       chainrule grade [<formula>] -f <answers.chain> [<options>]",
      "       chainrule grade <formula> --trace --answer 'dl/df2 = -sin(f2)*dl/dh3' [--at <point>]",
    ],
    arguments: [HelpEntry("<formula>", "A formula or definitions, as for 'diff'.")],
    options: [
      CommandOption(
        "--answer", value: "<answer>", help: "Your derivative, e.g. '2*x*cos(x^2)' or 'dl/dw = 2*(w*x - y)*x'."),
      CommandOption("--wrt", value: "<name>", help: "The variable your answer differentiates by (or write dl/dw = …)."),
      CommandOption(
        "--file", short: "-f", value: "<path>", help: "A file of answers, one 'dl/dw = …' line each; its other lines",
        "are the formula unless <formula> is given ('-' for standard input)."),
      CommandOption("--trace", help: "Grade lines of the backward passes ('dl/df2 = -sin(f2)*dl/dh3')."),
      CommandOption("--at", value: "<point>", help: "With --trace: the point to trace at (and print values at)."),
      CommandOption.data,
      CommandOption("--seed", value: "<n>", help: "Seed of the random points (default 1)."),
      CommandOption("--points", value: "<n>", help: "How many random points to compare at (default 20)."),
      CommandOption("--no-solution", help: "Do not print the true derivative (feedback for learners)."),
      CommandOption("--format", value: "<format>", help: "plain, unicode or json (default: unicode on a terminal)."),
    ],
    discussion: """
      An answer is right when its canonical form is the derivative's (also after multiplying
      out), or when it agrees with the derivative at every random point where both are defined
      (relative error |a − t|/max(|a|, |t|, 1e-6) at most 1e-8). When it is wrong, the tool
      says how: a missing or extra factor, a wrong sign, a constant factor, a missing term of the
      sum or product rule, a missing inner derivative of the chain rule, the derivative by
      another variable; and at which rule of 'chainrule diff --steps' the answer departs, when a
      single slip there gives exactly the answer.

      An answer may use the formula's own definitions by name. A left side may be written
      dl/dw, d l / d w, ∂ℓ/∂ω₀ or \\frac{\\partial \\ell}{\\partial \\omega_0}; one that names a
      definition (df/dw) grades that definition's derivative.

      Exits 0 when every answer is right, 1 when one is wrong or unreadable, 64 on usage errors.

      EXAMPLES:
        chainrule grade 'sin(x^2)' --wrt x --answer '2*x*cos(x^2)'
        chainrule grade -f Examples/toy-model.chain --answer 'dl/dbeta3 = 2*(beta3 - y)'
        chainrule grade -f Examples/toy-model-steps.chain --trace --answer 'dl/df2 = -sin(f2)*dl/dh3'

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  /// One answer to grade: where its text is, and the text it is in.
  private struct Item {
    var source: String
    var range: Range<String.Index>
    var sourceName: String
  }

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    let format = arguments.values["--format"] ?? (context.isTerminal ? "unicode" : "plain")
    guard ["plain", "unicode", "json"].contains(format) else {
      throw .usage("--format must be plain, unicode or json; found '\(format)'", command: "grade")
    }
    let notation: Notation = format == "unicode" ? .unicode : .plain
    var settings = GradeSettings()
    if let text = arguments.values["--seed"] {
      guard let seed = UInt64(text) else {
        throw .usage("--seed expects a whole number; found '\(text)'", command: "grade")
      }
      settings.seed = seed
    }
    if let text = arguments.values["--points"] {
      guard let count = Int(text), (1...1_000).contains(count) else {
        throw .usage("--points expects a number from 1 to 1000; found '\(text)'", command: "grade")
      }
      settings.pointCount = count
      settings.maximumAttempts = Swift.max(settings.maximumAttempts, count * 20)
    }
    let (formulaInput, items) = try inputs(arguments, context)
    let formula = try formulaInput.parse()

    var renderer = GradeRenderer(notation: notation)
    renderer.showSolution = !arguments.flags.contains("--no-solution")
    let trace = arguments.flags.contains("--trace")
    var texts: [String] = []
    var json: [JSONValue] = []
    var errors = ""
    var right = 0
    if trace {
      let grader = try traceGrader(formula, arguments, settings: settings, notation: notation)
      for item in items {
        do throws(CommandError) {
          let answer = try read(item, adjoints: grader.adjointNames)
          let grade = try gradeLine(answer, grader, item)
          if grade.isCorrect { right += 1 }
          texts.append(renderer.text(grade))
          json.append(renderer.json(grade))
        } catch {
          // A usage error is the command line's fault: it ends the run with exit 64.
          if case .usage = error { throw error }
          errors += message(error)
          json.append(unreadable(item, message(error)))
        }
      }
    } else {
      if arguments.values["--at"] != nil {
        throw .usage("--at is for --trace; an answer is compared at random points", command: "grade")
      }
      var graders: [String: Grader] = [:]
      for item in items {
        do throws(CommandError) {
          let answer = try read(item, adjoints: nil)
          let (function, variable) = try question(answer, formula, arguments, item)
          let grader = graders[function.resultName] ?? Grader(formula: function, settings: settings)
          graders[function.resultName] = grader
          let grade = grader.grade(answer, withRespectTo: variable)
          if grade.isCorrect { right += 1 }
          texts.append(renderer.text(grade))
          json.append(renderer.json(grade))
        } catch {
          // A usage error is the command line's fault: it ends the run with exit 64.
          if case .usage = error { throw error }
          errors += message(error)
          json.append(unreadable(item, message(error)))
        }
      }
    }
    let total = items.count
    let allRight = right == total
    if format == "json" {
      let document = JSONValue.object([
        ("right", .integer(right)), ("total", .integer(total)), ("passed", .bool(allRight)),
        ("answers", .array(json)),
      ])
      return CommandResult(
        stdout: document.serialized() + "\n", stderr: errors, exitCode: allRight ? ExitCode.success : ExitCode.failure)
    }
    var out = texts.joined(separator: "\n")
    if total > 1 { out += "\n\(right) of \(total) answers right\n" }
    return CommandResult(stdout: out, stderr: errors, exitCode: allRight ? ExitCode.success : ExitCode.failure)
  }

  /// The JSON entry of an answer that could not be read or graded.
  private static func unreadable(_ item: Item, _ message: String) -> JSONValue {
    .object([
      ("answer", .string(String(item.source[item.range]).trimmingCharacters(in: .whitespaces))),
      ("verdict", .string("wrong")), ("kind", .string("unreadable")), ("message", .string(message)),
    ])
  }

  private static func message(_ error: CommandError) -> String {
    switch error {
    case .input(let error): error.text
    case .usage(let text, _): "error: \(text)\n"
    }
  }

  /// The formula and the answers, from the argument, `--answer` and `-f`.
  private static func inputs(
    _ arguments: Arguments, _ context: CommandContext
  ) throws(CommandError) -> (FormulaInput, [Item]) {
    if arguments.positionals.count > 1 {
      throw .usage(
        "expected one formula, found \(arguments.positionals.count) arguments (quote the formula and the answer)",
        command: "grade")
    }
    var items: [Item] = []
    var formula = arguments.positionals.first.map { FormulaInput(source: $0, name: "input") }
    if let path = arguments.values["--file"] {
      let text: String
      if path == "-" {
        guard let read = context.stdin() else { throw .input(.message("could not read standard input as UTF-8")) }
        text = read
      } else {
        guard let data = FileManager.default.contents(atPath: path) else {
          throw .input(.message("cannot read file '\(path)'"))
        }
        guard let read = String(data: data, encoding: .utf8) else {
          throw .input(.message("'\(path)' is not valid UTF-8 text"))
        }
        text = read
      }
      let name = path == "-" ? "stdin" : path
      let sheet = AnswerSheet(text)
      items += sheet.answerRanges.map { Item(source: text, range: $0, sourceName: name) }
      if formula == nil {
        guard sheet.hasFormula else {
          throw .usage("\(name) has answers but no formula: give the formula as an argument", command: "grade")
        }
        formula = FormulaInput(source: sheet.formulaSource, name: name)
      }
    }
    if let answer = arguments.values["--answer"] {
      items.append(Item(source: answer, range: answer.startIndex..<answer.endIndex, sourceName: "answer"))
    }
    guard let formula else {
      throw .usage("missing formula: give one as an argument or in the file of -f", command: "grade")
    }
    guard !items.isEmpty else {
      throw .usage("nothing to grade: add --answer '<your derivative>' or -f <file of answers>", command: "grade")
    }
    return (formula, items)
  }

  /// Reads one answer; a problem is drawn with its line and caret.
  private static func read(
    _ item: Item, adjoints: (loss: String, names: Set<String>)?
  ) throws(CommandError) -> Answer {
    do {
      return try Answer(parsing: item.source, range: item.range, adjoints: adjoints)
    } catch {
      if case .parse(let diagnostic) = error {
        throw .input(.diagnostic(diagnostic, source: item.source, sourceName: item.sourceName))
      }
      throw .input(.message("\(error.message)\(location(item))"))
    }
  }

  /// ` (file:line)` for an answer read from a file.
  private static func location(_ item: Item) -> String {
    guard item.sourceName != "answer" else { return "" }
    let line = item.source[..<item.range.lowerBound].filter { $0 == "\n" }.count + 1
    return " (\(item.sourceName):\(line))"
  }

  /// Which formula and variable an answer is about: its header, else --wrt, else the only variable.
  private static func question(
    _ answer: Answer, _ formula: Formula, _ arguments: Arguments, _ item: Item
  ) throws(CommandError) -> (Formula, String) {
    var function = formula
    if let header = answer.header, header.function != formula.resultName,
      let prefix = formula.prefix(through: header.function)
    {
      function = prefix
    }
    if let variable = answer.header?.variable { return (function, variable) }
    if let text = arguments.values["--wrt"] {
      let names = try OptionValues.names(text, option: "--wrt", command: "grade")
      guard names.count == 1 else {
        throw .usage("--wrt names one variable for an answer; for several, write each as 'dl/dw = …'", command: "grade")
      }
      return (function, names[0])
    }
    if formula.variables.count == 1 { return (function, formula.variables[0]) }
    throw .usage(
      "which derivative is the answer? add --wrt <name> or write it as 'dl/dw = …'\(location(item))", command: "grade")
  }

  private static func traceGrader(
    _ formula: Formula, _ arguments: Arguments, settings: GradeSettings, notation: Notation
  ) throws(CommandError) -> TraceGrader {
    var dataNames = Trace.defaultDataNames(among: formula.variables)
    if let text = arguments.values["--data"] {
      dataNames = Set(try OptionValues.names(text, option: "--data", command: "grade"))
    }
    var point: [String: Double]? = nil
    if let text = arguments.values["--at"] {
      let values = try OptionValues.point(text, command: "grade")
      let given = Dictionary(values, uniquingKeysWith: { a, _ in a })
      let missing = formula.variables.filter { given[$0] == nil }
      if !missing.isEmpty {
        throw .usage("--at gives no value for \(missing.joined(separator: ", "))", command: "grade")
      }
      point = given
    }
    do {
      return try TraceGrader(formula: formula, dataNames: dataNames, point: point, settings: settings)
    } catch {
      switch error {
      case .trace(.evaluation(let failure, let step)):
        let request = GradientRequestDescriber(formula: formula, notation: notation)
        throw .input(request.describe(failure, step: step))
      case .noPoint:
        throw .input(.message("found no point where the formula has a value; give one with --at"))
      default:
        throw .input(.message("cannot trace the formula"))
      }
    }
  }

  private static func gradeLine(_ answer: Answer, _ grader: TraceGrader, _ item: Item) throws(CommandError)
    -> TraceLineGrade
  {
    do {
      return try grader.grade(answer)
    } catch {
      switch error {
      case .noHeader:
        throw .input(
          .message("a backward-pass line needs its left side, e.g. 'dl/df2 = -sin(f2)*dl/dh3'\(location(item))"))
      case .notTheLoss(let name, let loss):
        throw .input(.message("a backward-pass line is d\(loss)/d…; found d\(name)/d…\(location(item))"))
      case .unknownTarget(let name, let steps):
        throw .input(
          .message(
            "'\(name)' is neither a step nor a variable of the trace (they are \(steps.joined(separator: ", ")))\(location(item))"
          ))
      default:
        throw .input(.message("cannot grade this line\(location(item))"))
      }
    }
  }
}

/// Evaluation errors of a trace, worded as `chainrule trace` words them.
private struct GradientRequestDescriber {
  let formula: Formula
  let notation: Notation

  func describe(_ error: EvaluationError, step: String) -> InputError {
    switch error {
    case .unboundSymbol(let name): return .message("no value for '\(name)'; add \(name)=… to --at")
    case .domain: return .message("step \(notation.name(step)) has no value at this point; try another --at")
    }
  }
}
