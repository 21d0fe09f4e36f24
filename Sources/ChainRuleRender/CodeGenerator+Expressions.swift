import ChainRuleMatrix
import ChainRuleSyntax

/// One matrix node as an expression of NumPy or of the generated Swift (whose `M` type mirrors
/// NumPy's spelling: `a.dot(b)`, `a.T`, `a.sum(axis: 0)`).
extension CodeGenerator {
  /// Binding strengths, as Python and Swift both order them.
  enum Strength: Int, Comparable {
    case sum = 1, product, negation, power, atom
    static func < (a: Strength, b: Strength) -> Bool { a.rawValue < b.rawValue }
  }

  struct Code {
    var text: String
    var strength: Strength
  }

  /// `code` as an operand needing at least `strength`.
  func wrap(_ code: Code, _ strength: Strength) -> String {
    code.strength >= strength ? code.text : "(\(code.text))"
  }

  /// A number literal both languages read as a Double.
  static func literal(_ value: Double) -> String {
    let text = "\(value)"
    return text.contains(".") || text.contains("e") || text.contains("n") ? text : text + ".0"
  }

  /// The size as the generated code names it.
  func sizeText(_ size: MatrixSize) -> String {
    switch size {
    case .fixed(let n): String(n)
    case .named(let name): identifier(name)
    }
  }

  /// `(N, H)`: a shape as a tuple.
  func shapeTuple(_ shape: MatrixShape) -> String { "(\(sizeText(shape.rows)), \(sizeText(shape.columns)))" }

  /// The expression for `id`: its name if it has one, else its operation on its operands.
  func expression(_ id: MatrixNodeID, _ names: [MatrixNodeID: String]) throws(CodeGenerationError) -> Code {
    if let name = names[id] { return Code(text: name, strength: .atom) }
    let graph = formula.graph
    let node = graph[id]
    let numpy = language == .numpy
    func operand(_ i: Int) throws(CodeGenerationError) -> Code { try expression(node.operands[i], names) }
    func atom(_ text: String) -> Code { Code(text: text, strength: .atom) }
    switch node.operation {
    case .variable: return atom(identifier(node.name ?? "x"))
    case .constant:
      let value = node.number ?? 0
      return Code(text: Self.literal(value), strength: value < 0 ? .negation : .atom)
    case .size:
      let name = identifier(node.name ?? "n")
      return atom(numpy ? name : "Double(\(name))")
    case .identity:
      return atom(numpy ? "np.eye(\(sizeText(node.shape.rows)))" : "M.eye(\(sizeText(node.shape.rows)))")
    case .broadcast:
      let inner = try operand(0)
      let (rows, columns) = (sizeText(node.shape.rows), sizeText(node.shape.columns))
      if let value = graph.constantValue(node.a) {
        return atom(
          numpy
            ? "np.full((\(rows), \(columns)), \(Self.literal(value)))"
            : "M(\(rows), \(columns), \(Self.literal(value)))")
      }
      return atom(
        numpy
          ? "np.broadcast_to(\(inner.text), (\(rows), \(columns)))"
          : "\(wrap(inner, .atom)).broadcast(\(rows), \(columns))")
    case .matmul:
      return atom("\(wrap(try operand(0), .atom)).dot(\(try operand(1).text))")
    case .transpose: return atom("\(wrap(try operand(0), .atom)).T")
    case .add:
      // A + (−1)·B is A − B.
      if let negated = negatedOperand(node.b) {
        let right = try expression(negated, names)
        return Code(text: "\(wrap(try operand(0), .sum)) - \(wrap(right, .product))", strength: .sum)
      }
      return Code(text: "\(wrap(try operand(0), .sum)) + \(wrap(try operand(1), .product))", strength: .sum)
    case .multiply:
      if graph.constantValue(node.a) == -1 {
        return Code(text: "-\(wrap(try operand(1), .power))", strength: .negation)
      }
      // A·B^∘−1 is A / B.
      if graph.operation(node.b) == .power, graph[node.b].number == -1 {
        let denominator = try expression(graph[node.b].a, names)
        return Code(text: "\(wrap(try operand(0), .product)) / \(wrap(denominator, .power))", strength: .product)
      }
      return Code(text: "\(wrap(try operand(0), .product)) * \(wrap(try operand(1), .power))", strength: .product)
    case .power:
      let p = node.number ?? 1
      let base = try operand(0)
      if p == -1 { return Code(text: "1.0 / \(wrap(base, .power))", strength: .product) }
      if numpy {
        let exponent = p == p.rounded() && abs(p) < 1e6 ? String(Int(p)) : Self.literal(p)
        return Code(text: "\(wrap(base, .atom)) ** \(p < 0 ? "(\(exponent))" : exponent)", strength: .power)
      }
      return atom("pow(\(base.text), \(Self.literal(p)))")
    case .function:
      return try function(node, names)
    case .sum:
      let inner = wrap(try operand(0), .atom)
      switch node.axis ?? .all {
      case .all: return atom("\(inner).sum()")
      case .rows: return atom(numpy ? "\(inner).sum(axis=0, keepdims=True)" : "\(inner).sum(axis: 0)")
      case .columns: return atom(numpy ? "\(inner).sum(axis=1, keepdims=True)" : "\(inner).sum(axis: 1)")
      }
    case .softmax:
      let column = graph.softmaxNormalisesColumn(node.shape)
      return atom("softmax(\(try operand(0).text)\(column ? (numpy ? ", axis=0" : ", column: true") : ""))")
    case .crossEntropy:
      let (p, y) = (try operand(0), try operand(1))
      return numpy
        ? Code(text: "-(\(y.text) * np.log(\(p.text))).sum()", strength: .negation)
        : atom("crossentropy(\(p.text), \(y.text))")
    case .oneHot:
      let labels = try operand(0)
      let (rows, columns) = (sizeText(node.shape.rows), sizeText(node.shape.columns))
      if numpy {
        return atom(
          graph.bindings.isOne(node.shape.columns) && graph.shape(node.a).isScalar
            ? "np.eye(\(rows))[:, [int(np.asarray(\(labels.text)).item())]]"
            : "np.eye(\(columns))[np.asarray(\(labels.text)).astype(int).ravel()]")
      }
      return atom("onehot(\(labels.text), rows: \(rows), columns: \(columns))")
    case .trace: return atom(numpy ? "np.trace(\(try operand(0).text))" : "\(wrap(try operand(0), .atom)).trace()")
    case .frobeniusSquared:
      let inner = wrap(try operand(0), .atom)
      return atom(numpy ? "(\(inner) ** 2).sum()" : "\(inner).frobeniusSquared()")
    }
  }

  /// B when `id` is (−1)·B.
  func negatedOperand(_ id: MatrixNodeID) -> MatrixNodeID? {
    let node = formula.graph[id]
    guard node.operation == .multiply, formula.graph.constantValue(node.a) == -1 else { return nil }
    return node.b
  }

  /// A function of every entry, in the language's own spelling.
  func function(_ node: MatrixNode, _ names: [MatrixNodeID: String]) throws(CodeGenerationError) -> Code {
    guard let f = node.function else { throw .unsupported("a function node without a function") }
    let arguments = try node.operands.map { (id) throws(CodeGenerationError) in try expression(id, names).text }
    let a = arguments.first ?? ""
    func atom(_ text: String) -> Code { Code(text: text, strength: .atom) }
    if language == .numpy {
      switch f.name {
      case "relu": return atom("np.maximum(\(a), 0)")
      case "step": return atom("(\(a) > 0)")
      case "max": return atom("np.maximum(\(arguments.joined(separator: ", ")))")
      case "min": return atom("np.minimum(\(arguments.joined(separator: ", ")))")
      case "sigmoid":
        return Code(text: "1.0 / (1.0 + np.exp(-\(wrap(try expression(node.a, names), .power))))", strength: .product)
      case "softplus": return atom("np.logaddexp(0, \(a))")
      case "asin", "acos", "atan": return atom("np.arc\(f.name.dropFirst())(\(a))")
      case "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "abs", "sign":
        return atom("np.\(f.name)(\(a))")
      default: throw .unsupported("the function \(f.name) has no NumPy spelling here")
      }
    }
    switch f.name {
    case "relu": return atom("\(wrap(try expression(node.a, names), .atom)).map { Swift.max($0, 0) }")
    case "step": return atom("\(wrap(try expression(node.a, names), .atom)).map { $0 > 0 ? 1 : 0 }")
    case "max", "min": return atom("M.zip(\(arguments.joined(separator: ", "))) { Swift.\(f.name)($0, $1) }")
    case "sigmoid": return atom("\(wrap(try expression(node.a, names), .atom)).map { 1 / (1 + Foundation.exp(-$0)) }")
    case "softplus":
      return atom("\(wrap(try expression(node.a, names), .atom)).map { Foundation.log1p(Foundation.exp($0)) }")
    case "sign": return atom("\(wrap(try expression(node.a, names), .atom)).map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }")
    case "abs": return atom("\(wrap(try expression(node.a, names), .atom)).map { Swift.abs($0) }")
    case "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "asin", "acos", "atan":
      return atom("\(wrap(try expression(node.a, names), .atom)).map { Foundation.\(f.name)($0) }")
    default: throw .unsupported("the function \(f.name) has no Swift spelling here")
    }
  }
}
