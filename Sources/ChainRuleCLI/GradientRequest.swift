import ChainRule

/// What diff, check and trace share: the formula, the variables to differentiate by, the point.
struct GradientRequest {
  var input: FormulaInput
  var formula: Formula
  /// Canonical names to differentiate by, in the order asked.
  var variables: [String]
  /// The point, in the order given, if `--at` was given.
  var point: [(String, Double)]?
  var notation: Notation
  var json: Bool

  /// Closed forms larger than this are summarised unless `--full` is given.
  static let printLimit = 10_000

  var pointValues: [String: Double]? {
    point.map { Dictionary($0, uniquingKeysWith: { a, _ in a }) }
  }

  init(
    _ arguments: Arguments, command: String, stdin: () -> String?, isTerminal: Bool,
    defaultVariables: (Formula) -> [String] = { $0.variables }
  ) throws(CommandError) {
    input = try FormulaInput.read(arguments, command: command, stdin: stdin)
    formula = try input.parse()
    variables =
      try arguments.values["--wrt"].map { (text) throws(CommandError) in
        try OptionValues.names(text, option: "--wrt", command: command)
      } ?? defaultVariables(formula)
    point = try arguments.values["--at"].map { (text) throws(CommandError) in
      try OptionValues.point(text, command: command)
    }
    let format = arguments.values["--format"] ?? (isTerminal ? "unicode" : "plain")
    switch format {
    case "json":
      json = true
      notation = .plain
    default:
      guard let chosen = Notation(rawValue: format) else {
        throw .usage("--format must be plain, unicode, latex or json; found '\(format)'", command: command)
      }
      json = false
      notation = chosen
    }
    if let values = pointValues {
      let missing = formula.variables.filter { values[$0] == nil }
      if !missing.isEmpty {
        let list = missing.map { "\($0)=…" }.joined(separator: ",")
        throw .usage("--at gives no value for \(missing.joined(separator: ", ")); add \(list)", command: command)
      }
    }
  }

  /// Notes for variables the result does not depend on (their derivative is 0).
  func independenceNotes() -> [String] {
    let used = Set(formula.variables)
    return variables.filter { !used.contains($0) }.map {
      "note: \(notation.name(formula.resultName)) does not depend on \(notation.name($0)), so its derivative is 0"
    }
  }

  /// The values of `ids` at the point, reporting a domain error with the failing subexpression.
  func evaluate(_ ids: [NodeID], at values: [String: Double]) throws(CommandError) -> (
    values: [NodeID: Double], kinks: [Evaluator.Kink]
  ) {
    do {
      let (all, kinks) = try Evaluator(graph: formula.graph).values(of: ids, at: values)
      return (Self.pick(ids, from: all), kinks)
    } catch {
      throw .input(describe(error))
    }
  }

  /// The values of `ids` among `all`, by id.
  static func pick(_ ids: [NodeID], from all: NodeValues) -> [NodeID: Double] {
    var picked: [NodeID: Double] = [:]
    for id in ids { picked[id] = all[id] }
    return picked
  }

  /// A learner-readable message for an evaluation error.
  func describe(_ error: EvaluationError) -> String {
    describe(error, printer: formula.printer(notation == .latex ? .plain : notation))
  }

  /// A learner-readable message for an evaluation error, printing nodes with `printer`.
  func describe(_ error: EvaluationError, printer: ExpressionPrinter) -> String {
    switch error {
    case .unboundSymbol(let name):
      return "error: no value for '\(name)'; add \(name)=… to --at\n"
    case .domain(let domain, let node):
      let text = printer.string(node)
      let shown = text.count > 120 ? String(text.prefix(117)) + "…" : text
      switch domain {
      case .outsideDomain(let function, let argument, let domainText):
        return
          "error: \(shown) is undefined: \(function) needs \(domainText), but here its argument is \(ValueFormat.text(argument, notation))\n"
      case .divisionByZero:
        return "error: division by zero in \(shown)\n"
      case .negativeBaseFractionalPower(let base, let exponent):
        return
          "error: \(shown) is undefined: a negative base (\(ValueFormat.text(base, notation))) to a fractional power (\(ValueFormat.text(exponent, notation)))\n"
      case .overflow:
        return "error: \(shown) overflows: its value is too large for a 64-bit float\n"
      }
    }
  }

  /// A message for an evaluation error met while training.
  static func describeTraining(_ error: EvaluationError, formula: Formula) -> String {
    switch error {
    case .unboundSymbol(let name): return "error: no value for '\(name)': add a data column or --at \(name)=…\n"
    case .domain(_, let node):
      return
        "error: the loss has no value on some row: \(formula.printer(.plain).string(node)) is undefined or overflows there\n"
    }
  }

  /// Notes on conventions used at kinks of the formula met at the point (kinks inside the
  /// derivatives, such as step(u) from relu, are covered by the formula's own note).
  func kinkNotes(_ kinks: [Evaluator.Kink]) -> [String] {
    let printer = formula.printer(notation == .latex ? .plain : notation)
    let ownNodes = Set(formula.graph.reachable(from: formula.root))
    var notes: [String] = []
    for kink in kinks where ownNodes.contains(kink.node) {
      let at = printer.string(kink.node)
      guard let convention = kink.function.definition.kink?.convention else { continue }
      let note = "note: \(at) is at a kink; the derivative uses the convention \(convention)"
      if !notes.contains(note) { notes.append(note) }
    }
    return notes
  }
}
