import ChainRuleSupport
import ChainRuleSyntax

/// A matrix-mode formula: parsed, built into a shaped graph, ready to differentiate.
///
/// ```swift
/// let formula = try MatrixFormula(parsing: """
///   x: N×D_in; w1: D_in×H; w2: H×D_out; y: N×D_out
///   h = x·w1; h_relu = max(h, 0); y_pred = h_relu·w2
///   loss = sum((y_pred - y)^2)
///   """)
/// let (dw1, dw2) = try formula.gradient(withRespectTo: ["w1", "w2"])  // xᵀ·(…), h_reluᵀ·(2·(y_pred − y))
/// ```
public struct MatrixFormula {
  /// How an input serves as the labels of a cross-entropy.
  public enum Labels: Hashable, Sendable {
    /// Class indices 0…C−1, one per row (one for a column vector).
    case indices(classes: MatrixSize)
    /// One-hot rows (a one-hot column for a column vector): each a distribution, summing to 1.
    case oneHot(column: Bool)
  }

  /// An input the user gives values for: a declared matrix or vector, or an undeclared scalar.
  public struct Input: Hashable, Sendable {
    public var name: String
    public var shape: MatrixShape
    public var node: MatrixNodeID
    /// Whether the input is a cross-entropy's labels (its random values are labels too).
    public var labels: Labels?
  }

  public let program: MatrixProgram
  public let graph: MatrixGraph
  /// Sizes bound by the file and by the caller (the caller's win).
  public let bindings: SizeBindings
  /// The result: a 1×1 node.
  public let root: MatrixNodeID
  /// The result's name: its definition's, or `l`/`f` for a bare formula.
  public let resultName: String
  /// Each definition, in order, with its node.
  public let steps: [(name: String, node: MatrixNodeID)]
  /// The step a node is the value of, for printing results in the user's step names (the
  /// result itself is not among them: a gradient is written in the steps before it).
  public let stepNames: [MatrixNodeID: String]
  /// The inputs the result uses, in order of first appearance.
  public let inputs: [Input]

  /// Parses and builds `source`.
  ///
  /// - Parameters:
  ///   - source: Declarations (`x: 64×1000`), size bindings, definitions and a result.
  ///   - sizes: Numbers for named sizes (`--at N=64`), overriding the file's.
  /// - Throws: ``MatrixDiagnostic`` for a parse error, a shape that does not fit, or a result
  ///   that is not 1×1.
  public init(parsing source: String, sizes: [String: Int] = [:]) throws(MatrixDiagnostic) {
    let program = try MatrixParser.parse(source)
    var values = Dictionary(program.sizeBindings, uniquingKeysWith: { _, last in last })
    values.merge(sizes) { _, given in given }
    let bindings = SizeBindings(values)
    let graph = MatrixGraph(bindings: bindings)
    var builder = MatrixBuilder(graph: graph, program: program)
    var steps: [(String, MatrixNodeID)] = []
    var stepNames: [MatrixNodeID: String] = [:]
    var last = graph.constant(0)
    for definition in program.definitions {
      last = try builder.build(definition.body)
      guard let name = definition.name else { continue }
      builder.definitions[name] = last
      steps.append((name, last))
      let operation = graph.operation(last)
      if stepNames[last] == nil && operation != .variable && operation != .constant && operation != .size {
        stepNames[last] = name
      }
    }
    guard graph.isScalar(last), let final = program.definitions.last else {
      let span = program.definitions.last.map { $0.nameSpan ?? $0.body.span } ?? SourceSpan(start: 0, end: 0)
      throw MatrixDiagnostic(
        "the result is \(bindings.described(graph.shape(last))), not a scalar; a gradient needs a scalar such as a loss",
        hint: "add it up: sum(…), or take a norm ‖…‖²", at: span)
    }
    self.program = program
    self.graph = graph
    self.bindings = bindings
    root = last
    self.steps = steps
    stepNames[last] = nil
    self.stepNames = stepNames
    let used = graph.variables(in: last)
    resultName = final.name ?? (["l", "f", "J"].first { !used.contains($0) } ?? "result")
    inputs = graph.reachable(from: [last]).compactMap { id in
      let node = graph[id]
      guard node.operation == .variable, let name = node.name else { return nil }
      return Input(name: name, shape: node.shape, node: id, labels: builder.labels[name])
    }
  }

  /// The input named `name`, if the result uses it.
  public func input(named name: String) -> Input? { inputs.first { $0.name == name } }

  /// The names `diff` differentiates by when none are given: the declared inputs except labels
  /// and those named as data usually are (x, y, X, Y, t, target, input, labels, with any
  /// subscript); undeclared scalars (λ, a learning rate) are constants unless asked for. If that
  /// leaves none, the declared inputs; if none, every input.
  public var defaultVariables: [String] {
    let data: Set<String> = ["x", "y", "X", "Y", "t", "T", "target", "targets", "input", "inputs", "labels", "label"]
    let declaredNames = Set(program.declarations.map(\.name))
    let declared = inputs.filter { $0.labels == nil && declaredNames.contains($0.name) }
    let parameters = declared.filter { input in
      let base = input.name.split(separator: "_").first.map(String.init) ?? input.name
      let stem = String(base.prefix { !$0.isNumber })
      return !data.contains(input.name) && !data.contains(stem)
    }
    if !parameters.isEmpty { return parameters.map(\.name) }
    if !declared.isEmpty { return declared.map(\.name) }
    return inputs.filter { $0.labels == nil }.map(\.name)
  }

  /// ∂result/∂v for each name, each of v's shape (a zero matrix when the result does not depend
  /// on v; a scalar zero for a name the formula does not mention).
  ///
  /// - Throws: ``MatrixDiagnostic`` only if an adjoint rule builds an ill-shaped node (a bug).
  public func gradient(withRespectTo names: [String]) throws(MatrixDiagnostic) -> [MatrixNodeID] {
    let nodes = names.map { name in input(named: name)?.node ?? graph.variable(name, shape: .scalar) }
    do {
      return try MatrixDifferentiator(graph: graph).gradient(of: root, withRespectTo: nodes)
    } catch {
      throw MatrixDiagnostic(
        "internal error: an adjoint rule built shapes that do not fit (\(error.message(operatorSymbol: ", ", bindings: bindings)))",
        at: SourceSpan(start: 0, end: program.source.utf8.count))
    }
  }

  /// Values for every input: those given, the rest drawn from `seed` (standard normal entries,
  /// class indices uniform), in the order of ``inputs``.
  ///
  /// - Throws: ``MatrixEvaluationError/unboundSize(_:)`` when a size has no number.
  public func inputValues(given: [String: Matrix] = [:], seed: UInt64?) throws(MatrixEvaluationError)
    -> [String: Matrix]
  {
    var generator = SplitMix64(seed: seed ?? 0)
    var values = given
    for input in inputs where values[input.name] == nil {
      guard seed != nil else { throw .missingInput(input.name) }
      guard let (rows, columns) = bindings.dimensions(of: input.shape) else {
        let unbound = [input.shape.rows, input.shape.columns].first { bindings.value(of: $0) == nil }
        throw .unboundSize(unbound?.description ?? input.shape.description)
      }
      let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
      guard !overflow, count <= MatrixEvaluator.maximumEntries else {
        throw .tooLarge("\(rows)×\(columns)", entries: overflow ? Int.max : count)
      }
      switch input.labels {
      case .indices(let classes):
        guard let count = bindings.value(of: classes) else { throw .unboundSize(classes.description) }
        values[input.name] = Matrix.randomIndices(rows: rows, columns: columns, classes: count, using: &generator)
      case .oneHot(let column):
        values[input.name] = Matrix.randomOneHot(rows: rows, columns: columns, column: column, using: &generator)
      case nil:
        values[input.name] = Matrix.randomNormal(rows: rows, columns: columns, using: &generator)
      }
    }
    return values
  }
}
