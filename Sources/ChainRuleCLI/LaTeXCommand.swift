import ChainRule
import Foundation

/// `chainrule latex`: a LaTeX document of the derivation that compiles with `pdflatex` as it is.
enum LaTeXCommand {
  static let valueOptions: Set<String> = ["--wrt", "--at", "--file", "--output", "--brackets", "--data"]
  static let flagOptions: Set<String> = ["--fragment", "--steps"]

  static func run(_ arguments: Arguments, stdin: () -> String?, isTerminal: Bool) throws(CommandError)
    -> CommandResult
  {
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
    var document = LaTeXDocument(
      formula: request.formula, variables: request.variables, point: request.point,
      includeSteps: arguments.flags.contains("--steps"), brackets: brackets)
    if let values = request.pointValues {
      let formula = request.formula
      let data = dataNames ?? Trace.defaultDataNames(among: formula.variables)
      let program = ForwardProgram(formula: formula, dataNames: data)
      do throws(Trace.Failure) {
        document.trace = try Trace(
          program: program, parameters: request.variables,
          point: values,
          printedOperations: ExpressionPrinter.plainOperationCounter(for: [formula.graph, program.graph]))
      } catch {
        switch error {
        case .evaluation(let failure, let step):
          let message = request.describe(failure, printer: ExpressionPrinter(graph: program.graph, notation: .plain))
          throw .input(message.replacingOccurrences(of: "error: ", with: "error: in step \(step): ", maxCount: 1))
        }
      }
    }
    let text = arguments.flags.contains("--fragment") ? document.body() : document.document()
    if let path = arguments.values["--output"] {
      do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
      } catch {
        throw .input("error: cannot write '\(path)': \(error.localizedDescription)\n")
      }
      return CommandResult(stdout: "wrote \(path)\n")
    }
    return CommandResult(stdout: text)
  }

  private static func defaultParameters(_ program: ForwardProgram, _ data: Set<String>) -> [String] {
    let parameters = program.parameters(excluding: data)
    return parameters.isEmpty ? program.parameters(excluding: []) : parameters
  }
}
