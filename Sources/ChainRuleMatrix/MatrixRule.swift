import ChainRuleSyntax
import Foundation

/// Everything matrix mode knows about one operation, in one entry: its name, its shape rule,
/// its forward kernel, its adjoint and how it is spelled.
///
/// Every pass reads this entry: the constructors check shapes with ``shape``, the evaluator
/// calls ``evaluate``, the sweep calls ``adjoint``, `diff --steps` prints ``differential`` and
/// ``name``, the printers read ``spelling`` (as HIPS/autograd's `defvjp` lines and MLX's
/// primitives keep a value and a vjp together). The adjoints read as the maths: for C = A·B,
/// Ā = C̄·Bᵀ and B̄ = Aᵀ·C̄; each is checked against central differences entry by entry in
/// `MatrixRuleTests`.
public struct MatrixRule: Sendable {
  /// Infers the result's shape from the operands' shapes.
  public typealias ShapeRule = @Sendable (MatrixGraph, [MatrixShape]) throws(MatrixShapeError) -> MatrixShape
  /// Computes the node's value from its operands' values; nil when it has none (an unbound size,
  /// a label out of range).
  public typealias Kernel = @Sendable (MatrixNode, [Matrix], MatrixKernelContext) -> Matrix?
  /// Given the graph, the node C and its adjoint C̄ (of C's shape), each operand's adjoint
  /// contribution (of that operand's shape), nil for an operand that gets none (labels).
  public typealias Adjoint =
    @Sendable (MatrixGraph, MatrixNodeID, MatrixNodeID) throws(MatrixShapeError) ->
    [MatrixNodeID?]

  public let operation: MatrixOperation
  /// What the rule is called in `diff --steps`: `matrix product`.
  public let name: String
  /// The shape rule as a student reads it: `(m×k)·(k×n) → m×n`.
  public let shapeText: String
  /// The adjoint as a student reads it: `C = A·B: Ā = C̄·Bᵀ, B̄ = Aᵀ·C̄`.
  public let adjointText: String
  /// The differential identity behind it: `d(A·B) = dA·B + A·dB`.
  public let differential: String
  /// The shape rule (nil for leaves and for nodes whose shape is given: broadcast, one-hot).
  public let shape: ShapeRule?
  /// The forward kernel.
  public let evaluate: Kernel
  /// The adjoint contributions.
  public let adjoint: Adjoint
  /// The operator or name in plain, Unicode and LaTeX output.
  public let spelling: MatrixSpelling

  /// The entry for `operation`.
  public static func rule(for operation: MatrixOperation) -> MatrixRule { table[Int(operation.rawValue)] }

  /// Every entry, at the position of its operation's raw value.
  public static let table: [MatrixRule] = MatrixOperation.allCases.map(MatrixRules.entry)
}

/// How an operation is written in each notation.
public struct MatrixSpelling: Sendable, Hashable {
  public let plain: String
  public let unicode: String
  public let latex: String

  public init(_ plain: String, _ unicode: String, _ latex: String) {
    self.plain = plain
    self.unicode = unicode
    self.latex = latex
  }
}

/// What a kernel reads besides its operands: the values of variables and sizes.
public struct MatrixKernelContext: Sendable {
  public var inputs: [String: Matrix]
  public var bindings: SizeBindings

  public init(inputs: [String: Matrix], bindings: SizeBindings) {
    self.inputs = inputs
    self.bindings = bindings
  }

  /// The numeric dimensions of a shape (0×0 when a size is not bound).
  func dimensions(_ shape: MatrixShape) -> (rows: Int, columns: Int)? { bindings.dimensions(of: shape) }
}

extension MatrixRule {
  public static let noAdjoint: Adjoint = { _, _, _ in [] }

  public init(
    _ operation: MatrixOperation, name: String, shapeText: String, adjointText: String, differential: String,
    spelling: MatrixSpelling, shape: ShapeRule?, evaluate: @escaping Kernel, adjoint: @escaping Adjoint = noAdjoint
  ) {
    self.operation = operation
    self.name = name
    self.shapeText = shapeText
    self.adjointText = adjointText
    self.differential = differential
    self.spelling = spelling
    self.shape = shape
    self.evaluate = evaluate
    self.adjoint = adjoint
  }
}

/// The entries themselves, one per operation.
enum MatrixRules {
  /// The shape rule of every elementwise binary operation.
  static let elementwiseShape: MatrixRule.ShapeRule = { graph, shapes throws(MatrixShapeError) in
    try graph.broadcastShape(shapes[0], shapes[1])
  }
  static let sameShape: MatrixRule.ShapeRule = { _, shapes in shapes[0] }
  static let scalarShape: MatrixRule.ShapeRule = { _, _ in .scalar }

  /// `f(a, b)` entry by entry on the node's own shape.
  static func elementwise(
    _ node: MatrixNode, _ values: [Matrix], _ context: MatrixKernelContext,
    _ f: (Double, Double) -> Double
  ) -> Matrix? {
    guard let (rows, columns) = context.dimensions(node.shape) else { return nil }
    return Matrix.elementwise(values[0], values[1], rows: rows, columns: columns, f)
  }

  // swift-format-ignore
  static func entry(_ operation: MatrixOperation) -> MatrixRule {
    switch operation {
    case .variable:
      return MatrixRule(
        .variable, name: "variable", shapeText: "as declared (1×1 when not declared)", adjointText: "—",
        differential: "dX", spelling: MatrixSpelling("", "", ""), shape: nil,
        evaluate: { node, _, context in node.name.flatMap { context.inputs[$0] } })
    case .constant:
      return MatrixRule(
        .constant, name: "constant", shapeText: "1×1", adjointText: "—", differential: "dc = 0",
        spelling: MatrixSpelling("", "", ""), shape: nil,
        evaluate: { node, _, _ in node.number.map { Matrix(scalar: $0) } })
    case .size:
      return MatrixRule(
        .size, name: "size", shapeText: "1×1", adjointText: "—", differential: "dN = 0",
        spelling: MatrixSpelling("", "", ""), shape: nil,
        evaluate: { node, _, context in
          node.name.flatMap { context.bindings.values[$0] }.map { Matrix(scalar: Double($0)) }
        })
    case .identity:
      return MatrixRule(
        .identity, name: "identity", shapeText: "n×n", adjointText: "—", differential: "dI = 0",
        spelling: MatrixSpelling("eye", "I", "I"), shape: nil,
        evaluate: { node, _, context in context.dimensions(node.shape).map { Matrix.identity($0.rows) } })
    case .broadcast:
      // C (m×n) = A (1×n, m×1 or 1×1) repeated: Ā = unbroadcast(C̄), A's shape.
      return MatrixRule(
        .broadcast, name: "broadcasting", shapeText: "1×n, m×1 or 1×1 repeated to m×n",
        adjointText: "C = A repeated: Ā = unbroadcast(C̄), the sum over the repeated axes",
        differential: "d(A repeated) = dA repeated", spelling: MatrixSpelling("ones", "𝟏", "\\mathbf{1}"), shape: nil,
        evaluate: { node, values, context in
          context.dimensions(node.shape).map { values[0].broadcast(rows: $0.rows, columns: $0.columns) }
        },
        adjoint: { graph, c, g in [graph.unbroadcast(g, to: graph.shape(graph[c].a))] })
    case .matmul:
      // C (m×n) = A (m×k) · B (k×n): Ā = C̄ (m×n) · Bᵀ (n×k) → m×k; B̄ = Aᵀ (k×m) · C̄ (m×n) → k×n.
      return MatrixRule(
        .matmul, name: "matrix product", shapeText: "(m×k)·(k×n) → m×n",
        adjointText: "C = A·B: Ā = C̄·Bᵀ (m×k), B̄ = Aᵀ·C̄ (k×n)",
        differential: "d(A·B) = dA·B + A·dB; tr(C̄ᵀ·dA·B) = tr((C̄·Bᵀ)ᵀ·dA), tr(C̄ᵀ·A·dB) = tr((Aᵀ·C̄)ᵀ·dB)",
        spelling: MatrixSpelling("*", "·", " "),
        shape: { graph, shapes throws(MatrixShapeError) in
          guard graph.bindings.agree(shapes[0].columns, shapes[1].rows) else {
            throw MatrixShapeError(.innerSizes(shapes[0].columns, shapes[1].rows), shapes: shapes)
          }
          return MatrixShape(rows: shapes[0].rows, columns: shapes[1].columns)
        },
        evaluate: { _, values, _ in Matrix.product(values[0], values[1]) },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          let a = graph[c].a
          let b = graph[c].b
          return [try graph.matmul(g, graph.transpose(b)), try graph.matmul(graph.transpose(a), g)]
        })
    case .transpose:
      // C (n×m) = Aᵀ, A (m×n): Ā = C̄ᵀ → m×n.
      return MatrixRule(
        .transpose, name: "transpose", shapeText: "m×n → n×m", adjointText: "C = Aᵀ: Ā = C̄ᵀ",
        differential: "d(Aᵀ) = (dA)ᵀ; tr(C̄ᵀ·dAᵀ) = tr(C̄·dA) = tr((C̄ᵀ)ᵀ·dA)",
        spelling: MatrixSpelling(".T", "ᵀ", "^\\top"), shape: { _, shapes in shapes[0].transposed },
        evaluate: { _, values, _ in values[0].transposed },
        adjoint: { graph, _, g in [graph.transpose(g)] })
    case .add:
      // C (m×n) = A + B, each m×n or repeated: Ā = unbroadcast(C̄) to A's shape, B̄ likewise.
      return MatrixRule(
        .add, name: "sum", shapeText: "m×n + m×n (or a 1×n row, m×1 column or scalar, repeated) → m×n",
        adjointText: "C = A + B: Ā = unbroadcast(C̄), B̄ = unbroadcast(C̄)", differential: "d(A + B) = dA + dB",
        spelling: MatrixSpelling("+", "+", "+"), shape: elementwiseShape,
        evaluate: { node, values, context in elementwise(node, values, context, +) },
        adjoint: { graph, c, g in
          let node = graph[c]
          return [graph.unbroadcast(g, to: graph.shape(node.a)), graph.unbroadcast(g, to: graph.shape(node.b))]
        })
    case .multiply:
      // C (m×n) = A ⊙ B: Ā = unbroadcast(C̄ ⊙ B) to A's shape, B̄ = unbroadcast(C̄ ⊙ A) to B's.
      return MatrixRule(
        .multiply, name: "elementwise product", shapeText: "m×n ⊙ m×n (or repeated, or a scalar λ·A) → m×n",
        adjointText: "C = A ⊙ B: Ā = unbroadcast(C̄ ⊙ B), B̄ = unbroadcast(C̄ ⊙ A)",
        differential: "d(A ⊙ B) = dA ⊙ B + A ⊙ dB; tr(C̄ᵀ·(dA ⊙ B)) = tr((C̄ ⊙ B)ᵀ·dA)",
        spelling: MatrixSpelling(".*", "⊙", "\\odot"), shape: elementwiseShape,
        evaluate: { node, values, context in elementwise(node, values, context, *) },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          let node = graph[c]
          return [
            graph.unbroadcast(try graph.multiply(g, node.b), to: graph.shape(node.a)),
            graph.unbroadcast(try graph.multiply(g, node.a), to: graph.shape(node.b)),
          ]
        })
    case .power:
      // C (m×n) = A^∘p: Ā = C̄ ⊙ p·A^∘(p−1) → m×n.
      return MatrixRule(
        .power, name: "elementwise power", shapeText: "m×n → m×n", adjointText: "C = A^∘p: Ā = C̄ ⊙ p·A^∘(p−1)",
        differential: "d(A^∘p) = p·A^∘(p−1) ⊙ dA", spelling: MatrixSpelling("^", "^∘", "^{\\circ"),
        shape: sameShape,
        evaluate: { node, values, _ in
          let p = node.number ?? 1
          return values[0].map { p == 2 ? $0 * $0 : Foundation.pow($0, p) }
        },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          let node = graph[c]
          let p = node.number ?? 1
          return [try graph.multiply(g, try graph.multiply(graph.constant(p), graph.power(node.a, p - 1)))]
        })
    case .function:
      // C (m×n) = f(A) or f(A, B): Ā = unbroadcast(C̄ ⊙ ∂f/∂a), from the function's templates.
      return MatrixRule(
        .function, name: "elementwise function", shapeText: "m×n → m×n (two arguments broadcast)",
        adjointText: "C = f(A): Ā = C̄ ⊙ f′(A), f′ from the function's entry in the table",
        differential: "d f(A) = f′(A) ⊙ dA", spelling: MatrixSpelling("", "", ""),
        shape: { graph, shapes throws(MatrixShapeError) in
          shapes.count == 2 ? try graph.broadcastShape(shapes[0], shapes[1]) : shapes[0]
        },
        evaluate: { node, values, context in
          guard let f = node.function else { return nil }
          if values.count == 2 { return elementwise(node, values, context) { f.value([$0, $1]) } }
          return values[0].map { f.value([$0]) }
        },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          let node = graph[c]
          guard let f = node.function else { return [] }
          var contributions: [MatrixNodeID?] = []
          for (k, template) in f.definition.derivatives.enumerated() {
            let local = try graph.instantiate(template, arguments: node.operands)
            contributions.append(graph.unbroadcast(try graph.multiply(g, local), to: graph.shape(node.operands[k])))
          }
          return contributions
        })
    case .sum:
      // c = sum(A) (1×1, 1×n or m×1), A (m×n): Ā = c̄ repeated to m×n.
      return MatrixRule(
        .sum, name: "sum of entries", shapeText: "m×n → 1×1 (all), 1×n (rows: 𝟏ᵀ·A), m×1 (columns: A·𝟏)",
        adjointText: "c = sum(A): Ā = c̄·𝟏, C̄ repeated to A's shape", differential: "d sum(A) = sum(dA) = tr(𝟏ᵀ·dA)",
        spelling: MatrixSpelling("sum", "sum", "\\operatorname{sum}"),
        shape: { _, shapes in shapes[0] },
        evaluate: { node, values, _ in values[0].sum(over: node.axis ?? .all) },
        adjoint: { graph, c, g throws(MatrixShapeError) in [try graph.broadcast(g, to: graph.shape(graph[c].a))] })
    case .softmax:
      // P (m×n) = softmax(A) by rows: Ā = P ⊙ (P̄ − row sums of P̄ ⊙ P, repeated) → m×n.
      return MatrixRule(
        .softmax, name: "softmax", shapeText: "m×n → m×n, each row normalised",
        adjointText: "P = softmax(A): Ā = P ⊙ (P̄ − (P̄ ⊙ P)·𝟏), the row sums repeated",
        differential: "dP = P ⊙ (dA − (P ⊙ dA)·𝟏)",
        spelling: MatrixSpelling("softmax", "softmax", "\\operatorname{softmax}"), shape: sameShape,
        evaluate: { node, values, context in
          let shape = node.shape
          let column = context.bindings.isOne(shape.columns) && !context.bindings.isOne(shape.rows)
          return values[0].softmax(overColumn: column)
        },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          let axis: SumAxis = graph.softmaxNormalisesColumn(graph.shape(c)) ? .all : .columns
          let rowSums = graph.sum(try graph.multiply(g, c), over: axis)
          return [try graph.multiply(c, try graph.subtract(g, rowSums))]
        })
    case .crossEntropy:
      // ℓ (1×1) = −sum(Y ⊙ log P), P and Y m×n: P̄ = −ℓ̄·Y ⊘ P → m×n; Ȳ = −ℓ̄·log P (not for indices).
      return MatrixRule(
        .crossEntropy, name: "cross-entropy",
        shapeText: "(m×C, m×C) → 1×1; labels as class indices (m×1) become one-hot rows",
        adjointText: "ℓ = −sum(Y ⊙ log P): P̄ = −ℓ̄·Y ⊘ P; after P = softmax(Z), fused: Z̄ = ℓ̄·(P − Y)",
        differential: "dℓ = −sum(Y ⊙ dP ⊘ P); with P = softmax(Z): dℓ = tr((P − Y)ᵀ·dZ)",
        spelling: MatrixSpelling("crossentropy", "crossentropy", "\\operatorname{CE}"),
        shape: { graph, shapes throws(MatrixShapeError) in
          guard graph.sameShape(shapes[0], shapes[1]) else {
            throw MatrixShapeError(
              .labels(expectedIndices: MatrixShape(rows: shapes[0].rows, columns: .one), expectedOneHot: shapes[0]),
              shapes: shapes)
          }
          return .scalar
        },
        evaluate: { _, values, _ in Matrix.crossEntropy(values[0], values[1]) },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          let node = graph[c]
          let ratio = try graph.divide(node.b, node.a)
          let labels: MatrixNodeID? =
            graph.operation(node.b) == .oneHot
            ? nil : try graph.multiply(graph.negate(g), graph.function(.log, [node.a]))
          return [try graph.multiply(graph.negate(g), ratio), labels]
        })
    case .oneHot:
      return MatrixRule(
        .oneHot, name: "one-hot labels", shapeText: "m×1 class indices → m×C", adjointText: "— (labels are data)",
        differential: "—", spelling: MatrixSpelling("onehot", "onehot", "\\operatorname{onehot}"), shape: nil,
        evaluate: { node, values, context in
          context.dimensions(node.shape).flatMap { Matrix.oneHot(values[0], rows: $0.rows, columns: $0.columns) }
        },
        adjoint: { _, _, _ in [nil] })
    case .trace:
      // c (1×1) = tr(A), A (n×n): Ā = c̄·I → n×n.
      return MatrixRule(
        .trace, name: "trace", shapeText: "n×n → 1×1", adjointText: "c = tr(A): Ā = c̄·I",
        differential: "d tr(A) = tr(dA) = tr(Iᵀ·dA)", spelling: MatrixSpelling("trace", "tr", "\\operatorname{tr}"),
        shape: { graph, shapes throws(MatrixShapeError) in
          guard graph.bindings.agree(shapes[0].rows, shapes[0].columns) else {
            throw MatrixShapeError(.notSquare, shapes: shapes)
          }
          return .scalar
        },
        evaluate: { _, values, _ in Matrix(scalar: values[0].trace) },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          [try graph.multiply(g, graph.identity(graph.shape(graph[c].a).rows))]
        })
    case .frobeniusSquared:
      // c (1×1) = ‖A‖²_F, A (m×n): Ā = c̄·2A → m×n.
      return MatrixRule(
        .frobeniusSquared, name: "squared Frobenius norm", shapeText: "m×n → 1×1", adjointText: "c = ‖A‖²_F: Ā = c̄·2A",
        differential: "d‖A‖²_F = 2·tr(Aᵀ·dA)", spelling: MatrixSpelling("norm2", "‖", "\\|"), shape: scalarShape,
        evaluate: { _, values, _ in Matrix(scalar: values[0].frobeniusSquared) },
        adjoint: { graph, c, g throws(MatrixShapeError) in
          [try graph.multiply(g, try graph.multiply(graph.constant(2), graph[c].a))]
        })
    }
  }
}
