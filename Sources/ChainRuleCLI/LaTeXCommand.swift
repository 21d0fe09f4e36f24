import ChainRule
import Foundation

/// `chainrule latex`: a LaTeX document of the derivation that compiles with `pdflatex` as it is.
enum LaTeXCommand {
  static let declaration = Subcommand(
    name: "latex",
    summary: "Write the derivation as a LaTeX document.",
    overview: "Write a formula's derivatives as a LaTeX document that compiles with pdflatex.",
    usage: [
      "chainrule latex <formula> [--at <point>] [--wrt <names>] [--steps] [--step-names]",
      "                       [--update <rate>] [--graph] [--fragment] [--brackets square|round]",
      "                       [-o <file>]",
    ],
    arguments: [HelpEntry("<formula>", "A formula or definitions, as for 'diff'.")],
    options: [
      CommandOption(
        "--wrt", value: "<names>", help: "The variables to differentiate by (default: the parameters,",
        "as for 'trace')."),
      CommandOption(
        "--at", value: "<point>", help: "Add values, the forward pass, both backward passes and the",
        "comparison table of 'trace'."),
      CommandOption("--data", value: "<names>", help: "The data names for the trace (as for 'trace')."),
      CommandOption("--steps", help: "Add the rule-by-rule derivation of every derivative."),
      CommandOption(
        "--step-names", help: "Write each derivative first in the definitions' own names",
        "(∂E/∂w₅ = out_h₁·∂E/∂net_o₁), as 'diff' does, then expanded."),
      CommandOption(
        "--update", value: "<rate>", help: "With --at: add one gradient-descent step θ ← θ − rate·∂ℓ/∂θ",
        "(as for 'trace')."),
      CommandOption(
        "--graph", help: "Add the computation graph as a TikZ picture (loads graphicx and tikz;",
        "see 'chainrule graph')."),
      CommandOption("--fragment", help: "Print only the body, for \\input."),
      CommandOption(
        "--brackets", value: "<style>", help: "square (default, as the book: exp keeps round ones) or round",
        "brackets for function arguments."),
      CommandOption("--output", short: "-o", value: "<file>", help: "Write to a file instead of standard output."),
      CommandOption.file,
    ],
    discussion: """
      The document uses only amsmath and amssymb (and tikz with --graph); long closed forms
      break across lines.

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    let (stdin, isTerminal) = (context.stdin, context.isTerminal)
    var options = arguments
    options.values["--format"] = "latex"
    let bracketText = arguments.values["--brackets"] ?? "square"
    guard let brackets = ExpressionPrinter.Brackets(rawValue: bracketText) else {
      throw .usage("--brackets must be square or round; found '\(bracketText)'", command: "latex")
    }
    var dataNames: Set<String>? = nil
    if let text = arguments.values["--data"] {
      dataNames = Set(try OptionValues.names(text, option: "--data", command: "latex"))
    }
    let request = try GradientRequest(
      options, command: "latex", stdin: stdin, isTerminal: isTerminal,
      defaultVariables: { formula in
        let data = dataNames ?? Trace.defaultDataNames(among: formula.variables)
        return defaultParameters(ForwardProgram(formula: formula, dataNames: data), data)
      })
    var rate: Double? = nil
    if let text = arguments.values["--update"] {
      guard let value = Double(text.replacingMinus()), value.isFinite else {
        throw .usage("--update expects a learning rate, e.g. --update 0.5; found '\(text)'", command: "latex")
      }
      guard request.pointValues != nil else {
        throw .usage("--update needs a point to step from: add --at name=value,…", command: "latex")
      }
      rate = value
    }
    var document = LaTeXDocument(
      formula: request.formula, variables: request.variables, point: request.point,
      includeSteps: arguments.flags.contains("--steps"), brackets: brackets)
    document.stepNames = arguments.flags.contains("--step-names")
    document.updateRate = rate
    let formula = request.formula
    let data = dataNames ?? Trace.defaultDataNames(among: formula.variables)
    let program = ForwardProgram(formula: formula, dataNames: data)
    if let values = request.pointValues {
      do throws(Trace.Failure) {
        document.trace = try Trace(
          program: program, parameters: request.variables,
          point: values)
      } catch {
        switch error {
        case .evaluation(let failure, let step):
          throw .input(
            request.describe(
              failure, printer: ExpressionPrinter(graph: program.graph, notation: .plain), context: "in step \(step)"))
        }
      }
    }
    if arguments.flags.contains("--graph") {
      document.graph = ComputationGraph(program: program, parameters: request.variables, trace: document.trace)
    }
    let text = arguments.flags.contains("--fragment") ? document.body() : document.document()
    let notes = request.pointNotes.map { $0 + "\n" }.joined()
    if let path = arguments.values["--output"] {
      do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
      } catch {
        throw .input(.message("cannot write '\(path)': \(error.localizedDescription)"))
      }
      return CommandResult(stdout: "wrote \(path)\n", stderr: notes)
    }
    return CommandResult(stdout: text, stderr: notes)
  }

  private static func defaultParameters(_ program: ForwardProgram, _ data: Set<String>) -> [String] {
    let parameters = program.parameters(excluding: data)
    return parameters.isEmpty ? program.parameters(excluding: []) : parameters
  }
}
