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
  /// Notes on `--at` names the formula does not use.
  var pointNotes: [String] = []
  /// relu′(0), from `--relu-grad-at-zero`.
  var relu: ReluConvention

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
    relu = try ReluConvention(arguments, command: command)
    formula = try input.parse(relu: relu)
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
    if arguments.values["--wrt"] != nil {
      try checkNames(
        stepsAllowed: command == "diff" || command == "check",
        steps: command == "diff" && arguments.flags.contains("--steps"), command: command)
    }
    if let point {
      let known = Set(formula.variables)
      let unused = point.map(\.0).filter { !known.contains($0) }
      let given = pointValues ?? [:]
      let missing = formula.variables.filter { given[$0] == nil }
      if !missing.isEmpty {
        let list = missing.map { "\($0)=…" }.joined(separator: ",")
        var message = "--at gives no value for \(missing.joined(separator: ", ")); add \(list)"
        for name in unused {
          if let close = Self.closest(to: name, among: missing) {
            message += " ('\(name)' is not a variable of the formula: did you mean '\(close)'?)"
          }
        }
        throw .usage(message, command: command)
      }
      pointNotes = unused.map(unusedPointNote)
      // A part without a value as typed (x/x at x = 0, 0*log(x) at x = −1) is not hidden by the
      // graph or its simplified form, whose value would otherwise be printed; where neither has
      // a value, the command's own message names the failing part.
      if let values = pointValues, let problem = formula.program.undefinedAsWritten(at: values) {
        let evaluator = Evaluator(graph: formula.graph)
        let hidden =
          (try? evaluator.evaluate(formula.root, at: values)) != nil
          || (try? evaluator.evaluate(formula.simplified(formula.root), at: values)) != nil
        if hidden { throw .input(.diagnostic(problem, source: input.source, sourceName: input.name)) }
      }
    }
  }

  /// The formula's variables as a list for a message: `x, y` (or `none`).
  private var variableList: String {
    formula.variables.isEmpty ? "none" : formula.variables.joined(separator: ", ")
  }

  /// Refuses `--wrt` names that are not variables of the formula (a function, a constant, a
  /// name it does not use), with the variables and the closest; and step names where the
  /// command cannot give their partial derivative.
  private func checkNames(stepsAllowed: Bool, steps: Bool, command: String) throws(CommandError) {
    let known = Set(formula.variables)
    let stepNames = Set(formula.stepNames)
    for name in variables where !known.contains(name) {
      let shown = "'\(notation == .latex ? name : notation.name(name))'"
      if stepNames.contains(name) {
        if steps {
          throw .usage(
            "--steps derives by the variables; \(shown) is a step: run 'chainrule trace' to see its derivative in backward pass #1",
            command: command)
        }
        if stepsAllowed { continue }
        throw .usage(
          "--wrt: \(shown) is a step, not a parameter; backward pass #1 shows the derivative by each step (the variables: \(variableList))",
          command: command)
      }
      var message: String
      if Function(named: name) != nil {
        message = "--wrt: \(shown) is a function, not a variable of the formula"
      } else if Parser.constants[name] != nil {
        message = "--wrt: \(shown) is the constant \(name == "pi" ? "π" : "e"), not a variable"
      } else {
        message = "--wrt: the formula has no variable \(shown)"
      }
      message += "; its variables: \(variableList)"
      if stepsAllowed && !stepNames.isEmpty { message += "; its steps: \(formula.stepNames.joined(separator: ", "))" }
      let candidates = formula.variables + (stepsAllowed ? formula.stepNames : [])
      if let close = Self.closest(to: name, among: candidates) { message += " (did you mean '\(close)'?)" }
      throw .usage(message, command: command)
    }
  }

  /// The note for a name `--at` gives that is not a variable of the formula: a step (computed
  /// from its definition) or a name it does not use, with the closest variable.
  private func unusedPointNote(_ name: String) -> String {
    let shown = notation == .latex ? name : notation.name(name)
    if formula.stepNames.contains(name) {
      return "note: --at gives \(shown), a step computed from its definition; the value given is not used"
    }
    var note = "note: --at gives \(shown), which the formula does not use (its variables: \(variableList))"
    if let close = Self.closest(to: name, among: formula.variables) { note += "; did you mean \(close)?" }
    return note
  }

  /// The closest of `candidates` to a misspelt `name`; never one one-letter name for another
  /// (`q` is no typo of `x`).
  private static func closest(to name: String, among candidates: [String]) -> String? {
    guard let close = Suggestion.closest(to: name, among: candidates), name.count > 1 || close.count > 1 else {
      return nil
    }
    return close
  }

  /// Notes for variables the result does not depend on (their derivative is 0): typed, but
  /// gone from the closed form (`x*0`, `a = x; l = y`).
  func independenceNotes() -> [String] {
    let used = Set(formula.graph.symbols(in: formula.root))
    let steps = Set(formula.stepNames)
    return variables.filter { !used.contains($0) && !steps.contains($0) }.map {
      "note: \(notation.name(formula.resultName)) does not depend on \(notation.name($0)), so its derivative is 0"
    }
  }

  /// The kinks met evaluating `ids` at the point, reporting a domain error with the failing
  /// subexpression.
  func kinks(evaluating ids: [NodeID], at values: [String: Double]) throws(CommandError) -> [Evaluator.Kink] {
    do {
      return try Evaluator(graph: formula.graph).values(of: ids, at: values).kinks
    } catch {
      throw .input(describe(error))
    }
  }

  /// The gradient check of `derivatives` (the derivatives by ``variables``, in order) at
  /// `values`. A step's derivative is checked against central differences in the step itself,
  /// taken as an input of the later lines at the value its definition gives.
  func checkRows(_ derivatives: [NodeID], at values: [String: Double]) throws(EvaluationError) -> [GradientCheck.Row] {
    let checker = GradientCheck(graph: formula.graph)
    let steps = Set(formula.stepNames)
    let pairs = Array(zip(variables, derivatives))
    let inputs = pairs.filter { !steps.contains($0.0) }
    let inputRows = try checker.check(
      formula.root, derivatives: inputs.map(\.1), variables: inputs.map(\.0), at: values)
    var rowsByName = Dictionary(zip(inputs.map(\.0), inputRows), uniquingKeysWith: { first, _ in first })
    for (name, derivative) in pairs where steps.contains(name) {
      guard let (result, step) = formula.resultWithInput(step: name) else { continue }
      var point = values
      point[name] = try Evaluator(graph: formula.graph).values(of: [step], at: values).values[step]
      rowsByName[name] = try checker.check(result, derivatives: [derivative], variables: [name], at: point).first
    }
    return variables.compactMap { rowsByName[$0] }
  }

  /// An evaluation error as input error, its subexpression printed in the request's notation.
  func describe(_ error: EvaluationError, context: String? = nil) -> InputError {
    describe(error, printer: formula.printer(notation == .latex ? .plain : notation), context: context)
  }

  /// An evaluation error as input error, printing the failing subexpression with `printer`.
  func describe(_ error: EvaluationError, printer: ExpressionPrinter, context: String? = nil) -> InputError {
    .message(error.message(printer: printer, notation: notation), context: context)
  }

  /// A message for an evaluation error met while training.
  static func describeTraining(_ error: EvaluationError, formula: Formula) -> InputError {
    switch error {
    case .unboundSymbol(let name): return .message("no value for '\(name)': add a data column or --at \(name)=…")
    case .domain(_, let node):
      return .message(
        "the loss has no value on some row: \(formula.printer(.plain).abbreviated(node, characters: 120)) is undefined or overflows there"
      )
    }
  }
}
