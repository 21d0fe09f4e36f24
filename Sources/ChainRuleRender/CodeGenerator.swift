import ChainRuleMatrix

/// Why no code could be written.
public enum CodeGenerationError: Error, Hashable, Sendable {
  /// A size has no number (`--at N=…` missing).
  case unboundSize(String)
  /// An operation or function the language has no spelling for here.
  case unsupported(String)
  /// The adjoint rules built shapes that do not fit (a bug).
  case internalError(String)
}

/// `chainrule code`: the forward and backward passes of a matrix formula as a program, in the
/// shape of seed 002's NumPy listing — inputs, forward pass with shape asserts, the loss, backward
/// pass (`grad_y_pred`, `grad_h_relu`, …, `grad_w1`), and a gradient check by central
/// differences. The Swift version carries a small matrix type and draws its inputs exactly as
/// `--random SEED` does, so it prints ChainRule's own numbers.
public struct CodeGenerator {
  public enum Language: String, Sendable, CaseIterable {
    case numpy, swift
  }

  public let formula: MatrixFormula
  public let language: Language
  /// The parameters whose gradients are computed.
  public let parameters: [String]
  /// Scalar inputs given numbers (`--at lambda=0.1`).
  public let scalars: [String: Double]
  /// The seed random inputs are drawn from.
  public let seed: UInt64
  /// Where the formula came from, for the header comment.
  public let sourceName: String

  public init(
    formula: MatrixFormula, language: Language, parameters: [String], scalars: [String: Double] = [:],
    seed: UInt64 = 0, sourceName: String
  ) {
    self.formula = formula
    self.language = language
    self.parameters = parameters
    self.scalars = scalars
    self.seed = seed
    self.sourceName = sourceName
  }

  static let reserved: Set<String> = [
    "lambda", "def", "class", "in", "is", "not", "and", "or", "if", "else", "for", "while", "return", "import", "from",
    "as", "with", "pass", "None", "True", "False", "let", "var", "func", "struct", "M", "np", "json", "sys", "t",
    "loss_of", "softmax", "crossentropy", "onehot", "forward", "check", "self", "Type", "inout", "where", "default",
  ]

  /// A name as an identifier of both languages: `W^(1)` → `W1`, `lambda` → `lambda_`.
  func identifier(_ name: String) -> String {
    var text = String(
      name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        .map(Character.init))
    if text.isEmpty { text = "v" }
    if let first = text.first, first.isNumber { text = "_" + text }
    return Self.reserved.contains(text) ? text + "_" : text
  }

  /// The program.
  ///
  /// - Throws: ``CodeGenerationError`` for an unbound size or an operation without a spelling.
  public func code() throws(CodeGenerationError) -> String {
    let graph = formula.graph
    let bindings = formula.bindings
    for input in formula.inputs {
      for size in [input.shape.rows, input.shape.columns] where bindings.value(of: size) == nil {
        throw .unboundSize(size.description)
      }
    }
    let gradients: [MatrixNodeID]
    let adjoints: [MatrixNodeID: MatrixNodeID]
    do {
      gradients = try formula.gradient(withRespectTo: parameters)
      let targets = Set(parameters.compactMap { formula.input(named: $0)?.node })
      adjoints = try MatrixDifferentiator(graph: graph).adjoints(of: formula.root, toward: targets)
    } catch {
      throw .internalError("\(error)")
    }
    let forwardSet = Set(graph.reachable(from: [formula.root]))
    var names: [MatrixNodeID: String] = [:]
    var taken = Set(formula.inputs.map { identifier($0.name) })
    func fresh(_ base: String) -> String {
      var name = identifier(base)
      var k = 2
      while taken.contains(name) {
        name = identifier(base) + "_\(k)"
        k += 1
      }
      taken.insert(name)
      return name
    }
    // The forward pass: one statement per definition, in the file's names.
    var forward: [(name: String, node: MatrixNodeID, text: String)] = []
    for step in formula.steps {
      let operation = graph.operation(step.node)
      if operation == .variable { continue }
      let name = fresh(step.name)
      let text: String
      if let existing = names[step.node] { text = existing } else { text = try expression(step.node, names).text }
      forward.append((name, step.node, text))
      if names[step.node] == nil && operation != .constant && operation != .size { names[step.node] = name }
    }
    let result = names[formula.root] ?? fresh(formula.resultName)
    if forward.last?.node != formula.root {
      forward.append((result, formula.root, try expression(formula.root, names).text))
      names[formula.root] = result
    }
    // The backward pass: each step's adjoint as grad_<step>, shared parts as t1, t2, …, then
    // each parameter's gradient as grad_<parameter>.
    var backwardNames: [MatrixNodeID: String] = [:]
    for step in formula.steps.reversed() where step.node != formula.root {
      guard let adjoint = adjoints[step.node], !graph[adjoint].operands.isEmpty, !forwardSet.contains(adjoint),
        backwardNames[adjoint] == nil
      else { continue }
      backwardNames[adjoint] = fresh("grad_" + step.name)
    }
    let backwardNodes = graph.reachable(from: gradients).filter { !forwardSet.contains($0) }
    var uses: [MatrixNodeID: Int] = [:]
    for id in backwardNodes { for operand in graph[id].operands { uses[operand, default: 0] += 1 } }
    var temporaries = 0
    for id in backwardNodes where backwardNames[id] == nil && (uses[id] ?? 0) > 1 {
      let operation = graph.operation(id)
      guard operation != .constant && operation != .broadcast && operation != .transpose else { continue }
      temporaries += 1
      backwardNames[id] = fresh("t\(temporaries)")
    }
    var backward: [(name: String, node: MatrixNodeID, text: String)] = []
    for id in backwardNodes {
      guard let name = backwardNames[id] else { continue }
      backward.append((name, id, try expression(id, names).text))
      names[id] = name
    }
    var gradientLines: [(name: String, parameter: String, node: MatrixNodeID, text: String)] = []
    for (parameter, node) in zip(parameters, gradients) {
      let name = fresh("grad_" + parameter)
      gradientLines.append((name, parameter, node, try expression(node, names).text))
    }
    let program = Program(
      forward: forward, backward: backward, gradients: gradientLines, result: result)
    return language == .numpy ? numpy(program) : swift(program)
  }

  /// The statements of a program, before spelling them in a language.
  struct Program {
    var forward: [(name: String, node: MatrixNodeID, text: String)]
    var backward: [(name: String, node: MatrixNodeID, text: String)]
    var gradients: [(name: String, parameter: String, node: MatrixNodeID, text: String)]
    var result: String
  }

  /// The sizes, in the file's order, then any others the inputs use.
  var sizeNames: [String] {
    var names = formula.program.sizeBindings.map { $0.0 }
    for input in formula.inputs {
      for size in [input.shape.rows, input.shape.columns] {
        if case .named(let name) = size, !names.contains(name) { names.append(name) }
      }
    }
    for (name, _) in formula.bindings.values.sorted(by: { $0.key < $1.key }) where !names.contains(name) {
      names.append(name)
    }
    return names.filter { formula.bindings.value(of: .named($0)) != nil }
  }

  var header: [String] {
    [
      "Generated by chainrule code --lang \(language.rawValue) from \(sourceName).",
      "The forward and backward passes of \(formula.resultName), step by step; each gradient has its parameter's shape.",
    ]
  }
}
