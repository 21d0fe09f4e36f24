import ChainRule
import Foundation

/// `chainrule repl`: type formulas, one per line, and see their derivatives at once.
///
/// Definitions (`f = …`) are kept across lines; a bare formula is differentiated with them in
/// scope. Commands start with `:`. An error is reported and the session goes on.
struct REPL {
  static let declaration = Subcommand(
    name: "repl",
    summary: "Type formulas one per line (also: no arguments on a terminal).",
    overview: "Type formulas one per line and see their derivatives at once.",
    usage: ["chainrule repl", "       chainrule            (with a terminal on standard input)"],
    arguments: [],
    options: [],
    discussion: """
      On a terminal the line has editing (← →, Home, End, Ctrl-U) and history (↑ ↓, kept in
      ~/.chainrule_history between sessions); Ctrl-C abandons the line and keeps the session and
      its definitions; Ctrl-D or :quit leaves. Piped input runs one line at a time, for scripts
      and tests. Errors never end the session.

      \(REPL.help)
      """,
    run: { _, context in
      // Piped input: one line per formula or command, output collected.
      CommandResult(stdout: REPL.session(context.stdin() ?? "", isTerminal: context.isTerminal))
    })

  /// Definitions entered so far, as source lines.
  private(set) var definitions: [String] = []
  /// The point set with `:at`.
  private(set) var point: String? = nil
  /// The variables set with `:wrt`.
  private(set) var wrt: String? = nil
  /// The last formula entered (with the definitions before it).
  private(set) var lastFormula: String? = nil
  /// Whether the point and variables are the toy model's, to be dropped with the next formula.
  private var settingsFromToyModel = false
  let isTerminal: Bool
  /// The lines typed, in this session and earlier ones.
  var history: REPLHistory

  static let help = """
    Type a formula to see its derivatives, e.g.  sin(x)^2*y
    Define names to use later:                  f = w*x + b   (then  (f - y)^2)
    Commands:
      :at x=1,y=2     evaluate at a point (:at alone clears it)
      :wrt w,b        differentiate only by these (:wrt alone: all)
      :trace          forward and backward pass of the last formula (needs :at)
      :steps          how the last formula's derivatives are obtained, rule by rule
      :latex          the last formula's derivatives as LaTeX
      :grade 2*x      check your own derivative of the last formula (by :wrt, or 'dl/dw = …');
                      :grade --trace dl/df2 = … checks a line of the backward pass
      :defs           list the definitions;  :clear forgets them
      :history        the lines typed before (also ↑ and ↓), kept in ~/.chainrule_history
      :help           this text;  :quit (or Ctrl-D) leaves;  Ctrl-C abandons the line

    """

  init(isTerminal: Bool, history: REPLHistory = REPLHistory(path: nil)) {
    self.isTerminal = isTerminal
    self.history = history
  }

  /// A session that starts on the built-in toy model at the book's point, so `:trace` works at once.
  static func startingWithToyModel(
    isTerminal: Bool, history: REPLHistory = REPLHistory(path: nil)
  ) -> (REPL, String) {
    var repl = REPL(isTerminal: isTerminal, history: history)
    let lines = ToyModel.source.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    repl.definitions = Array(lines.dropLast())
    repl.point = ToyModel.point
    repl.wrt = ToyModel.parameters.joined(separator: ",")
    // The result line is entered as a bare formula, so it becomes the session's last formula.
    let result = (lines.last ?? "").split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
    let (output, _) = repl.handle(result)
    repl.settingsFromToyModel = true
    return (repl, output)
  }

  /// Handles one line; returns what to print and whether the session should end.
  mutating func handle(_ rawLine: String) -> (output: String, quit: Bool) {
    let line = rawLine.trimmingCharacters(in: .whitespaces)
    if line.isEmpty || line.hasPrefix("#") { return ("", false) }
    if line.hasPrefix(":") { return command(line) }
    let source = (definitions + [line]).joined(separator: "\n")
    let isDefinition: Bool
    do {
      let program = try Parser.parse(source)
      isDefinition = program.result.name != nil
    } catch {
      // Point the caret into the line the user typed when that line alone is at fault.
      do {
        _ = try Parser.parse(line)
        return (DiagnosticRenderer(sourceName: "session").render(error, in: source), false)
      } catch {
        return (DiagnosticRenderer(sourceName: "input").render(error, in: line), false)
      }
    }
    if isDefinition {
      definitions.append(line)
      // The definitions so far are a formula too, whose result is the last: `:trace` after
      // `ℓ = (f − y)^2` traces ℓ.
      lastFormula = source
      let name = line.split(separator: "=", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces)
      return ("defined \(name)\n", false)
    }
    if settingsFromToyModel {
      point = nil
      wrt = nil
      settingsFromToyModel = false
    }
    lastFormula = source
    if let missing = missingValues(source) {
      // The symbolic derivatives need no point; the values wait for the missing ones.
      return (run(["diff", source], withPoint: false) + "the point gives no value for \(missing)\n", false)
    }
    return (run(["diff", source]), false)
  }

  /// The formula's variables and step names (what `:wrt` may name), or nil if it does not parse.
  private func names(in source: String) -> (variables: [String], steps: [String])? {
    guard let formula = try? Formula(parsing: source) else { return nil }
    return (formula.variables, formula.definitions.keys.sorted())
  }

  /// The variables of `source` that `:at` gives no value, and how to add them (`y: type :at
  /// x=2,y=…`); nil if it gives them all (or no point is set).
  private func missingValues(_ source: String) -> String? {
    guard let point, let given = try? OptionValues.point(point, command: "repl"),
      let variables = names(in: source)?.variables
    else { return nil }
    let missing = variables.filter { name in !given.contains { $0.0 == name } }
    guard !missing.isEmpty else { return nil }
    let list = missing.map { isTerminal ? Notation.unicode.name($0) : $0 }.joined(separator: ", ")
    let example = missing.map { "\($0)=…" }.joined(separator: ",")
    return "\(list): type :at \(point),\(example) to see the values"
  }

  /// `:at x=1,y=2`: the point, checked now so a mistake is reported where it was typed.
  private mutating func setPoint(_ argument: String) -> String {
    // A point file's path (`:at @point.txt`) is kept as typed, and read when a command runs.
    if argument.hasPrefix("@") {
      point = argument
      return "point: \(argument)\n"
    }
    let text = argument.replacingOccurrences(of: " ", with: "")
    guard !text.isEmpty else {
      point = nil
      return "point cleared\n"
    }
    if let item = text.split(separator: ",").first(where: { $0.hasSuffix("=") }) {
      return "error: :at needs a value after '\(item)', e.g. :at \(item)1.5 (the point is unchanged)\n"
    }
    do throws(CommandError) {
      _ = try OptionValues.point(text, command: "repl")
    } catch {
      guard case .usage(let message, _) = error else { return error.text }
      let worded = message.replacingOccurrences(of: "--at", with: ":at")
        .replacingOccurrences(of: "e.g. x=", with: "e.g. :at x=")
      return "error: \(worded) (the point is unchanged)\n"
    }
    point = text
    return "point: \(text)\n"
  }

  /// `:wrt w,b`: the variables, refused when the last formula has no such name.
  private mutating func setVariables(_ argument: String) -> String {
    let text = argument.replacingOccurrences(of: " ", with: "")
    guard !text.isEmpty else {
      wrt = nil
      return "differentiating by every variable\n"
    }
    let requested: [String]
    do throws(CommandError) {
      requested = try OptionValues.names(text, option: ":wrt", command: "repl")
    } catch {
      guard case .usage(let message, _) = error else { return error.text }
      return "error: \(message)\n"
    }
    if let formula = lastFormula, let (variables, steps) = names(in: formula) {
      let unknown = requested.filter { !variables.contains($0) && !steps.contains($0) }
      if !unknown.isEmpty {
        let unicode = isTerminal
        let shown = { (names: [String]) in names.map { unicode ? Notation.unicode.name($0) : $0 } }
        let noun = unknown.count == 1 ? "is not a variable" : "are not variables"
        return "error: :wrt: \(shown(unknown).joined(separator: ", ")) \(noun) of the last formula; "
          + "its variables are \(shown(variables).joined(separator: ", ")) (still differentiating by "
          + "\(wrt ?? "every variable"))\n"
      }
    }
    wrt = text
    return "differentiating by \(text)\n"
  }

  private mutating func command(_ line: String) -> (output: String, quit: Bool) {
    let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
    let name = parts[0]
    let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
    switch name {
    case ":quit", ":q", ":exit": return ("", true)
    case ":help", ":h", ":?": return (Self.help, false)
    case ":at":
      settingsFromToyModel = false
      return (setPoint(argument), false)
    case ":wrt":
      settingsFromToyModel = false
      return (setVariables(argument), false)
    case ":history":
      return (history.listing, false)
    case ":defs":
      return (definitions.isEmpty ? "no definitions\n" : definitions.joined(separator: "\n") + "\n", false)
    case ":clear":
      definitions = []
      lastFormula = nil
      return ("definitions cleared\n", false)
    case ":grade":
      guard let formula = lastFormula else { return ("error: type a formula first\n", false) }
      return (grade(formula, argument), false)
    case ":trace", ":steps", ":latex":
      guard let formula = lastFormula else { return ("error: type a formula first\n", false) }
      switch name {
      case ":trace":
        guard point != nil else { return ("error: :trace needs a point: set one with :at x=1,…\n", false) }
        if let missing = missingValues(formula) {
          return ("error: :trace needs a value for every variable; the point gives none for \(missing)\n", false)
        }
        return (run(["trace", formula]), false)
      case ":steps": return (run(["diff", formula, "--steps"], withPoint: missingValues(formula) == nil), false)
      default: return (run(["latex", formula, "--fragment"], withPoint: missingValues(formula) == nil), false)
      }
    default:
      let known = [
        ":at", ":wrt", ":trace", ":steps", ":latex", ":grade", ":defs", ":clear", ":history", ":help", ":quit",
      ]
      var message = "error: unknown command '\(name)'"
      if let best = Suggestion.closest(to: name, among: known) { message += "; did you mean '\(best)'?" }
      return (message + " (:help lists the commands)\n", false)
    }
  }

  /// Runs a subcommand with the session's point and variables; errors become text.
  private func run(_ arguments: [String], withPoint: Bool = true) -> String {
    var arguments = arguments
    if let point, withPoint { arguments += ["--at", point] }
    if let wrt { arguments += ["--wrt", wrt] }
    if arguments[0] != "latex" { arguments += ["--format", isTerminal ? "unicode" : "plain"] }
    let result = ChainRuleCommand.execute(arguments: arguments, stdin: { nil }, isTerminal: isTerminal)
    return result.stdout + Self.sessionWording(result.stderr)
  }

  /// `:grade <answer>` (or `:grade --trace <line>`) on `formula`, by the session's `:wrt`.
  private func grade(_ formula: String, _ argument: String) -> String {
    var answer = argument
    var arguments = ["grade", formula]
    if answer.hasPrefix("--trace") {
      answer = String(answer.dropFirst("--trace".count)).trimmingCharacters(in: .whitespaces)
      arguments.append("--trace")
      if let point { arguments += ["--at", point] }
    } else if let wrt {
      arguments += ["--wrt", wrt]
    }
    guard !answer.isEmpty else { return "error: type your derivative after :grade, e.g. :grade 2*x\n" }
    arguments += ["--answer", answer, "--format", isTerminal ? "unicode" : "plain"]
    let result = ChainRuleCommand.execute(arguments: arguments, stdin: { nil }, isTerminal: isTerminal)
    return result.stdout + Self.sessionWording(result.stderr)
  }

  /// A subcommand's messages as the session says them: the options the REPL set are its
  /// commands (`--wrt` is `:wrt`), and there is no command line to look up in `--help`.
  static func sessionWording(_ messages: String) -> String {
    messages.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !($0.hasPrefix("see 'chainrule ") && $0.hasSuffix("--help'")) }
      .map { line in
        let worded = line.replacingOccurrences(of: "--wrt", with: ":wrt").replacingOccurrences(of: "--at", with: ":at")
        return worded.hasPrefix("error: :wrt") ? worded + " (:wrt alone differentiates by every variable)" : worded
      }
      .joined(separator: "\n")
  }

  /// Runs a whole session over `lines`, as with piped input; returns everything printed.
  static func session(_ text: String, isTerminal: Bool = false) -> String {
    var repl = REPL(isTerminal: isTerminal)
    var input = ScriptedInput(text.split(separator: "\n", omittingEmptySubsequences: false).map { .line(String($0)) })
    var out = ""
    run(&repl, input: &input) { out += $0 }
    return out
  }

  /// Runs `repl` on `input` until `:quit` or the end, writing as it goes.
  ///
  /// A line is recorded in the history, then handled. Ctrl-C (``REPLInput/interrupt``) drops
  /// the line and keeps the session; the end of interactive input closes the prompt's line.
  static func run(_ repl: inout REPL, input: inout some REPLInputSource, write: (String) -> Void) {
    var interrupted = false
    while true {
      switch input.next(prompt: "chainrule> ", history: repl.history.entries) {
      case .line(let line):
        repl.history.add(line)
        let (output, quit) = repl.handle(line)
        // Ctrl-C while the line was worked out came too late to drop it: the result stands.
        _ = InterruptSignal.take()
        write(output)
        if quit { return }
      case .interrupt:
        if !interrupted {
          write("(Ctrl-C drops the line; the definitions are kept. :quit or Ctrl-D leaves)\n")
          interrupted = true
        }
      case .end:
        if input.isInteractive { write("\n") }
        return
      }
    }
  }
}

extension ChainRuleCommand {
  /// The interactive REPL on a terminal: reads, prints as it goes, until `:quit` or Ctrl-D.
  ///
  /// Ctrl-C abandons the line being typed (or the result being worked out) and the session,
  /// with its definitions, goes on. The history is kept in `~/.chainrule_history`.
  public static func runInteractiveREPL(startWithToyModel: Bool = false) -> Int32 {
    let write = { (text: String) in FileHandle.standardOutput.write(Data(text.utf8)) }
    let history = REPLHistory(path: REPLHistory.defaultPath())
    var repl = REPL(isTerminal: true, history: history)
    if startWithToyModel {
      let (session, output) = REPL.startingWithToyModel(isTerminal: true, history: history)
      repl = session
      write("ChainRule \(version): the built-in toy model at the book's point\n\n" + output)
      write("\nType :trace to watch backpropagation reach these numbers, a formula of your own, or :help.\n")
      write(ToyModel.directRunHint(executable: CommandLine.arguments.first) ?? "")
    } else {
      write("ChainRule \(version): type a formula, or :help\n")
    }
    InterruptSignal.install()
    if var terminal = TerminalInput() {
      REPL.run(&repl, input: &terminal, write: write)
    } else {
      var piped = LinesInput()
      REPL.run(&repl, input: &piped, write: write)
    }
    return ExitCode.success
  }
}

/// Standard input read with `readLine()`, for a REPL whose input is not a terminal.
private struct LinesInput: REPLInputSource {
  let isInteractive = true

  mutating func next(prompt: String, history: [String]) -> REPLInput {
    FileHandle.standardOutput.write(Data(prompt.utf8))
    return readLine().map { .line($0) } ?? .end
  }
}
