import ChainRule
import Foundation

/// `chainrule graph`: the forward steps drawn as a computation graph (SVG, DOT or TikZ).
enum GraphCommand {
  static let declaration = Subcommand(
    name: "graph",
    summary: "Draw the forward steps as a computation graph (SVG, DOT or TikZ).",
    overview: "Draw a formula's forward steps as a computation graph, with local derivatives on the edges.",
    usage: [
      "chainrule graph <formula> [--at <point>] [--wrt <names>] [--data <names>]",
      "                       [--steps textbook|primitive] [--format svg|dot|tikz] [-o <file>]",
    ],
    arguments: [
      HelpEntry("<formula>", "A formula or definitions, as for 'trace'. Definitions name their", "own steps.")
    ],
    options: [
      CommandOption(
        "--at", value: "<point>", help: "A value for every variable: every box then shows its value and",
        "its adjoint ∂ℓ/∂(box), every edge its local derivative's value."),
      CommandOption(
        "--wrt", value: "<names>", help: "The parameters (default: every variable except the data names)."),
      CommandOption.data,
      CommandOption(
        "--steps", value: "<cut>", help: "textbook (default) or primitive (one operation per step), as for",
        "'trace'."),
      CommandOption(
        "--format", value: "<format>", help: "svg (default), dot (Graphviz) or tikz (a tikzpicture); by",
        "default taken from the -o file's extension (.svg, .dot or .gv, .tex)."),
      CommandOption("--output", short: "-o", value: "<file>", help: "Write to a file instead of standard output."),
      CommandOption.file,
    ],
    discussion: """
      Boxes are values (parameters, data and the steps of 'trace'), circles the operations that
      compute the steps; each arrow into an operation is labelled with the local derivative
      ∂(step)/∂(input) that the backward pass multiplies by. A value used twice is one box with
      two arrows out: its adjoint is the sum of both paths. ChainRule lays the graph out itself;
      the SVG needs no fonts or files beyond it, the DOT goes to Graphviz (dot -Tpdf), the TikZ
      into LaTeX notes (\\usepackage{tikz}, \\usetikzlibrary{shapes.geometric}).

      EXAMPLES:
        chainrule graph -f Examples/toy-model.chain -o toy.svg
        chainrule graph 'sigmoid(w*x + b)' --at w=2,x=1,b=-1 -o neuron.dot

      """,
    run: { arguments, context throws(CommandError) in try run(arguments, context) })

  /// Pictures are drawn for graphs up to this many nodes.
  static let nodeLimit = 4_000

  /// The output formats.
  enum Format: String {
    case svg, dot, tikz
  }

  static func run(_ arguments: Arguments, _ context: CommandContext) throws(CommandError) -> CommandResult {
    let output = arguments.values["--output"]
    let format = try chosenFormat(arguments.values["--format"], output: output)
    let graph = try computationGraph(arguments, context, command: "graph")
    let picture = GraphPicture(graph: graph)
    let text: String
    switch format {
    case .svg: text = SVGGraphWriter(picture: picture).svg()
    case .dot: text = DOTWriter(picture: picture).dot()
    case .tikz:
      let latex = GraphPicture(graph: graph, notation: .latex)
      text =
        "% The computation graph of \(graph.resultName), drawn by chainrule; needs in the preamble:\n"
        + TikZWriter.preamble.split(separator: "\n").map { "%   \($0)\n" }.joined()
        + TikZWriter(picture: picture, latex: latex).tikz()
    }
    guard let output else { return CommandResult(stdout: text) }
    do {
      try text.write(toFile: output, atomically: true, encoding: .utf8)
    } catch {
      throw .input(.message("cannot write '\(output)': \(error.localizedDescription)"))
    }
    return CommandResult(stdout: "wrote \(output)\n")
  }

  /// The format asked for, or the one the output file's extension names (SVG by default).
  static func chosenFormat(_ text: String?, output: String?) throws(CommandError) -> Format {
    if let text {
      guard let format = Format(rawValue: text) else {
        throw .usage("--format must be svg, dot or tikz; found '\(text)'", command: "graph")
      }
      return format
    }
    switch output.map({ URL(fileURLWithPath: $0).pathExtension.lowercased() }) {
    case "dot", "gv": return .dot
    case "tex": return .tikz
    case nil, "", "svg": return .svg
    case let other?:
      // An image format ChainRule does not write (png, pdf) must not get SVG under its name.
      throw .usage(
        "cannot write a .\(other) file: graph writes .svg, .dot (or .gv) and .tex (TikZ); "
          + "convert the SVG with a viewer, or name the format with --format",
        command: "graph")
    }
  }

  /// The computation graph the options describe: the formula cut into steps (`--steps`), the
  /// parameters (`--wrt`, or every variable but the data), and with `--at` the trace's values.
  static func computationGraph(
    _ arguments: Arguments, _ context: CommandContext, command: String
  ) throws(CommandError) -> ComputationGraph {
    var dataNames: Set<String>? = nil
    if let text = arguments.values["--data"] {
      dataNames = Set(try OptionValues.names(text, option: "--data", command: command))
    }
    let granularityText = arguments.values["--steps"] ?? "textbook"
    guard let granularity = StepGranularity(rawValue: granularityText) else {
      throw .usage("--steps must be textbook or primitive; found '\(granularityText)'", command: command)
    }
    // The formula, variables and point as for trace; the text notation does not matter here.
    var options = arguments
    options.values["--format"] = "unicode"
    var program: ForwardProgram? = nil
    let request = try GradientRequest(
      options, command: command, stdin: context.stdin, isTerminal: context.isTerminal,
      defaultVariables: { formula in
        let data = dataNames ?? Trace.defaultDataNames(among: formula.variables)
        let cut = ForwardProgram(formula: formula, dataNames: data, granularity: granularity)
        program = cut
        let parameters = cut.parameters(excluding: data)
        return parameters.isEmpty ? cut.parameters(excluding: []) : parameters
      })
    let formula = request.formula
    let data = dataNames ?? Trace.defaultDataNames(among: formula.variables)
    let forwardProgram = program ?? ForwardProgram(formula: formula, dataNames: data, granularity: granularity)
    let inputs = Set(forwardProgram.steps.flatMap { forwardProgram.graph.symbols(in: $0.expression) })
    let size = 2 * forwardProgram.steps.count + inputs.count
    guard size <= nodeLimit else {
      let hint = granularity == .primitive ? "try --steps textbook, or a smaller formula" : "try a smaller formula"
      throw .input(.message("the graph would have \(size) nodes; pictures are drawn up to \(nodeLimit) (\(hint))"))
    }
    var trace: Trace? = nil
    if let point = request.pointValues {
      do throws(Trace.Failure) {
        trace = try Trace(
          program: forwardProgram, parameters: request.variables, point: point)
      } catch {
        switch error {
        case .evaluation(let failure, let step):
          let printer = ExpressionPrinter(graph: forwardProgram.graph, notation: .unicode)
          throw .input(request.describe(failure, printer: printer, context: "in step \(Notation.unicode.name(step))"))
        }
      }
    }
    return ComputationGraph(program: forwardProgram, parameters: request.variables, trace: trace)
  }
}
