import ChainRule

/// relu′(0): which derivative ReLU has at its kink, chosen with `--relu-grad-at-zero 0|1`.
///
/// ChainRule's relu′(u) is 𝟙[u > 0], so relu′(0) = 0: no gradient passes a unit at exactly 0,
/// as in PyTorch, TensorFlow and JAX. Any value in [0, 1] is a subgradient there; 0 keeps an
/// inactive unit's gradient exactly zero and matches the 𝟙[h > 0] the books write. The NumPy
/// tutorial's `grad_h[h < 0] = 0` zeroes only h < 0, so its relu′(0) = 1; `--relu-grad-at-zero 1`
/// reads relu(u) as max(u, 0), which picks u on a tie (max's convention), for the same numbers.
enum ReluConvention: Sendable, Equatable {
  /// relu′(0) = 0 (the default).
  case zero
  /// relu′(0) = 1, as the NumPy tutorial's code.
  case one

  /// The option, declared once for diff, check and trace.
  static let option = CommandOption(
    "--relu-grad-at-zero", value: "<0|1>", help: "relu′(0): 0 (default, as PyTorch: 𝟙[h > 0]) or 1 (as the",
    "NumPy tutorial's grad_h[h < 0] = 0; relu(u) is then read as max(u, 0)).")

  /// The convention `--relu-grad-at-zero` asks for.
  init(_ arguments: Arguments, command: String) throws(CommandError) {
    switch arguments.values["--relu-grad-at-zero"] {
    case nil, "0": self = .zero
    case "1": self = .one
    case let other?:
      throw .usage("--relu-grad-at-zero must be 0 or 1; found '\(other)'", command: command)
    }
  }

  /// Matrix mode keeps relu′(0) = 0: `--relu-grad-at-zero 1` there is refused, not ignored.
  static func checkMatrixMode(_ arguments: Arguments, command: String) throws(CommandError) {
    guard try ReluConvention(arguments, command: command) == .one else { return }
    throw .usage(
      "--relu-grad-at-zero 1 is for scalar formulas; matrix mode uses relu′(0) = 0 (𝟙[h > 0])", command: command)
  }

  /// `program` with every relu(u) read as max(u, 0) under ``one``; unchanged under ``zero``.
  func apply(to program: Program) -> Program {
    guard self == .one else { return program }
    var result = program
    result.definitions = program.definitions.map { definition in
      var definition = definition
      definition.body = Self.replacingRelu(definition.body)
      return definition
    }
    return result
  }

  /// Whether any line of `program` calls relu.
  static func uses(_ program: Program) -> Bool {
    program.definitions.contains { callsRelu($0.body) }
  }

  /// The sentence the trace ends with when the formula uses relu.
  func traceNote(_ notation: Notation) -> String {
    let indicator = notation == .unicode ? "𝟙[h > 0]" : "step(h)"
    let prime = notation == .unicode ? "relu′(0)" : "relu'(0)"
    switch self {
    case .zero:
      return
        "ReLU at 0: \(prime) = 0 here (\(notation == .unicode ? "relu′" : "relu'") = \(indicator), as PyTorch: a unit at exactly 0 passes\n"
        + "no gradient). The NumPy tutorial's grad_h[h < 0] = 0 passes it, \(prime) = 1: add\n"
        + "--relu-grad-at-zero 1 for its numbers.\n"
    case .one:
      return "ReLU at 0: \(prime) = 1 here (--relu-grad-at-zero 1, as the NumPy tutorial's grad_h[h < 0] = 0):\n"
        + "relu(u) is read as max(u, 0), which picks u on a tie. The default, \(prime) = 0, is PyTorch's.\n"
    }
  }

  private static func replacingRelu(_ tree: SyntaxTree) -> SyntaxTree {
    switch tree {
    case .number, .name: return tree
    case .negate(let operand, let span): return .negate(replacingRelu(operand), span)
    case .binary(let op, let left, let right, let span):
      return .binary(op, replacingRelu(left), replacingRelu(right), span)
    case .call(let function, let arguments, let span):
      let inner = arguments.map(replacingRelu)
      if function == .relu, let argument = inner.first {
        return .call(.max, [argument, .number(0, span)], span)
      }
      return .call(function, inner, span)
    }
  }

  private static func callsRelu(_ tree: SyntaxTree) -> Bool {
    switch tree {
    case .number, .name: return false
    case .negate(let operand, _): return callsRelu(operand)
    case .binary(_, let left, let right, _): return callsRelu(left) || callsRelu(right)
    case .call(let function, let arguments, _): return function == .relu || arguments.contains(where: callsRelu)
    }
  }
}
