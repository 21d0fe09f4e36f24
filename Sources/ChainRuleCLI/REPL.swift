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
      On a terminal the line has editing and history (libedit, when the system has it); piped
      input runs one line at a time, for scripts and tests. Errors never end the session.

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
      :help           this text;  :quit (or Ctrl-D) leaves

    """

  init(isTerminal: Bool) { self.isTerminal = isTerminal }

  /// A session that starts on the built-in toy model at the book's point, so `:trace` works at once.
  static func startingWithToyModel(isTerminal: Bool) -> (REPL, String) {
    var repl = REPL(isTerminal: isTerminal)
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
      let name = line.split(separator: "=", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces)
      return ("defined \(name)\n", false)
    }
    if settingsFromToyModel {
      point = nil
      wrt = nil
      settingsFromToyModel = false
    }
    lastFormula = source
    return (run(["diff", source]), false)
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
      // A point file's path (`:at @point.txt`) is kept as typed.
      point =
        argument.isEmpty ? nil : argument.hasPrefix("@") ? argument : argument.replacingOccurrences(of: " ", with: "")
      return (point.map { "point: \($0)\n" } ?? "point cleared\n", false)
    case ":wrt":
      settingsFromToyModel = false
      wrt = argument.isEmpty ? nil : argument.replacingOccurrences(of: " ", with: "")
      return (wrt.map { "differentiating by \($0)\n" } ?? "differentiating by every variable\n", false)
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
        return (run(["trace", formula]), false)
      case ":steps": return (run(["diff", formula, "--steps"]), false)
      default: return (run(["latex", formula, "--fragment"]), false)
      }
    default:
      let known = [":at", ":wrt", ":trace", ":steps", ":latex", ":grade", ":defs", ":clear", ":help", ":quit"]
      var message = "error: unknown command '\(name)'"
      if let best = Suggestion.closest(to: name, among: known) { message += "; did you mean '\(best)'?" }
      return (message + " (:help lists the commands)\n", false)
    }
  }

  /// Runs a subcommand with the session's point and variables; errors become text.
  private func run(_ arguments: [String]) -> String {
    var arguments = arguments
    if let point { arguments += ["--at", point] }
    if let wrt { arguments += ["--wrt", wrt] }
    if arguments[0] != "latex" { arguments += ["--format", isTerminal ? "unicode" : "plain"] }
    let result = ChainRuleCommand.execute(arguments: arguments, stdin: { nil }, isTerminal: isTerminal)
    return result.stdout + result.stderr
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
    return result.stdout + result.stderr
  }

  /// Runs a whole session over `lines`, as with piped input; returns everything printed.
  static func session(_ text: String, isTerminal: Bool = false) -> String {
    var repl = REPL(isTerminal: isTerminal)
    var out = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let (output, quit) = repl.handle(String(line))
      out += output
      if quit { break }
    }
    return out
  }
}

/// Reads lines with editing and history from the system's libedit when it can be loaded,
/// else with `readLine()`. Loaded with `dlopen` at run time, so the package has no dependency.
final class LineReader {
  private typealias ReadLine = @convention(c) (UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>?
  private typealias AddHistory = @convention(c) (UnsafePointer<CChar>?) -> Int32
  private var readLineFunction: ReadLine?
  private var addHistoryFunction: AddHistory?

  init() {
    for library in ["libedit.so.2", "libedit.so", "libreadline.so.8", "libreadline.so"] {
      guard let handle = dlopen(library, RTLD_NOW) else { continue }
      if let symbol = dlsym(handle, "readline") {
        readLineFunction = unsafeBitCast(symbol, to: ReadLine.self)
        if let history = dlsym(handle, "add_history") {
          addHistoryFunction = unsafeBitCast(history, to: AddHistory.self)
        }
        return
      }
    }
  }

  /// The next line, or nil at end of input.
  func read(prompt: String) -> String? {
    if let readLineFunction {
      guard let pointer = prompt.withCString({ readLineFunction($0) }) else { return nil }
      defer { free(pointer) }
      let line = String(cString: pointer)
      if !line.trimmingCharacters(in: .whitespaces).isEmpty { _ = addHistoryFunction?(pointer) }
      return line
    }
    FileHandle.standardOutput.write(Data(prompt.utf8))
    return readLine()
  }
}

extension ChainRuleCommand {
  /// The interactive REPL on a terminal: reads, prints as it goes, until `:quit` or Ctrl-D.
  public static func runInteractiveREPL(startWithToyModel: Bool = false) -> Int32 {
    let reader = LineReader()
    var repl = REPL(isTerminal: true)
    if startWithToyModel {
      let (session, output) = REPL.startingWithToyModel(isTerminal: true)
      repl = session
      print("ChainRule \(version): the built-in toy model at the book's point\n")
      FileHandle.standardOutput.write(Data(output.utf8))
      print("\nType :trace to watch backpropagation reach these numbers, a formula of your own, or :help.")
    } else {
      print("ChainRule \(version): type a formula, or :help")
    }
    while let line = reader.read(prompt: "chainrule> ") {
      let (output, quit) = repl.handle(line)
      FileHandle.standardOutput.write(Data(output.utf8))
      if quit { break }
    }
    return ExitCode.success
  }
}
