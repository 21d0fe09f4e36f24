import ChainRule

/// Matrix mode on the command line: `diff` and `trace` of a formula that declares shapes
/// (`x: 64×1000`) come here; every other formula takes the scalar path unchanged.
enum MatrixCommand {
  /// The options `diff` accepts for matrix mode (besides --wrt, --at, --format, --steps, --full).
  static let diffOptions: [CommandOption] = [
    CommandOption(
      "--random", value: "<seed>", help: "Matrix mode: evaluate at random inputs drawn from this seed",
      "(standard normal entries; labels as random classes)."),
    CommandOption(
      "--entry", value: "<entry>", help: "Matrix mode: one gradient entry as the scalar chain rule summed",
      "over an index, e.g. 'w1[i,j]' (or 'w1[0,2]' with --random)."),
    CommandOption(
      "--scalarise", help: "Matrix mode: the loss with one scalar per entry (small sizes),",
      "differentiated by the scalar engine and compared entry by entry."),
    CommandOption(
      "--adjoints", value: "<style>", help: "Matrix mode: inline (default), or named: the steps' adjoints",
      "as ∂ℓ/∂s, each given after the results."),
  ]

  /// The options `trace` accepts for matrix mode.
  static let traceOptions: [CommandOption] = [
    diffOptions[0], CommandOption("--full", help: "Matrix mode: print every entry of the matrices."),
  ]

  /// Runs `trace` in matrix mode if the formula declares shapes; nil otherwise.
  static func trace(_ arguments: Arguments, _ context: inout CommandContext) throws(CommandError) -> CommandResult? {
    guard let input = try matrixInput(arguments, "trace", &context) else { return nil }
    let request = try request(arguments, input, command: "trace", isTerminal: context.isTerminal)
    let report = try report(request, inputs: try inputs(request), named: true)
    let costs = MatrixCostRenderer(report: report, checks: try gradientChecks(report, request))
    if request.json { return CommandResult(stdout: report.json(extra: costs.json())) }
    var text = MatrixTraceRenderer(report: report).text(request.notation, full: arguments.flags.contains("--full"))
    text += costs.text(request.notation)
    if request.notation == .plain { text = MatrixValueFormat.ascii(text) }
    return CommandResult(stdout: text, stderr: notes(request))
  }

  /// Each gradient compared with central differences at a few entries drawn from the seed
  /// (every entry of a small one); none without numbers.
  static func gradientChecks(_ report: MatrixReport, _ request: Request) throws(CommandError)
    -> [MatrixCostRenderer.Check]
  {
    guard let inputs = report.inputs else { return [] }
    let check = MatrixGradientCheck(formula: request.formula, inputs: inputs)
    var checks: [MatrixCostRenderer.Check] = []
    for (index, row) in report.rows.enumerated() {
      guard let gradient = report.values[row.node], inputs[row.variable] != nil else { continue }
      do throws(MatrixEvaluationError) {
        let seed = (request.seed ?? 0) &+ UInt64(index) &* 0x9E37_79B9
        let entries = try check.compare(row.variable, gradient: gradient, limit: 3, seed: seed)
        checks.append(MatrixCostRenderer.Check(variable: row.variable, entries: entries))
      } catch {
        throw .input(.message(describe(error, request.formula, request.notation)))
      }
    }
    return checks
  }

  /// The report of `request`, its errors rendered.
  static func report(_ request: Request, inputs: [String: Matrix]?, named: Bool) throws(CommandError) -> MatrixReport {
    do throws(MatrixReportError) {
      return try MatrixReport(
        formula: request.formula, variables: request.variables, inputs: inputs, seed: request.seed,
        namedAdjoints: named)
    } catch {
      switch error {
      case .diagnostic(let diagnostic):
        throw .input(.matrixDiagnostic(diagnostic, source: request.input.source, sourceName: request.input.name))
      case .evaluation(let evaluation): throw .input(.message(describe(evaluation, request.formula, request.notation)))
      }
    }
  }

  /// What a matrix-mode command reads from its options.
  struct Request {
    var input: FormulaInput
    var formula: MatrixFormula
    var variables: [String]
    var notation: Notation
    var json: Bool
    /// Values given with --at for scalar inputs.
    var scalars: [String: Matrix]
    var seed: UInt64?
  }

  /// Runs `diff` in matrix mode if the formula declares shapes; nil (with the formula's text kept
  /// for the scalar path to read again) otherwise.
  static func diff(_ arguments: Arguments, _ context: inout CommandContext) throws(CommandError) -> CommandResult? {
    guard let input = try matrixInput(arguments, "diff", &context) else { return nil }
    let request = try request(arguments, input, command: "diff", isTerminal: context.isTerminal)
    return try runDiff(arguments, request)
  }

  /// The formula's input if it declares shapes. Otherwise nil, and `context` reads the same text
  /// again (standard input is read once).
  static func matrixInput(_ arguments: Arguments, _ command: String, _ context: inout CommandContext)
    throws(CommandError) -> FormulaInput?
  {
    guard let input = try? FormulaInput.read(arguments, command: command, stdin: context.stdin) else { return nil }
    guard MatrixParser.declaresShapes(input.source) else {
      if arguments.values["--file"] == "-" || arguments.positionals.first == "-" {
        let text = input.source
        context = CommandContext(stdin: { text }, isTerminal: context.isTerminal)
      }
      return nil
    }
    return input
  }

  static func parse(_ input: FormulaInput, sizes: [String: Int]) throws(CommandError) -> MatrixFormula {
    do throws(MatrixDiagnostic) {
      return try MatrixFormula(parsing: input.source, sizes: sizes)
    } catch {
      throw .input(.matrixDiagnostic(error, source: input.source, sourceName: input.name))
    }
  }

  /// A name as typed on the command line, canonical (`λ` → `lambda`, `W⁽¹⁾` → `W^(1)`).
  static func canonicalName(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: " ")
    if let name = Parser.canonicalName(trimmed) { return name }
    let program = try? MatrixParser.parse("\(trimmed): 1\n\(trimmed)")
    return program?.declarations.first?.name
  }

  static func request(_ arguments: Arguments, _ input: FormulaInput, command: String, isTerminal: Bool)
    throws(CommandError) -> Request
  {
    // --at: sizes (whole numbers for names used as sizes) and scalar inputs.
    var sizes: [String: Int] = [:]
    var scalars: [String: Matrix] = [:]
    let program: MatrixProgram
    do throws(MatrixDiagnostic) {
      program = try MatrixParser.parse(input.source)
    } catch {
      throw .input(.matrixDiagnostic(error, source: input.source, sourceName: input.name))
    }
    let sizeNames = program.sizeNames
    if let text = arguments.values["--at"] {
      for item in text.split(separator: ",", omittingEmptySubsequences: true) {
        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let name = canonicalName(parts[0]) else {
          throw .usage(
            "--at expects name=value pairs separated by commas, e.g. N=64,lambda=0.1; found '\(item)'", command: command
          )
        }
        let valueText = parts[1].trimmingCharacters(in: " ").replacingMinus()
        guard let value = Double(valueText), value.isFinite else {
          throw .usage("--at: '\(parts[1])' is not a number (for \(name))", command: command)
        }
        if sizeNames.contains(name) {
          guard value == value.rounded(), value >= 1, value < 1e8 else {
            throw .usage(
              "--at: the size \(name) must be a whole number of at least 1; found '\(parts[1])'", command: command)
          }
          sizes[name] = Int(value)
        } else {
          scalars[name] = Matrix(scalar: value)
        }
      }
    }
    let formula = try parse(input, sizes: sizes)
    for name in scalars.keys {
      if let declared = formula.input(named: name), !declared.shape.isScalar {
        throw .usage(
          "--at gives one number for \(name), which is \(formula.bindings.described(declared.shape)); matrices take --random values",
          command: command)
      }
    }
    var variables = formula.defaultVariables
    if let text = arguments.values["--wrt"] {
      variables = []
      for item in text.split(separator: ",", omittingEmptySubsequences: true) {
        guard let name = canonicalName(String(item)) else {
          throw .usage("--wrt expects names separated by commas, e.g. w1,w2; found '\(item)'", command: command)
        }
        if formula.input(named: name)?.labels != nil {
          throw .usage(
            "\(name) holds the labels of a cross-entropy, which are data: they have no gradient", command: command)
        }
        if !variables.contains(name) { variables.append(name) }
      }
    }
    var seed: UInt64? = nil
    if let text = arguments.values["--random"] {
      guard let value = UInt64(text) else {
        throw .usage("--random expects a seed, a whole number such as 0 or 42; found '\(text)'", command: command)
      }
      seed = value
    }
    let format = arguments.values["--format"] ?? (isTerminal ? "unicode" : "plain")
    let json = format == "json"
    guard json || Notation(rawValue: format) != nil else {
      throw .usage("--format must be plain, unicode, latex or json; found '\(format)'", command: command)
    }
    return Request(
      input: input, formula: formula, variables: variables, notation: Notation(rawValue: format) ?? .plain, json: json,
      scalars: scalars, seed: seed)
  }

  /// The inputs' values: --at for scalars, the rest drawn from --random; nil without --random
  /// unless every input is a scalar given with --at.
  static func inputs(_ request: Request) throws(CommandError) -> [String: Matrix]? {
    let formula = request.formula
    let allGiven = formula.inputs.allSatisfy { request.scalars[$0.name] != nil }
    guard request.seed != nil || (allGiven && !request.scalars.isEmpty) else { return nil }
    do throws(MatrixEvaluationError) {
      return try formula.inputValues(given: request.scalars, seed: request.seed)
    } catch {
      throw .input(.message(describe(error, formula, request.notation)))
    }
  }

  /// An evaluation error in a learner's words.
  static func describe(_ error: MatrixEvaluationError, _ formula: MatrixFormula, _ notation: Notation) -> String {
    let printer = MatrixPrinter(
      graph: formula.graph, notation: notation == .latex ? .plain : notation, names: formula.stepNames)
    switch error {
    case .unboundSize(let name):
      return "the size \(name) has no number; add \(name)=… to --at"
    case .missingInput(let name):
      return "no value for '\(name)'; add \(name)=… to --at, or --random SEED for random inputs"
    case .wrongInputShape(let name, let expected, let found):
      return "the value of '\(name)' is \(found), but it is declared \(expected)"
    case .badLabels(let node):
      return "the labels in \(printer.string(node)) are not whole class indices in range"
    case .tooLarge(let shape, _):
      return
        "a \(shape) matrix is too large to compute with (at most \(MatrixEvaluator.maximumEntries) entries); choose smaller sizes with --at"
    case .notFinite(let node):
      return
        "\(printer.string(node, expandingTop: true)) has entries that are undefined or overflow at these inputs"
    }
  }

  static func runDiff(_ arguments: Arguments, _ request: Request) throws(CommandError) -> CommandResult {
    let inputs = try inputs(request)
    let style = arguments.values["--adjoints"] ?? "inline"
    guard style == "inline" || style == "named" else {
      throw .usage("--adjoints must be inline or named; found '\(style)'", command: "diff")
    }
    let report = try report(request, inputs: inputs, named: style == "named")
    if request.json { return CommandResult(stdout: report.json()) }
    var text = report.text(request.notation, full: arguments.flags.contains("--full"))
    if arguments.flags.contains("--steps") {
      text += MatrixSteps.text(report, request.notation)
    }
    if let entry = arguments.values["--entry"] {
      text += try MatrixSteps.entry(entry, report, request.notation, inputs: inputs)
    }
    if arguments.flags.contains("--scalarise") {
      text += try MatrixSteps.scalarised(report, request.notation, inputs: inputs)
    }
    return CommandResult(
      stdout: request.notation == .plain ? MatrixValueFormat.ascii(text) : text, stderr: notes(request))
  }

  /// Notes for names asked for that the result does not use.
  static func notes(_ request: Request) -> String {
    let printer = MatrixPrinter(graph: request.formula.graph, notation: request.notation)
    return request.variables.filter { request.formula.input(named: $0) == nil }.map {
      "note: \(printer.name(request.formula.resultName)) does not depend on \(printer.name($0)), so its derivative is 0\n"
    }.joined()
  }
}
