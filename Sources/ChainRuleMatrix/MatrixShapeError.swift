import ChainRuleSyntax

/// Why two shapes do not fit an operation, as data; ``MatrixProgram`` adds the source text and
/// the span of the operator.
public struct MatrixShapeError: Error, Hashable, Sendable {
  public enum Reason: Hashable, Sendable {
    /// A·B with A's columns ≠ B's rows.
    case innerSizes(MatrixSize, MatrixSize)
    /// An elementwise operation whose sizes on one axis differ and neither is 1.
    case broadcast(axis: String, MatrixSize, MatrixSize)
    /// trace of a matrix that is not square.
    case notSquare
    /// An argument that must be 1×1.
    case notScalar(what: String)
    /// Labels that are neither class indices nor one-hot rows of the probabilities' shape.
    case labels(expectedIndices: MatrixShape, expectedOneHot: MatrixShape)
  }

  public var reason: Reason
  /// The operands' shapes, in order.
  public var shapes: [MatrixShape]

  public init(_ reason: Reason, shapes: [MatrixShape]) {
    self.reason = reason
    self.shapes = shapes
  }

  /// The message after `expression: `: the shapes and what is wrong with them.
  ///
  /// `(64×1000)·(100×10): inner sizes 1000 and 100 differ`.
  public func message(operatorSymbol: String, bindings: SizeBindings) -> String {
    let shown = shapes.map { "(\(bindings.resolved($0)))" }
    let size = { (size: MatrixSize) in bindings.resolved(size) }
    let pair = shown.count == 2 ? "\(shown[0])\(operatorSymbol)\(shown[1])" : shown.joined(separator: ", ")
    switch reason {
    case .innerSizes(let a, let b):
      return "\(pair): inner sizes \(size(a)) and \(size(b)) differ"
    case .broadcast(let axis, let a, let b):
      return "\(pair): \(axis) \(size(a)) and \(size(b)) differ and neither is 1, so they do not broadcast"
    case .notSquare:
      return "\(shown.joined()) is not square"
    case .notScalar(let what):
      return "\(shown.joined(separator: ", ")): \(what) must be a scalar (1×1)"
    case .labels(let indices, let oneHot):
      return
        "\(shown.joined(separator: " and ")): the labels must be class indices (\(bindings.resolved(indices))) or one-hot rows (\(bindings.resolved(oneHot)))"
    }
  }
}

/// A problem with a matrix-mode formula, with its place in the source: a shape error, or a
/// parse error in the words of ``Diagnostic``.
public struct MatrixDiagnostic: Error, Hashable, Sendable {
  /// The line printed after `error: `.
  public var message: String
  /// Advice under the caret.
  public var hint: String?
  /// What the caret points at.
  public var span: SourceSpan

  public init(_ message: String, hint: String? = nil, at span: SourceSpan) {
    self.message = message
    self.hint = hint
    self.span = span
  }

  /// A parse error, worded as the scalar parser words it.
  public init(_ diagnostic: Diagnostic) {
    self.init(diagnostic.message, hint: diagnostic.hint, at: diagnostic.span)
  }
}
